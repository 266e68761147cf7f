import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, browse } from '../support/browser-less.js';
import { AUTHORIZE_CLIENTS, AUTHORIZE_USERS, webRequest } from '../support/authorize-fixtures.js';
import { authUrl, idTokenClaims, redeem } from '../support/security-flows.js';

// Security review finding 14: OIDC Core §3.1.2.1 (errata set 2), max_age=0 is prompt=login.
for (const database of DATABASES) {
  describe(`max_age=0 always asks for a fresh sign-in (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { clients: AUTHORIZE_CLIENTS, users: AUTHORIZE_USERS } });
    });
    after(() => server.close());

    it('a session that has just signed in still signs in again, and auth_time is the new sign-in', async () => {
      const first = await authorize(server.url, webRequest());
      // The session's sign-in is as recent as a clock can say (a second later than now, even):
      // no age comparison can find it too old, only max_age=0 itself can ask again.
      const future = Math.floor(Date.now() / 1000) + 30;
      await server.services.db.updateTable('sessions').set({ auth_time: future }).execute();
      const again = await authorize(server.url, webRequest({ max_age: '0' }), { jar: first.jar });
      assert.deepEqual(again.pages, ['login']);
      assert.ok(again.code);
      const authTime = idTokenClaims(await redeem(server.url, again.code)).auth_time as number;
      assert.ok(authTime < future, `auth_time ${authTime} is the new sign-in, not the session's earlier one`);
      assert.ok(Math.abs(authTime - Date.now() / 1000) < 60);
    });

    it('with prompt=none, max_age=0 is login_required even right after a sign-in', async () => {
      const first = await authorize(server.url, webRequest());
      await server.services.db
        .updateTable('sessions')
        .set({ auth_time: Math.floor(Date.now() / 1000) + 30 })
        .execute();
      const response = await browse(first.jar, authUrl(server.url, { max_age: '0', prompt: 'none' }));
      assert.equal(response.status, 303);
      assert.equal(new URL(response.headers.get('location')!).searchParams.get('error'), 'login_required');
    });
  });
}
