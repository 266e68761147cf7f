import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize } from '../support/browser-less.js';
import { AUTHORIZE_CLIENTS, AUTHORIZE_USERS, webRequest } from '../support/authorize-fixtures.js';
import { getUserinfo, redeem } from '../support/security-flows.js';

const API = 'https://api.example/';
const OPAQUE_CLIENT = {
  ...AUTHORIZE_CLIENTS[0],
  client_id: 'web-opaque',
  client_secret: 'web-opaque-secret-web-opaque-secret',
  access_token_format: 'opaque',
};

// Security review finding 7: /userinfo is a resource of the issuer; tokens for other APIs are refused there.
for (const database of DATABASES) {
  describe(`userinfo accepts only tokens meant for it (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: { clients: [...AUTHORIZE_CLIENTS, OPAQUE_CLIENT], users: AUTHORIZE_USERS, accessTokens: { resources: [API] } },
      });
    });
    after(() => server.close());

    const secrets: Record<string, string> = { web: AUTHORIZE_CLIENTS[0].client_secret!, 'web-opaque': OPAQUE_CLIENT.client_secret };
    const tokensFor = async (clientId: string, extra: Record<string, string> = {}) => {
      const { code } = await authorize(server.url, webRequest({ client_id: clientId, ...extra }));
      return redeem(server.url, code!, clientId, secrets[clientId]);
    };

    it('a token minted for another resource (JWT): 401 invalid_token with WWW-Authenticate', async () => {
      const tokens = await tokensFor('web', { resource: API });
      assert.equal(decodeJwt(tokens.access_token).aud, API);
      const answer = await getUserinfo(server.url, tokens.access_token);
      assert.equal(answer.status, 401);
      assert.equal(answer.body.error, 'invalid_token');
      assert.match(answer.wwwAuthenticate ?? '', /^Bearer realm="tessera", error="invalid_token"/);
    });

    it('a token minted for another resource (opaque): 401 invalid_token', async () => {
      const tokens = await tokensFor('web-opaque', { resource: API });
      const answer = await getUserinfo(server.url, tokens.access_token);
      assert.equal(answer.status, 401);
      assert.match(answer.wwwAuthenticate ?? '', /error="invalid_token"/);
    });

    it('a token without resource (audience: the issuer) is served', async () => {
      for (const clientId of ['web', 'web-opaque']) {
        const tokens = await tokensFor(clientId);
        const answer = await getUserinfo(server.url, tokens.access_token);
        assert.equal(answer.status, 200, clientId);
        assert.equal(typeof answer.body.sub, 'string');
      }
    });

    it('a token that asked for the issuer as its resource is served', async () => {
      const tokens = await tokensFor('web', { resource: server.url });
      assert.equal((await getUserinfo(server.url, tokens.access_token)).status, 200);
    });
  });
}
