import fc from 'fast-check';

/** Parameter names of every endpoint, so random requests reach the checks behind the first one. */
export const PARAM_NAMES = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code',
  'code_verifier',
  'code_challenge',
  'code_challenge_method',
  'grant_type',
  'refresh_token',
  'device_code',
  'user_code',
  'token',
  'token_type_hint',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
  'id_token_hint',
  'post_logout_redirect_uri',
  'prompt',
  'max_age',
  'claims',
  'request',
  'request_uri',
  'resource',
  'username',
  'password',
  'csrf',
  'csrf_token',
  'interaction',
  'action',
  'decision',
  'login_hint',
  'acr_values',
  'response_mode',
  'display',
  'ui_locales',
  'redirect_uris',
  'token_endpoint_auth_method',
  'grant_types',
  'logout_hint',
];

/** Values that mean something to some endpoint, and values that mean trouble. */
const MEANINGFUL = [
  '',
  'openid',
  'openid profile email offline_access',
  'code',
  'authorization_code',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'conf',
  'pub',
  'post',
  'jwt',
  'https://client.example/cb',
  'https://evil.example/cb',
  'S256',
  'plain',
  'none',
  'login',
  'consent',
  'select_account',
  '{"userinfo":{"email":null}}',
  '{"id_token":',
  'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  'access_token',
  'form_post',
  'query',
  'fragment',
  '%',
  '%zz',
  '%E0%A4%A',
  '\u0000',
  'a\u0000b',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '-1',
  '0',
  '99999999999999999999',
  'NaN',
  '1e308',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'BCDF-GHJK',
  'bcdfghjk',
  '\uD800',
  '\uFFFF',
  'a'.repeat(5000),
];

const ascii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const latin1 = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((c) => c !== 0x7f)
  .map((c) => String.fromCharCode(c));

export const paramValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...MEANINGFUL) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 200, maxLength: 3000 }) },
);

/** Pairs, not a record: the same name may come twice (RFC 6749 §3.1 says it must not). */
export const paramList = fc.array(
  fc.tuple(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...PARAM_NAMES) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    ),
    paramValue,
  ),
  { maxLength: 12 },
);

export const contentType = fc.constantFrom(
  undefined,
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/x-www-form-urlencoded; charset=latin1',
  'garbage',
  '*/*',
  'application/jwt',
  'text/html',
);

/** Bytes that are not valid UTF-8, and percent-escapes that do not decode. */
const brokenEncoding = fc.constantFrom(
  Buffer.from([0xff, 0xfe, 0xfd]),
  Buffer.from('client_id=\xc0\xaf&scope=openid', 'latin1'),
  Buffer.from([0x63, 0x3d, 0xed, 0xa0, 0x80]),
  Buffer.from('grant_type=%zz&code=%'),
  Buffer.from('a=%E0%A4%A&b=%C0%AF&c=%ED%A0%80'),
  Buffer.from('%%%%'),
  Buffer.from('{"grant_type":"client_credentials"'),
  Buffer.from('[]'),
  Buffer.from('null'),
  Buffer.from('{"__proto__":{"x":1}}'),
);

export type BodyKind = 'form' | 'json' | 'bytes' | 'broken' | 'none';

export const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
  params: paramList,
  bodyKind: fc.constantFrom<BodyKind>('form', 'form', 'json', 'bytes', 'broken', 'none'),
  bytes: fc.uint8Array({ maxLength: 400 }),
  broken: brokenEncoding,
  contentType,
  rawQuery: fc.option(fc.constantFrom('%', '%zz', 'a=%E0%A4%A', 'client_id=%00', '&&&==', 'a=1&a=2', '%ED%A0%80=x'), { nil: undefined }),
  authorization: fc.option(
    fc.oneof(
      fc.constantFrom(
        'Basic',
        'Basic ',
        'Basic !!!',
        'Bearer',
        'Bearer ',
        'Digest x',
        'Basic Og==',
        'Basic JXp6OiV6eg==',
        'Basic Y29uZg==',
        'basic Y29uZjp4',
        'Bearer a.b.c',
        'Basic ' + Buffer.from('a'.repeat(3000) + ':b').toString('base64'),
        'Basic ' + Buffer.from('conf:wrong').toString('base64'),
      ),
      fc.string({ unit: ascii, maxLength: 60 }).map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
      fc.string({ unit: latin1, maxLength: 80 }).map((s) => `Bearer ${s}`),
      fc.string({ unit: latin1, maxLength: 80 }),
    ),
    { nil: undefined },
  ),
  cookie: fc.option(fc.string({ unit: latin1, maxLength: 80 }), { nil: undefined }),
});

export type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** Turns a generated request into method, path, headers and body bytes. */
export function encode(path: string, r: FuzzRequest): { method: string; path: string; headers: Record<string, string>; body?: Buffer } {
  const form = new URLSearchParams(r.params).toString();
  let query = r.method === 'GET' && r.params.length ? form : '';
  if (r.rawQuery) query = query ? `${query}&${r.rawQuery}` : r.rawQuery;
  const headers: Record<string, string> = {};
  if (r.authorization !== undefined) headers.authorization = r.authorization;
  if (r.cookie !== undefined) headers.cookie = r.cookie;
  let body: Buffer | undefined;
  if (r.method !== 'GET' && r.method !== 'OPTIONS') {
    if (r.bodyKind === 'form') body = Buffer.from(form);
    else if (r.bodyKind === 'json') body = Buffer.from(JSON.stringify(Object.fromEntries(r.params)));
    else if (r.bodyKind === 'bytes') body = Buffer.from(r.bytes);
    else if (r.bodyKind === 'broken') body = r.broken;
  }
  if (r.contentType && (body !== undefined || r.method === 'POST')) headers['content-type'] = r.contentType;
  if (body !== undefined) headers['content-length'] = String(body.length);
  return { method: r.method, path: query ? `${path}?${query}` : path, headers, body };
}
