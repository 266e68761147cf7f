import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { issueCode, postToken } from '../support/issue-code.js';
import { aliceId, postCredentials, tokenTestConfig, userinfo } from '../support/token-fixtures.js';
import { systemClock } from '../../src/util/clock.js';
import { hashToken } from '../../src/util/hashing.js';

/** Runs a code exchange and returns its tokens. */
async function tokensFor(server: TestServer, clientId: string, sub: string, overrides: Record<string, unknown> = {}) {
  const redirect = clientId === 'spa' ? 'https://spa.example/cb' : 'https://app.example/cb';
  const { code, grantId } = await issueCode(server.services, clientId, sub, {
    scope: 'openid profile email offline_access',
    redirectUri: redirect,
    nonce: 'n-1',
    sid: 'sid-1',
    ...overrides,
  });
  const result = await postToken(server.url, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirect,
    ...postCredentials(clientId),
  });
  assert.equal(result.status, 200, JSON.stringify(result.body));
  return { ...result.body, grantId } as Record<string, any>;
}

const refresh = (server: TestServer, refreshToken: string, clientId: string, extra: Record<string, string> = {}) =>
  postToken(server.url, { grant_type: 'refresh_token', refresh_token: refreshToken, ...postCredentials(clientId), ...extra });

function assertRefused(result: Awaited<ReturnType<typeof postToken>>, error: string) {
  assert.equal(result.status, 400, JSON.stringify(result.body));
  assert.equal(result.body.error, error);
  assert.match(result.headers.get('content-type') ?? '', /^application\/json/);
}

