import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, browse, CookieJar, parseForms, signInWithForm } from '../support/browser-less.js';
import { ALICE, tokenTestConfig } from '../support/token-fixtures.js';

const BOB = { username: 'bob', password: 'bob-password' };

/**
 * The account page's rules over HTTP: who may see it, CSRF on every form, and bad input
 * (a wrong or weak password, another user's session or app named in a form) refused with
 * nothing changed. The same actions in a real browser: account-browser.test.ts.
 */
for (const database of DATABASES) {
  describe(`the account page's rules (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: tokenTestConfig({ users: [ALICE, BOB] }) });
    });
    after(() => server.close());

    const signedIn = async (user: { username: string; password: string } = ALICE) =>
      (await signInWithForm(server.url, user.username, user.password)).jar;
    const page = async (jar: CookieJar, path: string) => {
      const response = await browse(jar, `${server.url}${path}`);
      return { status: response.status, location: response.headers.get('location'), html: await response.text() };
    };
    /** Posts the page's form whose action ends with `action`, with `fields` on top of its hidden ones. */
    const submit = async (jar: CookieJar, path: string, action: string, fields: Record<string, string> = {}, pick = 0) => {
      const forms = parseForms((await page(jar, path)).html).filter((f) => f.action.endsWith(action));
      assert.ok(forms[pick], `no form ${action} on ${path}`);
      const response = await browse(jar, forms[pick].action, { form: { ...forms[pick].fields, ...fields } });
      return { status: response.status, location: response.headers.get('location'), html: await response.text() };
    };
    const liveSids = async (username: string) => {
      const user = await server.services.users.findByUsername(username);
      return (await server.services.sessions.listOfUser(user!.id)).map((s) => s.sid);
    };

    it('sends a person who is not signed in to the sign-in page, and back to the page after it', async () => {
      const jar = new CookieJar();
      const home = await page(jar, '/account/sessions');
      assert.equal(home.status, 303);
      assert.equal(home.location, `${server.url}/login?return_to=%2Faccount%2Fsessions`);
      const login = parseForms((await page(jar, '/login?return_to=%2Faccount%2Fsessions')).html)[0];
      const done = await browse(jar, login.action, { form: { ...login.fields, login: ALICE.username, password: ALICE.password } });
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), `${server.url}/account/sessions`);
      assert.equal((await page(jar, '/account/sessions')).status, 200);
    });

    it('shows the profile and links to every part, Security included', async () => {
      const home = await page(await signedIn(), '/account');
      assert.equal(home.status, 200);
      assert.match(home.html, /class="account-username">alice</);
      assert.match(home.html, /Alice Example/);
      for (const part of ['password', 'sessions', 'applications', 'security'])
        assert.ok(home.html.includes(`href="${server.url}/account/${part}"`), part);
    });

    it('refuses a form without the CSRF token, or with another browser’s, and changes nothing', async () => {
      const jar = await signedIn();
      const other = await signedIn();
      const before = await liveSids('alice');
      const bare = await browse(jar, `${server.url}/account/sessions/end-others`, { form: {} });
      assert.equal(bare.status, 400);
      const foreign = parseForms((await page(other, '/account/sessions')).html).find((f) => f.action.endsWith('/end-others'))!;
      const crossed = await browse(jar, foreign.action, { form: foreign.fields });
      assert.equal(crossed.status, 400);
      assert.match(await crossed.text(), /form has expired or was not sent from this site/);
      assert.deepEqual((await liveSids('alice')).sort(), before.sort());
    });

    it('refuses a wrong current password, a weak or mistyped new one, and keeps the old password', async () => {
      const jar = await signedIn();
      const cases: [Record<string, string>, number, RegExp][] = [
        [{ current_password: 'not-it-at-all', new_password: 'a-new-password', confirm_password: 'a-new-password' }, 400, /not right/],
        [{ current_password: ALICE.password, new_password: 'short', confirm_password: 'short' }, 400, /8 to 1024/],
        [{ current_password: ALICE.password, new_password: 'a-new-password', confirm_password: 'another-one' }, 400, /not the same/],
        [{ current_password: ALICE.password, new_password: ALICE.password, confirm_password: ALICE.password }, 400, /differ/],
      ];
      for (const [fields, status, message] of cases) {
        const result = await submit(jar, '/account/password', '/account/password', fields);
        assert.equal(result.status, status, JSON.stringify(fields));
        assert.match(result.html, message);
      }
      assert.ok(await server.services.users.authenticate(ALICE.username, ALICE.password));
      const failures = await server.services.audit.list({ type: 'signin.failure' });
      assert.ok(failures.length >= 1, 'a wrong current password is a failed sign-in (same counters, same trail)');
    });

    it("refuses to sign out another user's session named in the form", async () => {
      const bob = await signedIn(BOB);
      const [bobSid] = await liveSids('bob');
      // Alice has a second session, so her page shows a sign-out form: she puts Bob's sid in it.
      const jar = await signedIn();
      await signedIn();
      const result = await submit(jar, '/account/sessions', '/account/sessions/end', { sid: bobSid });
      assert.equal(result.status, 400);
      assert.match(result.html, /not one of yours/);
      assert.deepEqual(await liveSids('bob'), [bobSid]);
      assert.equal((await page(bob, '/account')).status, 200);
    });

    it("refuses to revoke an app the user never allowed (another user's consent stays)", async () => {
      await authorize(
        server.url,
        { response_type: 'code', client_id: 'web', redirect_uri: 'https://app.example/cb', scope: 'openid', state: 's', nonce: 'n' },
        { username: BOB.username, password: BOB.password },
      );
      const jar = await signedIn();
      await authorize(
        server.url,
        { response_type: 'code', client_id: 'basic', redirect_uri: 'https://basic.example/cb', scope: 'openid', state: 's', nonce: 'n' },
        { jar },
      );
      const result = await submit(jar, '/account/applications', '/account/applications/revoke', { client_id: 'web' });
      assert.equal(result.status, 400);
      assert.match(result.html, /not given that app access/);
      const bob = await server.services.users.findByUsername('bob');
      assert.deepEqual((await server.services.consents.find(bob!.id, 'web')).scopes, ['openid']);
    });

    it('asks for the password again before a sensitive change when the sign-in is not recent', async () => {
      const jar = await signedIn();
      const alice = await server.services.users.findByUsername('alice');
      // The sign-in happened long ago: move its auth_time back past account.reauthenticateAfter.
      await server.services.db
        .updateTable('sessions')
        .set((eb) => ({ auth_time: eb('auth_time', '-', 3600) }))
        .where('user_id', '=', alice!.id)
        .execute();
      const stale = await page(jar, '/account/password');
      assert.equal(stale.status, 303);
      const login = new URL(stale.location!);
      assert.equal(login.pathname, '/login');
      assert.equal(login.searchParams.get('return_to'), '/account/password');
      assert.equal(login.searchParams.get('login_hint'), 'alice');
      assert.equal(login.searchParams.get('reauth'), '1');
      // A stale POST is sent the same way, and changes nothing.
      const posted = await browse(jar, `${server.url}/account/password`, {
        form: { current_password: ALICE.password, new_password: 'n-e-w-password', confirm_password: 'n-e-w-password' },
      });
      assert.equal(posted.status, 303);
      const form = parseForms(await (await browse(jar, login.toString())).text())[0];
      const again = await browse(jar, form.action, { form: { ...form.fields, login: 'alice', password: ALICE.password } });
      assert.equal(again.headers.get('location'), `${server.url}/account/password`);
      const fresh = await page(jar, '/account/password');
      assert.equal(fresh.status, 200);
      assert.match(fresh.html, /Change your password/);
      assert.ok(await server.services.users.authenticate(ALICE.username, ALICE.password));
    });
  });
}
