import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, type CookieJar } from '../support/browser-less.js';
import { postToken } from '../support/issue-code.js';
import { ALICE, TOKEN_TEST_CLIENTS, tokenTestConfig } from '../support/token-fixtures.js';
import { seedDevDemo } from '../../src/seed/dev-demo.js';

const insecure = { execute: [client.allowInsecureRequests] };

function secretOf(clientId: string): string {
  return (TOKEN_TEST_CLIENTS.find((c) => c.client_id === clientId) as { client_secret: string }).client_secret;
}

function atHash(token: string): string {
  return createHash('sha256').update(token).digest().subarray(0, 16).toString('base64url');
}

/**
 * The authorization code flow end to end, as a certified relying party (openid-client v6)
 * drives it: discovery, the authorization request with PKCE, state and nonce, sign-in and
 * consent over HTTP, the code exchange, userinfo and refresh.
 */
for (const database of DATABASES) {
  describe(`authorization code flow with openid-client (${database})`, () => {
    let server: TestServer;
    let web: client.Configuration;
    before(async () => {
      server = await startTestServer({ database, config: tokenTestConfig() });
      web = await client.discovery(new URL(server.url), 'web', undefined, client.ClientSecretPost(secretOf('web')), insecure);
    });
    after(() => server.close());

    /** Runs the front channel for `config` and returns what the client needs for the exchange. */
    async function frontChannel(
      config: client.Configuration,
      redirectUri: string,
      scope: string,
      extra: Record<string, string> = {},
      jar?: CookieJar,
    ) {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...extra,
      });
      const result = await authorize(server.url, Object.fromEntries(url.searchParams), { jar });
      assert.ok(result.code, `no code: ${result.location}`);
      return { ...result, verifier, state, nonce, callback: new URL(result.location) };
    }

    it('signs in, exchanges the code, reads userinfo and refreshes', async () => {
      const front = await frontChannel(web, 'https://app.example/cb', 'openid profile email offline_access', { prompt: 'consent' });
      assert.equal(front.iss, server.url, 'RFC 9207 iss');
      const tokens = await client.authorizationCodeGrant(web, front.callback, {
        pkceCodeVerifier: front.verifier,
        expectedState: front.state,
        expectedNonce: front.nonce,
        idTokenExpected: true,
      });
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.equal(typeof tokens.refresh_token, 'string', 'offline_access with prompt=consent gives a refresh token');
      assert.deepEqual(tokens.scope?.split(' ').sort(), ['email', 'offline_access', 'openid', 'profile']);

      // The ID token checked independently against the published keys.
      const header = decodeProtectedHeader(tokens.id_token!);
      assert.equal(header.alg, 'RS256');
      assert.equal(typeof header.kid, 'string');
      const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
        issuer: server.url,
        audience: 'web',
      });
      assert.equal(payload.nonce, front.nonce);
      assert.equal(payload.at_hash, atHash(tokens.access_token));
      assert.equal(typeof payload.sid, 'string');
      assert.ok(Math.abs((payload.auth_time as number) - Date.now() / 1000) < 120);
      assert.ok((payload.exp as number) > (payload.iat as number));
      const sub = payload.sub!;

      const info = await client.fetchUserInfo(web, tokens.access_token, sub);
      assert.equal(info.email, ALICE.claims.email);
      assert.equal(info.name, ALICE.claims.name);

      const refreshed = await client.refreshTokenGrant(web, tokens.refresh_token!);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'rotated');
      const claims = refreshed.claims()!;
      assert.equal(claims.sub, sub);
      assert.equal(claims.auth_time, payload.auth_time);
      assert.ok(claims.iat >= (payload.iat as number));
      assert.equal((await client.fetchUserInfo(web, refreshed.access_token, sub)).sub, sub);

      const narrowed = await client.refreshTokenGrant(web, refreshed.refresh_token!, { scope: 'openid email' });
      assert.equal(narrowed.scope, 'openid email');
      const narrowInfo = await client.fetchUserInfo(web, narrowed.access_token, sub);
      assert.equal(narrowInfo.email, ALICE.claims.email);
      assert.equal(narrowInfo.name, undefined);

      // Reuse of a rotated refresh token revokes the grant: every token of it stops working.
      const reuse = await postToken(server.url, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: 'web',
        client_secret: secretOf('web'),
      });
      assert.equal(reuse.status, 400);
      assert.equal(reuse.body.error, 'invalid_grant');
      const afterReuse = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${narrowed.access_token}` } });
      assert.equal(afterReuse.status, 401);
      assert.match(afterReuse.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      await assert.rejects(
        client.refreshTokenGrant(web, narrowed.refresh_token!),
        (err: client.ResponseBodyError) => err.error === 'invalid_grant',
      );
    });

    it('refuses a second use of the code and revokes the tokens issued from it (RFC 6749 §4.1.2)', async () => {
      const front = await frontChannel(web, 'https://app.example/cb', 'openid');
      const tokens = await client.authorizationCodeGrant(web, front.callback, {
        pkceCodeVerifier: front.verifier,
        expectedState: front.state,
        expectedNonce: front.nonce,
      });
      const sub = tokens.claims()!.sub;
      assert.equal((await client.fetchUserInfo(web, tokens.access_token, sub)).sub, sub);
      const replay = await postToken(server.url, {
        grant_type: 'authorization_code',
        code: front.code!,
        redirect_uri: 'https://app.example/cb',
        code_verifier: front.verifier,
        client_id: 'web',
        client_secret: secretOf('web'),
      });
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error, 'invalid_grant');
      const response = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      assert.equal(response.status, 401);
    });

    it('refuses a wrong PKCE verifier', async () => {
      const front = await frontChannel(web, 'https://app.example/cb', 'openid');
      await assert.rejects(
        client.authorizationCodeGrant(web, front.callback, {
          pkceCodeVerifier: client.randomPKCECodeVerifier(),
          expectedState: front.state,
          expectedNonce: front.nonce,
        }),
        (err: client.ResponseBodyError) => err.status === 400 && err.error === 'invalid_grant',
      );
    });

    it('serves a public client with PKCE and rotates its refresh token', async () => {
      const spa = await client.discovery(new URL(server.url), 'spa', undefined, client.None(), insecure);
      const front = await frontChannel(spa, 'https://spa.example/cb', 'openid offline_access', { prompt: 'consent' });
      const tokens = await client.authorizationCodeGrant(spa, front.callback, {
        pkceCodeVerifier: front.verifier,
        expectedState: front.state,
        expectedNonce: front.nonce,
      });
      assert.ok(tokens.refresh_token);
      const refreshed = await client.refreshTokenGrant(spa, tokens.refresh_token);
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    });

    it("refuses another client's refresh token (invalid_grant)", async () => {
      const basic = await client.discovery(new URL(server.url), 'basic', undefined, client.ClientSecretBasic(secretOf('basic')), insecure);
      const front = await frontChannel(basic, 'https://basic.example/cb', 'openid offline_access', { prompt: 'consent' });
      const tokens = await client.authorizationCodeGrant(basic, front.callback, {
        pkceCodeVerifier: front.verifier,
        expectedState: front.state,
        expectedNonce: front.nonce,
      });
      await assert.rejects(
        client.refreshTokenGrant(web, tokens.refresh_token!),
        (err: client.ResponseBodyError) => err.status === 400 && err.error === 'invalid_grant',
      );
      assert.ok((await client.refreshTokenGrant(basic, tokens.refresh_token!)).access_token);
    });

    it('single sign-on: a second authorization in the same session keeps auth_time and sid', async () => {
      const first = await frontChannel(web, 'https://app.example/cb', 'openid');
      const firstTokens = await client.authorizationCodeGrant(web, first.callback, {
        pkceCodeVerifier: first.verifier,
        expectedState: first.state,
        expectedNonce: first.nonce,
      });
      const second = await frontChannel(web, 'https://app.example/cb', 'openid', { prompt: 'none' }, first.jar);
      assert.deepEqual(second.pages, []);
      const secondTokens = await client.authorizationCodeGrant(web, second.callback, {
        pkceCodeVerifier: second.verifier,
        expectedState: second.state,
        expectedNonce: second.nonce,
      });
      assert.equal(secondTokens.claims()!.auth_time, firstTokens.claims()!.auth_time);
      assert.equal(secondTokens.claims()!.sid, firstTokens.claims()!.sid);
    });

    it("answers the walkthrough's token request for the demo web_application", async () => {
      await seedDevDemo(server.services);
      const verifier = client.randomPKCECodeVerifier();
      const front = await authorize(
        server.url,
        {
          response_type: 'code',
          client_id: 'web_application',
          redirect_uri: 'http://example.local:3000/autorization',
          state: '1234zyx',
          code_challenge: await client.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          scope: 'openid profile phone email',
        },
        { username: 'demo', password: 'demo-password' },
      );
      assert.equal(front.state, '1234zyx');
      const response = await postToken(server.url, {
        code: front.code!,
        grant_type: 'authorization_code',
        redirect_uri: 'http://example.local:3000/autorization',
        client_id: 'web_application',
        code_verifier: verifier,
        client_secret: 'bar',
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(response.body.token_type, 'Bearer');
      assert.equal(response.body.scope, 'openid profile phone email');
      assert.ok(response.body.id_token && response.body.access_token && response.body.expires_in > 0);
      const info = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${response.body.access_token}` } });
      const body = (await info.json()) as Record<string, unknown>;
      assert.equal(body.phone_number, '+1 555 0100');
      assert.equal(body.email, 'demo@example.com');
    });
  });
}