for (const database of DATABASES) {
  describe(`refresh_token grant (${database})`, () => {
    let server: TestServer;
    let sub: string;
    before(async () => {
      server = await startTestServer({ database, config: tokenTestConfig() });
      sub = await aliceId(server);
    });
    after(() => server.close());

    it('issues a new access token, a new ID token with the same sub and auth_time, and a rotated refresh token', async () => {
      const first = await tokensFor(server, 'web', sub);
      const result = await refresh(server, first.refresh_token, 'web');
      assert.equal(result.status, 200, JSON.stringify(result.body));
      assert.equal(result.headers.get('cache-control'), 'no-store');
      assert.equal(result.body.token_type, 'Bearer');
      assert.equal(result.body.scope, 'openid profile email offline_access');
      assert.notEqual(result.body.access_token, first.access_token);
      assert.notEqual(result.body.refresh_token, first.refresh_token);
      const before = decodeJwt(first.id_token);
      const afterRefresh = decodeJwt(result.body.id_token);
      assert.equal(afterRefresh.sub, before.sub);
      assert.equal(afterRefresh.auth_time, before.auth_time);
      assert.equal(afterRefresh.aud, before.aud);
      assert.equal(afterRefresh.iss, before.iss);
      assert.equal(afterRefresh.sid, 'sid-1');
      assert.ok((afterRefresh.iat as number) >= (before.iat as number));
      assert.equal(before.nonce, 'n-1');
      assert.equal(afterRefresh.nonce, undefined, 'OIDC Core §12.2: no nonce on refresh');
      assert.equal((await userinfo(server.url, result.body.access_token)).status, 200);
    });

    it('revokes the whole grant when a rotated refresh token is presented again (RFC 9700 §4.14.2)', async () => {
      const first = await tokensFor(server, 'web', sub);
      const second = await refresh(server, first.refresh_token, 'web');
      assert.equal(second.status, 200);
      assertRefused(await refresh(server, first.refresh_token, 'web'), 'invalid_grant');
      // Every token of the grant is gone: the successor refresh token and the access tokens.
      assertRefused(await refresh(server, second.body.refresh_token, 'web'), 'invalid_grant');
      assert.equal((await userinfo(server.url, second.body.access_token)).status, 401);
      assert.equal((await userinfo(server.url, first.access_token)).status, 401);
      assert.notEqual((await server.services.grantsStore.find(first.grantId))?.revokedAt, null);
    });

    it('refuses a refresh token of another client and leaves it usable by its own (RFC 6749 §6)', async () => {
      const first = await tokensFor(server, 'web', sub);
      assertRefused(await refresh(server, first.refresh_token, 'opaque'), 'invalid_grant');
      assert.equal((await refresh(server, first.refresh_token, 'web')).status, 200);
    });

    it('narrows the scope on request, keeping the original scope for the next refresh', async () => {
      const first = await tokensFor(server, 'web', sub);
      const narrow = await refresh(server, first.refresh_token, 'web', { scope: 'openid email' });
      assert.equal(narrow.status, 200);
      assert.equal(narrow.body.scope, 'openid email');
      const info = await userinfo(server.url, narrow.body.access_token);
      assert.equal(info.body?.email, 'alice@example.com');
      assert.equal(info.body?.name, undefined, 'profile was not in the narrowed scope');
      const noOpenid = await refresh(server, narrow.body.refresh_token, 'web', { scope: 'profile' });
      assert.equal(noOpenid.status, 200);
      assert.equal(noOpenid.body.id_token, undefined, 'no ID token without openid');
      const full = await refresh(server, noOpenid.body.refresh_token, 'web');
      assert.equal(full.body.scope, 'openid profile email offline_access');
    });

    it('refuses a scope beyond the original grant (invalid_scope) without spending the token', async () => {
      const first = await tokensFor(server, 'web', sub, { scope: 'openid offline_access' });
      assertRefused(await refresh(server, first.refresh_token, 'web', { scope: 'openid email' }), 'invalid_scope');
      assert.equal((await refresh(server, first.refresh_token, 'web')).status, 200);
    });

    it('requires the refresh_token parameter (invalid_request)', async () => {
      assertRefused(await postToken(server.url, { grant_type: 'refresh_token', ...postCredentials('web') }), 'invalid_request');
    });

    it('refuses an unknown refresh token', async () => {
      assertRefused(await refresh(server, 'no-such-refresh-token', 'web'), 'invalid_grant');
    });

    it('refuses an expired refresh token', async () => {
      const first = await tokensFor(server, 'web', sub);
      await server.services.db
        .updateTable('refresh_tokens')
        .set({ expires_at: systemClock.nowSeconds() - 1 })
        .where('token_hash', '=', hashToken(first.refresh_token))
        .execute();
      assertRefused(await refresh(server, first.refresh_token, 'web'), 'invalid_grant');
    });

    it('never rotates a refresh token past its grant: the absolute lifetime (ttl.grant)', async () => {
      const first = await tokensFor(server, 'web', sub);
      const grantEnds = systemClock.nowSeconds() + 120;
      await server.services.db.updateTable('grants').set({ expires_at: grantEnds }).where('id', '=', first.grantId).execute();
      const rotated = await refresh(server, first.refresh_token, 'web');
      assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
      const successor = await server.services.db
        .selectFrom('refresh_tokens')
        .select('expires_at')
        .where('token_hash', '=', hashToken(rotated.body.refresh_token))
        .executeTakeFirstOrThrow();
      assert.equal(Number(successor.expires_at), grantEnds);
    });

    it('refuses a refresh token, however fresh, once its grant has expired (and introspection calls it inactive)', async () => {
      const first = await tokensFor(server, 'web', sub);
      const rotated = await refresh(server, first.refresh_token, 'web');
      await server.services.db
        .updateTable('grants')
        .set({ expires_at: systemClock.nowSeconds() - 1 })
        .where('id', '=', first.grantId)
        .execute();
      assert.equal(await server.services.refreshTokens.status(rotated.body.refresh_token), undefined);
      const refused = await refresh(server, rotated.body.refresh_token, 'web');
      assertRefused(refused, 'invalid_grant');
      assert.match(refused.body.error_description, /expired/);
    });

    it('refuses a refresh token whose grant was revoked', async () => {
      const first = await tokensFor(server, 'web', sub);
      await server.services.grantsStore.revoke(first.grantId, systemClock.nowSeconds());
      assertRefused(await refresh(server, first.refresh_token, 'web'), 'invalid_grant');
    });

    it('refuses a refresh token whose end-user no longer exists', async () => {
      const bob = await server.services.users.create('bob-refresh', 'bob-password');
      const first = await tokensFor(server, 'web', bob.id);
      await server.services.users.delete('bob-refresh');
      assertRefused(await refresh(server, first.refresh_token, 'web'), 'invalid_grant');
    });

    it('refuses the grant to a client not registered for refresh_token (unauthorized_client)', async () => {
      assertRefused(await refresh(server, 'whatever', 'no-refresh'), 'unauthorized_client');
    });

    it('rotates the refresh tokens of public clients', async () => {
      const first = await tokensFor(server, 'spa', sub);
      const second = await refresh(server, first.refresh_token, 'spa');
      assert.equal(second.status, 200);
      assert.notEqual(second.body.refresh_token, first.refresh_token);
      assertRefused(await refresh(server, first.refresh_token, 'spa'), 'invalid_grant');
    });

    it('lets only one of two concurrent uses of the same token win', async () => {
      const first = await tokensFor(server, 'web', sub);
      const results = await Promise.all([refresh(server, first.refresh_token, 'web'), refresh(server, first.refresh_token, 'web')]);
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 400]);
    });

    it('stores refresh tokens hashed', async () => {
      const first = await tokensFor(server, 'web', sub);
      const rows = await server.services.db.selectFrom('refresh_tokens').select('token_hash').execute();
      assert.ok(rows.every((r) => r.token_hash !== first.refresh_token));
      assert.ok(rows.some((r) => r.token_hash === hashToken(first.refresh_token)));
    });
  });

  describe(`refresh_token grant without rotation for confidential clients (${database})`, () => {
    let server: TestServer;
    let sub: string;
    before(async () => {
      server = await startTestServer({ database, config: tokenTestConfig({ refreshTokens: { rotateConfidential: false } }) });
      sub = await aliceId(server);
    });
    after(() => server.close());

    it('keeps the same refresh token valid for a confidential client', async () => {
      const first = await tokensFor(server, 'web', sub);
      const second = await refresh(server, first.refresh_token, 'web');
      assert.equal(second.status, 200);
      assert.equal(second.body.refresh_token, first.refresh_token);
      const third = await refresh(server, first.refresh_token, 'web');
      assert.equal(third.status, 200);
    });

    it('still rotates for a public client (RFC 9700 §4.14.2)', async () => {
      const first = await tokensFor(server, 'spa', sub);
      const second = await refresh(server, first.refresh_token, 'spa');
      assert.notEqual(second.body.refresh_token, first.refresh_token);
      assertRefused(await refresh(server, first.refresh_token, 'spa'), 'invalid_grant');
    });
  });
}
