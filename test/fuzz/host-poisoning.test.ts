import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { assertSafeAnswer, send, startFuzzServer, type FuzzServer, type RawRequest, type RawResponse } from './hostile-server.js';

const FORGED: Record<string, string>[] = [
  { host: 'evil.example' },
  { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
  {
    host: 'evil.example:443',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    forwarded: 'host=evil.example;proto=https',
    'x-forwarded-port': '8443',
    'x-original-url': '//evil.example/x',
  },
];

/** Requests that make each endpoint print URLs: discovery, redirects to its pages, forms, device verification. */
function urlPrintingRequests(): RawRequest[] {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const auth = new URLSearchParams({
    response_type: 'code',
    client_id: 'conf',
    redirect_uri: 'https://client.example/cb',
    scope: 'openid',
    state: 's',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
  return [
    { method: 'GET', path: '/.well-known/openid-configuration' },
    { method: 'GET', path: '/.well-known/oauth-authorization-server' },
    { method: 'GET', path: `/auth?${auth}` },
    { method: 'GET', path: `/auth?${auth}&prompt=none` },
    { method: 'GET', path: '/login' },
    { method: 'GET', path: '/device' },
    { method: 'GET', path: '/device?user_code=BCDF-GHJK' },
    { method: 'POST', path: '/device/auth', headers: form, body: 'client_id=pub&scope=openid' },
    { method: 'GET', path: '/session/end?post_logout_redirect_uri=https://client.example/bye&client_id=conf' },
    { method: 'GET', path: '/logout' },
    {
      method: 'POST',
      path: '/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['https://client.example/cb'] }),
    },
    { method: 'GET', path: '/nowhere' },
  ];
}

function cookiesOf(res: RawResponse): string {
  const set = res.headers['set-cookie'];
  return (Array.isArray(set) ? set : set ? [set] : []).map((c) => c.split(';')[0]).join('; ');
}

/** Sends `req` with forged headers and follows same-site redirects, returning every answer. */
async function crawl(fuzz: FuzzServer, req: RawRequest, forged: Record<string, string>): Promise<{ req: RawRequest; res: RawResponse }[]> {
  const seen: { req: RawRequest; res: RawResponse }[] = [];
  let current: RawRequest = { ...req, headers: { ...req.headers, ...forged } };
  let cookie = '';
  for (let hop = 0; hop < 4; hop++) {
    const res = await send(fuzz.server.url, current);
    seen.push({ req: current, res });
    cookie = [cookie, cookiesOf(res)].filter(Boolean).join('; ');
    const location = res.headers.location ? String(res.headers.location) : '';
    if (!location || !(location.startsWith('/') || location.startsWith(fuzz.server.url))) break;
    const next = new URL(location, fuzz.server.url);
    current = { method: 'GET', path: next.pathname + next.search, headers: { ...forged, ...(cookie ? { cookie } : {}) } };
  }
  return seen;
}

for (const database of DATABASES) {
  for (const trustProxy of [false, true]) {
    describe(`forged Host and X-Forwarded-* headers (${database}, trustProxy ${trustProxy})`, () => {
      let fuzz: FuzzServer;
      before(async () => {
        fuzz = await startFuzzServer(database, { trustProxy });
      });
      after(() => fuzz.server.close());

      it('never change a URL Tessera prints: discovery, redirects, form actions, verification_uri', async () => {
        for (const forged of FORGED) {
          for (const req of urlPrintingRequests()) {
            for (const { req: sent, res } of await crawl(fuzz, req, forged)) {
              assertSafeAnswer(fuzz, sent, res);
              const printed = res.body + String(res.headers.location ?? '') + String(res.headers['content-security-policy'] ?? '');
              const request = `${sent.method} ${sent.path} with ${JSON.stringify(forged)}`;
              assert.ok(!printed.includes('evil.example'), `${request} printed the forged host: ${res.status} ${printed.slice(0, 400)}`);
              assert.ok(!printed.includes('https://127.0.0.1'), `${sent.path}: the forged proto changed a URL`);
            }
          }
        }
      });

      it('keeps discovery equal to the configured issuer', async () => {
        const res = await send(fuzz.server.url, { method: 'GET', path: '/.well-known/openid-configuration', headers: FORGED[2] });
        const doc = JSON.parse(res.body) as Record<string, unknown>;
        assert.equal(doc.issuer, fuzz.server.url);
        for (const [name, value] of Object.entries(doc)) {
          if (typeof value === 'string' && /^https?:/.test(value)) assert.ok(value.startsWith(fuzz.server.url), `${name}: ${value}`);
        }
      });
    });
  }
}
