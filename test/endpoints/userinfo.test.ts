import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { issueCode, postToken } from '../support/issue-code.js';
import { ALICE, aliceId, postCredentials, tokenTestConfig } from '../support/token-fixtures.js';

for (const database of DATABASES) {
  describe(`userinfo endpoint (${database})`, () => {
    let server: TestServer;
    let sub: string;
    before(async () => {
      server = await startTestServer({ database, config: tokenTestConfig() });
      sub = await aliceId(server);
    });
    after(() => server.close());

    async function accessToken(scope: string, overrides: Record<string, unknown> = {}, clientId = 'web'): Promise<string> {
      const { code } = await issueCode(server.services, clientId, sub, { scope, ...overrides });
      const result = await postToken(server.url, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'https://app.example/cb',
        ...postCredentials(clientId),
      });
      assert.equal(result.status, 200, JSON.stringify(result.body));
      return result.body.access_token;
    }

    const get = (headers: Record<string, string> = {}, query = '') => fetch(`${server.url}/userinfo${query}`, { headers });
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/userinfo`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body),
      });

    it('is advertised in discovery', async () => {
      const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(doc.userinfo_endpoint, `${server.url}/userinfo`);
    });

    it('answers GET with sub and the claims of the granted scopes (OIDC Core §5.3.2, §5.4)', async () => {
      const token = await accessToken('openid email address');
      const response = await get({ authorization: `Bearer ${token}` });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await response.json(), { sub, email: ALICE.claims.email, email_verified: true, address: ALICE.claims.address });
    });

    it('accepts the bearer scheme in any case (RFC 6750 §2.1, RFC 7235 §2.1)', async () => {
      const token = await accessToken('openid');
      assert.equal((await get({ authorization: `bearer ${token}` })).status, 200);
      assert.equal((await get({ authorization: `BEARER ${token}` })).status, 200);
    });

    it('answers POST with the token in the Authorization header', async () => {
      const token = await accessToken('openid profile');
      const response = await fetch(`${server.url}/userinfo`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(body.sub, sub);
      assert.equal(body.name, ALICE.claims.name);
    });

    it('answers POST with the token as the access_token form field (RFC 6750 §2.2)', async () => {
      const token = await accessToken('openid phone');
      const response = await post({ access_token: token });
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { sub, phone_number: ALICE.claims.phone_number, phone_number_verified: false });
    });

    it('refuses a token sent both in the header and the body (invalid_request, 400)', async () => {
      const token = await accessToken('openid');
      const response = await post({ access_token: token }, { authorization: `Bearer ${token}` });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_request"/);
    });

    it('answers a request without a token with the bare challenges (RFC 6750 §3.1, RFC 9449 §7.1)', async () => {
      const response = await get();
      assert.equal(response.status, 401);
      assert.equal(
        response.headers.get('www-authenticate'),
        'Bearer realm="tessera", DPoP algs="RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 ES512 EdDSA"',
      );
      assert.equal(response.headers.get('cache-control'), 'no-store');
    });

    it('does not take the token from the query string', async () => {
      const token = await accessToken('openid');
      const response = await get({}, `?access_token=${encodeURIComponent(token)}`);
      assert.equal(response.status, 401);
      assert.doesNotMatch(response.headers.get('www-authenticate') ?? '', /error=/);
    });

    it('refuses an invalid token with 401 invalid_token', async () => {
      for (const token of ['not-a-token', 'a.b.c', 'x'.repeat(9000)]) {
        const response = await get({ authorization: `Bearer ${token}` });
        assert.equal(response.status, 401);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm="tessera", error="invalid_token"/);
        assert.equal(((await response.json()) as { error: string }).error, 'invalid_token');
      }
    });

    it('refuses a malformed Bearer header with 401 invalid_token', async () => {
      for (const header of ['Bearer', 'Bearer a b', 'Bearer  ']) {
        const response = await get({ authorization: header });
        assert.equal(response.status, 401, header);
        assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      }
    });

    it('refuses the token of a user who no longer exists', async () => {
      const carol = await server.services.users.create('carol', 'carol-password');
      const { code } = await issueCode(server.services, 'web', carol.id, { scope: 'openid' });
      const result = await postToken(server.url, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'https://app.example/cb',
        ...postCredentials('web'),
      });
      await server.services.users.delete('carol');
      const response = await get({ authorization: `Bearer ${result.body.access_token}` });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    });

    it('refuses a token issued to a client for itself (client_credentials: no end-user)', async () => {
      const client = await server.services.clients.find('web');
      const { token } = await server.services.accessTokens.issue({ client: client!, scope: 'openid', ttl: 60 });
      const response = await get({ authorization: `Bearer ${token}` });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    });

    it('refuses a token without the openid scope (403 insufficient_scope)', async () => {
      const token = await accessToken('profile');
      const response = await get({ authorization: `Bearer ${token}` });
      assert.equal(response.status, 403);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="insufficient_scope", scope="openid"/);
      assert.equal(((await response.json()) as { error: string }).error, 'insufficient_scope');
    });

    it('returns the claims requested for userinfo by the claims parameter (OIDC Core §5.5)', async () => {
      const token = await accessToken('openid', { claims: { userinfo: { name: { essential: true }, email: null } } });
      const body = (await (await get({ authorization: `Bearer ${token}` })).json()) as Record<string, unknown>;
      assert.deepEqual(body, { sub, name: ALICE.claims.name, email: ALICE.claims.email });
    });

    it('works with opaque access tokens', async () => {
      const token = await accessToken('openid email', {}, 'opaque');
      assert.equal(token.split('.').length, 1);
      const response = await get({ authorization: `Bearer ${token}` });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as Record<string, unknown>).email, ALICE.claims.email);
    });
  });
}
