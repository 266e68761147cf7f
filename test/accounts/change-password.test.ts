import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { issueCode, postToken } from '../support/issue-code.js';
import { ALICE, postCredentials, tokenTestConfig, userinfo } from '../support/token-fixtures.js';
import { signInWithForm } from '../support/browser-less.js';
import { changePassword } from '../../src/accounts/change-password.js';

const BOB = { username: 'bob', password: 'bob-password' };

/** A code exchange for `username` (scope with offline_access): its access and refresh tokens. */
async function tokensOf(server: TestServer, username: string) {
  const user = await server.services.users.findByUsername(username);
  const { code } = await issueCode(server.services, 'web', user!.id, {
    scope: 'openid offline_access',
    redirectUri: 'https://app.example/cb',
  });
  const result = await postToken(server.url, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'https://app.example/cb',
    ...postCredentials('web'),
  });
  assert.equal(result.status, 200, JSON.stringify(result.body));
  return result.body as { access_token: string; refresh_token: string };
}

const refresh = (server: TestServer, refreshToken: string) =>
  postToken(server.url, { grant_type: 'refresh_token', refresh_token: refreshToken, ...postCredentials('web') });

const sessionCount = async (server: TestServer, username: string) => {
  const user = await server.services.users.findByUsername(username);
  const rows = await server.services.db
    .selectFrom('sessions')
    .select('sid')
    .where('user_id', '=', user!.id)
    .where('ended_at', 'is', null)
    .execute();
  return rows.length;
};

/** Issue 12: a password change revokes what was obtained with the old password. */
for (const database of DATABASES) {
  describe(`a password change (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: tokenTestConfig({ users: [ALICE, BOB] }) });
    });
    after(() => server.close());

    it("ends the user's sessions and revokes their refresh and access tokens, offline_access too; others keep theirs", async () => {
      const alice = await tokensOf(server, 'alice');
      const bob = await tokensOf(server, 'bob');
      await signInWithForm(server.url, ALICE.username, ALICE.password);
      await signInWithForm(server.url, ALICE.username, ALICE.password);
      await signInWithForm(server.url, BOB.username, BOB.password);
      assert.equal(await sessionCount(server, 'alice'), 2);

      const changed = await changePassword(server.services, 'alice', 'a-new-password');
      assert.deepEqual({ ...changed, userId: undefined }, { userId: undefined, endedSessions: 2, revokedTokens: true });

      assert.equal(await sessionCount(server, 'alice'), 0);
      const refused = await refresh(server, alice.refresh_token);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error, 'invalid_grant');
      assert.equal((await userinfo(server.url, alice.access_token)).status, 401);
      assert.ok(await server.services.users.authenticate('alice', 'a-new-password'));

      assert.equal(await sessionCount(server, 'bob'), 1);
      assert.equal((await refresh(server, bob.refresh_token)).status, 200);
      assert.equal((await userinfo(server.url, bob.access_token)).status, 200);
    });

    it('answers undefined for an unknown user', async () => {
      assert.equal(await changePassword(server.services, 'nobody', 'a-new-password'), undefined);
    });
  });
}

describe('a password change with passwordChange.revokeSessionsAndTokens off', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: tokenTestConfig({ passwordChange: { revokeSessionsAndTokens: false } }) });
  });
  after(() => server.close());

  it('changes only the password', async () => {
    const alice = await tokensOf(server, 'alice');
    await signInWithForm(server.url, ALICE.username, ALICE.password);
    const changed = await changePassword(server.services, 'alice', 'a-new-password');
    assert.equal(changed?.revokedTokens, false);
    assert.equal(await sessionCount(server, 'alice'), 1);
    assert.equal((await refresh(server, alice.refresh_token)).status, 200);
  });
});
