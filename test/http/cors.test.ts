import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { issueCode, postToken } from '../support/issue-code.js';
import { aliceId, postCredentials, tokenTestConfig } from '../support/token-fixtures.js';

const ORIGIN = 'https://spa.example';

// CORS is HTTP only, the same on both databases.
describe('CORS for the token and userinfo endpoints', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: tokenTestConfig() });
  });
  after(() => server.close());

  it('allows any origin, without credentials, on token responses and errors', async () => {
    const { code } = await issueCode(server.services, 'web', await aliceId(server));
    const ok = await postToken(
      server.url,
      { grant_type: 'authorization_code', code, redirect_uri: 'https://app.example/cb', ...postCredentials('web') },
      { origin: ORIGIN },
    );
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), '*');
    assert.equal(ok.headers.get('access-control-allow-credentials'), null);
    const refused = await postToken(
      server.url,
      { grant_type: 'authorization_code', code: 'nope', ...postCredentials('web') },
      { origin: ORIGIN },
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.headers.get('access-control-allow-origin'), '*');
  });

  it('allows any origin on userinfo, and exposes WWW-Authenticate', async () => {
    const response = await fetch(`${server.url}/userinfo`, { headers: { origin: ORIGIN } });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('access-control-expose-headers') ?? '', /WWW-Authenticate/);
  });

  for (const [path, method] of [
    ['/token', 'POST'],
    ['/userinfo', 'GET'],
  ]) {
    it(`answers the preflight of ${path}`, async () => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization, content-type, dpop',
        },
      });
      assert.equal(response.status, 204);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.match(response.headers.get('access-control-allow-methods') ?? '', new RegExp(method));
      assert.equal(response.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, DPoP');
      assert.equal(response.headers.get('access-control-allow-credentials'), null);
    });
  }

  it('never allows cross-origin calls to the authorization endpoint (RFC 9700 §2.6)', async () => {
    const get = await fetch(`${server.url}/auth?client_id=web&response_type=code`, { headers: { origin: ORIGIN }, redirect: 'manual' });
    assert.equal(get.headers.get('access-control-allow-origin'), null);
    const preflight = await fetch(`${server.url}/auth`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.equal(preflight.headers.get('access-control-allow-methods'), null);
  });
});
