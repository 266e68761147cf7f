import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/test-provider.js';
import type { DatabaseKind } from '../support/databases.js';

/** Secrets the fuzz server knows: none of them may ever appear in a response. */
export interface FuzzSecrets {
  clientSecret: string;
  jwtClientSecret: string;
  password: string;
  all: string[];
}

export interface FuzzServer {
  server: TestServer;
  secrets: FuzzSecrets;
  /** Every path to attack: from discovery, plus the well-known paths of every capability. */
  paths: string[];
  redirectUris: string[];
}

export const KNOWN_PATHS = [
  '/auth',
  '/token',
  '/par',
  '/device/auth',
  '/device',
  '/userinfo',
  '/introspect',
  '/revoke',
  '/jwks',
  '/login',
  '/consent',
  '/register',
  '/reg',
  '/session/end',
  '/logout',
  '/end-session',
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/healthz',
  '/readyz',
  '/metrics',
];

/** A provider with clients of every kind, whose secrets are long enough to be searched for. */
export async function startFuzzServer(database: DatabaseKind, config: Record<string, unknown> = {}): Promise<FuzzServer> {
  const secrets = {
    clientSecret: `cs-${randomBytes(16).toString('hex')}`,
    jwtClientSecret: `jwt-${randomBytes(24).toString('hex')}`,
    password: `pw-${randomBytes(12).toString('hex')}`,
  };
  const redirectUris = ['https://client.example/cb', 'http://127.0.0.1:9/cb'];
  const server = await startTestServer({
    database,
    config: {
      clients: [
        {
          client_id: 'conf',
          client_secret: secrets.clientSecret,
          redirect_uris: redirectUris,
          post_logout_redirect_uris: ['https://client.example/bye'],
          grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        {
          client_id: 'post',
          client_secret: secrets.clientSecret,
          redirect_uris: redirectUris,
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
        {
          client_id: 'pub',
          redirect_uris: redirectUris,
          grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
        },
        ...jwtClient(secrets.jwtClientSecret, redirectUris),
      ],
      users: [{ username: 'alice', password: secrets.password, claims: { email: 'alice@example.com' } }],
      ...config,
    },
  });
  const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  const fromDiscovery = Object.entries(discovery)
    .filter(
      ([name, value]) => (name.endsWith('_endpoint') || name === 'jwks_uri') && typeof value === 'string' && value.startsWith(server.url),
    )
    .map(([, value]) => new URL(value as string).pathname);
  const paths = [...new Set([...fromDiscovery, ...KNOWN_PATHS])];
  return {
    server,
    secrets: { ...secrets, all: [secrets.clientSecret, secrets.jwtClientSecret, secrets.password, TEST_SECRET] },
    paths,
    redirectUris,
  };
}

/** A client_secret_jwt client, when that method exists yet (the registry refuses unknown methods). */
function jwtClient(secret: string, redirectUris: string[]): Record<string, unknown>[] {
  return [
    {
      client_id: 'jwt',
      client_secret: secret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_jwt',
    },
  ];
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * One HTTP request with exactly the bytes given (fetch would normalise or refuse some). A
 * request that met a kept-alive connection the server had just closed (after refusing the
 * previous request's body) is sent once more on a fresh connection, as any HTTP client does.
 */
export async function send(base: string, req: RawRequest): Promise<RawResponse> {
  try {
    return await sendOnce(base, req, agent);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
    return sendOnce(base, req, false);
  }
}

function sendOnce(base: string, req: RawRequest, via: Agent | false): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        agent: via,
        headers: { ...req.headers },
        insecureHTTPParser: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

const STACK_TRACE = /\bat [\w.<>]+ \(|\.ts:\d+:\d+|node_modules|\/work\/|TypeError|ReferenceError|SyntaxError: /;

/**
 * The invariant of every answer to hostile input: below 500, an error is spec-shaped JSON
 * (RFC 6749 §5.2) or an HTML page, nothing leaks internals or secrets, and a redirect goes
 * only to the issuer or a registered redirect URI.
 */
export function assertSafeAnswer(fuzz: FuzzServer, req: RawRequest, res: RawResponse): void {
  const what = `${req.method} ${req.path.slice(0, 200)} -> ${res.status} ${res.body.slice(0, 300)}`;
  assert.ok(res.status < 500, `no 5xx: ${what}`);
  assert.doesNotMatch(res.body, STACK_TRACE, `no stack trace: ${what}`);
  for (const secret of fuzz.secrets.all)
    assert.ok(!res.body.includes(secret) && !JSON.stringify(res.headers).includes(secret), `no secret in the answer: ${what}`);
  const type = String(res.headers['content-type'] ?? '');
  if (res.status >= 400) {
    if (res.body === '' && /^Bearer\b/.test(String(res.headers['www-authenticate'] ?? ''))) {
      // RFC 6750 §3.1: a protected resource may answer a missing token with only WWW-Authenticate.
      assert.ok(res.status === 401 || res.status === 403, `a bare Bearer challenge is 401/403: ${what}`);
      assert.doesNotMatch(String(res.headers['www-authenticate']), /[\r\n]/);
    } else if (type.startsWith('application/json')) {
      const body = JSON.parse(res.body) as Record<string, unknown>;
      assert.match(String(body.error), /^[a-z_]+$/, `error code: ${what}`);
      if (body.error_description !== undefined) {
        assert.equal(typeof body.error_description, 'string');
        // RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E.
        assert.match(body.error_description as string, /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/, `error_description charset: ${what}`);
      }
    } else {
      assert.ok(type.startsWith('text/html'), `an error is JSON or an HTML page: ${what} (${type})`);
    }
  }
  if (res.status >= 300 && res.status < 400 && res.headers.location) {
    const location = String(res.headers.location);
    const target = new URL(location, fuzz.server.url);
    const allowed =
      target.origin === new URL(fuzz.server.url).origin ||
      fuzz.redirectUris.some((u) => location.startsWith(u)) ||
      location.startsWith('https://client.example/bye');
    assert.ok(allowed, `redirect only to the issuer or a registered URI: ${what} -> ${location}`);
  }
}
