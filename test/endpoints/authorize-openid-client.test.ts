import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, CookieJar } from '../support/browser-less.js';
import { AUTHORIZE_CLIENTS, AUTHORIZE_USERS } from '../support/authorize-fixtures.js';

for (const database of DATABASES) {
  describe(`openid-client drives /auth end to end (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { clients: AUTHORIZE_CLIENTS, users: AUTHORIZE_USERS } });
    });
    after(() => server.close());

    const run = async (responseMode: 'query' | 'form_post', jar = new CookieJar()) => {
      const config = await client.discovery(
        new URL(server.url),
        'web',
        undefined,
        client.ClientSecretBasic(AUTHORIZE_CLIENTS[0].client_secret),
        { execute: [client.allowInsecureRequests] },
      );
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: 'https://rp.example/cb',
        scope: 'openid email',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...(responseMode === 'form_post' ? { response_mode: 'form_post' } : {}),
      });
      const result = await authorize(server.url, Object.fromEntries(url.searchParams), { jar });
      // openid-client checks state and, since discovery advertises it, iss (RFC 9207).
      const callback =
        responseMode === 'form_post'
          ? new Request('https://rp.example/cb', {
              method: 'POST',
              body: result.params,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            })
          : new URL(result.location);
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      return { tokens, result };
    };

    it('query response: state, iss, nonce and auth_time check out', async () => {
      const { tokens, result } = await run('query');
      assert.deepEqual(result.pages, ['login', 'consent']);
      const claims = tokens.claims()!;
      assert.equal(claims.iss, server.url);
      assert.equal(typeof claims.auth_time, 'number');
      assert.equal(typeof claims.sid, 'string');
    });

    it('form_post response', async () => {
      const { tokens, result } = await run('form_post');
      assert.deepEqual(result.pages, ['login', 'form_post'], 'consent is remembered from the first test');
      assert.ok(tokens.access_token);
    });
  });
}
