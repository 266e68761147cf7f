import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { issueCode, pkcePair, postToken } from '../support/issue-code.js';
import { aliceId, postCredentials, tokenTestConfig, userinfo } from '../support/token-fixtures.js';
import { seedDevDemo } from '../../src/seed/dev-demo.js';
import { systemClock } from '../../src/util/clock.js';

for (const database of DATABASES) {
  describe(`authorization_code grant (${database})`, () => {
    let server: TestServer;
    let sub: string;
    before(async () => {
      server = await startTestServer({ database, config: tokenTestConfig() });
      sub = await aliceId(server);
    });
    after(() => server.close());

    const exchange = (code: string, extra: Record<string, string> = {}, clientId = 'web') =>
      postToken(server.url, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'https://app.example/cb',
        ...postCredentials(clientId),
        ...extra,
      });

    const refused = async (result: Awaited<ReturnType<typeof postToken>>, error: string) => {
      assert.equal(result.status, 400, JSON.stringify(result.body));
      assert.equal(result.body.error, error);
      assert.equal(typeof result.body.error_description, 'string');
      assert.match(result.headers.get('content-type') ?? '', /^application\/json/);
    };

    it('exchanges a code for an access token and an ID token, not cacheable (RFC 6749 §5.1)', async () => {
      const { code } = await issueCode(server.services, 'web', sub, { scope: 'openid profile' });
      const result = await exchange(code);
      assert.equal(result.status, 200);
      assert.equal(result.headers.get('cache-control'), 'no-store');
      assert.equal(result.headers.get('pragma'), 'no-cache');
      assert.equal(result.body.token_type, 'Bearer');
      assert.equal(result.body.expires_in, 3600);
      assert.equal(result.body.scope, 'openid profile');
      assert.equal(typeof result.body.access_token, 'string');
      assert.equal(typeof result.body.id_token, 'string');
      assert.equal(result.body.refresh_token, undefined, 'no refresh token without offline_access');
      assert.equal((await userinfo(server.url, result.body.access_token)).status, 200);
    });

    it('answers the walkthrough token request of the demo web_application (client_secret_post, body credentials)', async () => {
      await seedDevDemo(server.services);
      const demoUser = await server.services.users.findByUsername('demo');
      const { verifier, challenge } = pkcePair();
      const { code } = await issueCode(server.services, 'web_application', demoUser!.id, {
        redirectUri: 'http://example.local:3000/autorization',
        scope: 'openid profile phone email',
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
      });
      const result = await postToken(server.url, {
        code,
        grant_type: 'authorization_code',
        redirect_uri: 'http://example.local:3000/autorization',
        client_id: 'web_application',
        code_verifier: verifier,
        client_secret: 'bar',
      });
      assert.equal(result.status, 200, JSON.stringify(result.body));
      assert.deepEqual(Object.keys(result.body).sort(), ['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
      assert.equal(result.body.scope, 'openid profile phone email');
    });

    it('issues a refresh token only for offline_access to a client allowed the refresh_token grant (OIDC Core §11)', async () => {
      const withOffline = await exchange((await issueCode(server.services, 'web', sub, { scope: 'openid offline_access' })).code);
      assert.equal(withOffline.status, 200);
      assert.equal(typeof withOffline.body.refresh_token, 'string');
      assert.ok(withOffline.body.refresh_token.length >= 43);
      const notAllowed = await exchange(
        (await issueCode(server.services, 'no-refresh', sub, { scope: 'openid offline_access' })).code,
        {},
        'no-refresh',
      );
      assert.equal(notAllowed.status, 200);
      assert.equal(notAllowed.body.refresh_token, undefined);
    });

    it('issues no ID token without the openid scope', async () => {
      const result = await exchange((await issueCode(server.services, 'web', sub, { scope: 'profile' })).code);
      assert.equal(result.status, 200);
      assert.equal(result.body.id_token, undefined);
    });

    it('requires the code parameter (invalid_request)', async () => {
      await refused(
        await postToken(server.url, {
          grant_type: 'authorization_code',
          redirect_uri: 'https://app.example/cb',
          ...postCredentials('web'),
        }),
        'invalid_request',
      );
    });

    it('refuses an unknown code', async () => {
      await refused(await exchange('not-a-code-we-issued'), 'invalid_grant');
    });

    it('refuses an expired code', async () => {
      const { code } = await issueCode(server.services, 'web', sub, { expiresAt: systemClock.nowSeconds() - 1 });
      await refused(await exchange(code), 'invalid_grant');
    });

    it('refuses a second use and revokes every token issued from the code (RFC 6749 §4.1.2)', async () => {
      const { code } = await issueCode(server.services, 'web', sub, { scope: 'openid offline_access' });
      const first = await exchange(code);
      assert.equal(first.status, 200);
      assert.equal((await userinfo(server.url, first.body.access_token)).status, 200);
      await refused(await exchange(code), 'invalid_grant');
      const after = await userinfo(server.url, first.body.access_token);
      assert.equal(after.status, 401);
      assert.match(after.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      await refused(
        await postToken(server.url, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token, ...postCredentials('web') }),
        'invalid_grant',
      );
    });

    it('refuses a code issued to another client', async () => {
      const { code } = await issueCode(server.services, 'web', sub);
      await refused(await exchange(code, {}, 'no-refresh'), 'invalid_grant');
    });

    it('refuses a redirect_uri different from the authorization request (RFC 6749 §4.1.3)', async () => {
      const { code } = await issueCode(server.services, 'web', sub);
      await refused(await exchange(code, { redirect_uri: 'https://app.example/other' }), 'invalid_grant');
    });

    it('requires redirect_uri when the authorization request had one', async () => {
      const { code } = await issueCode(server.services, 'web', sub);
      await refused(await postToken(server.url, { grant_type: 'authorization_code', code, ...postCredentials('web') }), 'invalid_grant');
    });

    it('accepts a code whose request omitted redirect_uri, with or without the single registered URI', async () => {
      const auth = { authorization: `Basic ${Buffer.from('basic:basic-secret-basic-secret').toString('base64')}` };
      const without = await issueCode(server.services, 'basic', sub, { redirectUri: '' });
      assert.equal((await postToken(server.url, { grant_type: 'authorization_code', code: without.code }, auth)).status, 200);
      const withIt = await issueCode(server.services, 'basic', sub, { redirectUri: '' });
      assert.equal(
        (
          await postToken(
            server.url,
            { grant_type: 'authorization_code', code: withIt.code, redirect_uri: 'https://basic.example/cb' },
            auth,
          )
        ).status,
        200,
      );
      const wrong = await issueCode(server.services, 'basic', sub, { redirectUri: '' });
      await refused(
        await postToken(
          server.url,
          { grant_type: 'authorization_code', code: wrong.code, redirect_uri: 'https://basic.example/cb2' },
          auth,
        ),
        'invalid_grant',
      );
    });

    describe('PKCE (RFC 7636 §4.6)', () => {
      it('accepts the S256 verifier of a public client', async () => {
        const { verifier, challenge } = pkcePair();
        const { code } = await issueCode(server.services, 'spa', sub, {
          redirectUri: 'https://spa.example/cb',
          codeChallenge: challenge,
          codeChallengeMethod: 'S256',
        });
        const result = await postToken(server.url, {
          grant_type: 'authorization_code',
          code,
          redirect_uri: 'https://spa.example/cb',
          client_id: 'spa',
          code_verifier: verifier,
        });
        assert.equal(result.status, 200, JSON.stringify(result.body));
      });

      it('accepts a plain verifier', async () => {
        const { verifier } = pkcePair();
        const { code } = await issueCode(server.services, 'web', sub, { codeChallenge: verifier, codeChallengeMethod: 'plain' });
        assert.equal((await exchange(code, { code_verifier: verifier })).status, 200);
      });

      it('refuses a wrong S256 verifier', async () => {
        const { challenge } = pkcePair();
        const { code } = await issueCode(server.services, 'web', sub, { codeChallenge: challenge, codeChallengeMethod: 'S256' });
        await refused(await exchange(code, { code_verifier: pkcePair().verifier }), 'invalid_grant');
      });

      it('refuses a wrong plain verifier, and the S256 challenge itself sent as verifier', async () => {
        const { verifier, challenge } = pkcePair();
        const plain = await issueCode(server.services, 'web', sub, { codeChallenge: verifier, codeChallengeMethod: 'plain' });
        await refused(await exchange(plain.code, { code_verifier: pkcePair().verifier }), 'invalid_grant');
        const s256 = await issueCode(server.services, 'web', sub, { codeChallenge: challenge, codeChallengeMethod: 'S256' });
        await refused(await exchange(s256.code, { code_verifier: challenge }), 'invalid_grant');
      });

      it('treats a challenge without a method as plain (RFC 7636 §4.3)', async () => {
        const { verifier } = pkcePair();
        const { code } = await issueCode(server.services, 'web', sub, { codeChallenge: verifier, codeChallengeMethod: null });
        assert.equal((await exchange(code, { code_verifier: verifier })).status, 200);
      });

      it('refuses a missing verifier when the code has a challenge', async () => {
        const { challenge } = pkcePair();
        const { code } = await issueCode(server.services, 'web', sub, { codeChallenge: challenge, codeChallengeMethod: 'S256' });
        await refused(await exchange(code), 'invalid_grant');
      });

      it('refuses a verifier for a code issued without a challenge (RFC 9700 §2.1.1)', async () => {
        const { code } = await issueCode(server.services, 'web', sub);
        await refused(await exchange(code, { code_verifier: pkcePair().verifier }), 'invalid_grant');
      });

      it('refuses verifiers outside 43-128 unreserved characters (RFC 7636 §4.1)', async () => {
        for (const bad of ['a'.repeat(42), 'a'.repeat(129), 'a'.repeat(42) + '+', 'a'.repeat(42) + '=']) {
          const { code } = await issueCode(server.services, 'web', sub, { codeChallenge: bad, codeChallengeMethod: 'plain' });
          await refused(await exchange(code, { code_verifier: bad }), 'invalid_grant');
        }
        const longest = 'A-._~'.repeat(25) + 'abc';
        const { code } = await issueCode(server.services, 'web', sub, { codeChallenge: longest, codeChallengeMethod: 'plain' });
        assert.equal((await exchange(code, { code_verifier: longest })).status, 200);
      });
    });

    it('refuses a code whose grant was revoked', async () => {
      const { code, grantId } = await issueCode(server.services, 'web', sub);
      await server.services.grantsStore.revoke(grantId, systemClock.nowSeconds());
      await refused(await exchange(code), 'invalid_grant');
    });

    it('refuses a code whose user no longer exists', async () => {
      const bob = await server.services.users.create('bob', 'bob-password');
      const { code } = await issueCode(server.services, 'web', bob.id);
      await server.services.users.delete('bob');
      await refused(await exchange(code), 'invalid_grant');
    });

    it('uses the client access_token_ttl and carries the resource as audience', async () => {
      const { code } = await issueCode(server.services, 'web', sub, { resource: 'https://api.example/' });
      const result = await exchange(code);
      const payload = JSON.parse(Buffer.from(result.body.access_token.split('.')[1], 'base64url').toString());
      assert.equal(payload.aud, 'https://api.example/');
      assert.equal(payload.sub, sub);
    });
  });
}
