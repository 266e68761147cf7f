import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { browse, CookieJar, DEFAULT_USER, parseForms, signInWithForm } from '../support/browser-less.js';

for (const database of DATABASES) {
  describe(`sign-in page /login (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: {
          users: [DEFAULT_USER, { username: 'bob', password: 'bob-password' }],
          signIn: { maxFailuresPerAccountAndAddress: 3, maxFailuresPerAddress: 100, window: 900 },
        },
      });
    });
    after(() => server.close());

    it('shows a plain form with stable selectors and the page headers', async () => {
      const response = await browse(new CookieJar(), `${server.url}/login?return_to=/device&login_hint=alice`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type')!, /^text\/html/);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.match(response.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('access-control-allow-origin'), null);
      const html = await response.text();
      assert.match(html, /name="login"/);
      assert.match(html, /name="password"/);
      assert.match(html, /class="login-submit"/);
      const form = parseForms(html)[0];
      assert.equal(form.fields.login, 'alice');
      assert.equal(form.fields.return_to, '/device');
      assert.ok(form.fields.csrf_token);
      for (const cookie of response.headers.getSetCookie()) {
        assert.match(cookie, /HttpOnly/);
        assert.match(cookie, /SameSite=Lax/);
        assert.match(cookie, /Path=\//);
      }
    });

    it('signs in and answers 303 to return_to with an HttpOnly session cookie', async () => {
      const jar = new CookieJar();
      const page = await browse(jar, `${server.url}/login?return_to=${encodeURIComponent('/device?user_code=ABCD')}`);
      const form = parseForms(await page.text())[0];
      const response = await browse(jar, form.action, {
        form: { ...form.fields, login: DEFAULT_USER.username, password: DEFAULT_USER.password },
      });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), `${server.url}/device?user_code=ABCD`);
      const session = response.headers.getSetCookie().find((c) => c.startsWith('tessera_session='));
      assert.ok(session);
      assert.match(session, /HttpOnly/);
      assert.match(session, /SameSite=Lax/);
      assert.doesNotMatch(session, /Secure/);
    });

    for (const bad of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      '/%0d%0aSet-Cookie:x',
      'device',
      '/\t/evil.example',
    ]) {
      it(`refuses return_to ${JSON.stringify(bad)} (no open redirect)`, async () => {
        const response = await browse(new CookieJar(), `${server.url}/login?return_to=${encodeURIComponent(bad)}`);
        if (bad === '/%0d%0aSet-Cookie:x') {
          // A percent-encoded CR LF stays text inside the path: harmless, but still local.
          assert.equal(response.status, 200);
          return;
        }
        assert.equal(response.status, 400);
        assert.equal(response.headers.get('location'), null);
        assert.match(response.headers.get('content-type')!, /^text\/html/);
      });
    }

    it('refuses a POST without the CSRF token, or with a token of another browser', async () => {
      const jar = new CookieJar();
      const page = await browse(jar, `${server.url}/login?return_to=/x`);
      const form = parseForms(await page.text())[0];
      const missing = await browse(jar, form.action, { form: { login: 'alice', password: DEFAULT_USER.password, return_to: '/x' } });
      assert.equal(missing.status, 400);
      assert.equal(missing.headers.get('location'), null);
      const otherJar = new CookieJar();
      await browse(otherJar, `${server.url}/login`);
      const foreign = await browse(otherJar, form.action, { form: { ...form.fields, login: 'alice', password: DEFAULT_USER.password } });
      assert.equal(foreign.status, 400);
      assert.equal(
        foreign.headers.getSetCookie().some((c) => c.startsWith('tessera_session=')),
        false,
      );
    });

    it('says when the password is wrong, and throttles the account from this address after the configured failures', async () => {
      const jar = new CookieJar();
      const page = await browse(jar, `${server.url}/login?return_to=/x`);
      let form = parseForms(await page.text())[0];
      for (let i = 0; i < 3; i++) {
        const wrong = await browse(jar, form.action, { form: { ...form.fields, login: 'bob', password: 'wrong-password' } });
        assert.equal(wrong.status, 200);
        const html = await wrong.text();
        assert.match(html, /do not match/);
        form = parseForms(html)[0];
        assert.equal(form.fields.login, 'bob');
      }
      const throttled = await browse(jar, form.action, { form: { ...form.fields, login: 'bob', password: 'bob-password' } });
      assert.equal(throttled.status, 429);
      assert.ok(Number(throttled.headers.get('retry-after')) > 0);
      assert.match(await throttled.text(), /Too many failed sign-in attempts/);
      // Other accounts from the same address still sign in.
      const { response } = await signInWithForm(server.url);
      assert.equal(response.status, 303);
    });

    it('the sessions service sees the signed-in browser (sessions.current)', async () => {
      const { jar } = await signInWithForm(server.url);
      assert.ok(jar.get('tessera_session'));
      const app = server.app;
      // The contract other capabilities use: current(request) from the cookie.
      const response = await app.inject({ method: 'GET', url: '/login', headers: { cookie: jar.header() } });
      assert.equal(response.statusCode, 200);
      const rows = await server.services.db.selectFrom('sessions').selectAll().execute();
      assert.ok(rows.length >= 1);
      for (const row of rows) assert.notEqual(row.id_hash, jar.get('tessera_session'));
    });
  });
}
