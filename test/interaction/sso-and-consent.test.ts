import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, generateKeyPair } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, browse, CookieJar, parseForms } from '../support/browser-less.js';
import { AUTHORIZE_CLIENTS, AUTHORIZE_USERS, webRequest } from '../support/authorize-fixtures.js';

for (const database of DATABASES) {
  describe(`sessions, prompt and consent (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { clients: AUTHORIZE_CLIENTS, users: AUTHORIZE_USERS, ttl: { interaction: 2 } } });
    });
    after(() => server.close());

    const userId = async (username: string) => (await server.services.users.findByUsername(username))!.id;
    const idToken = async (sub: string, options: { expired?: boolean; issuer?: string } = {}) => {
      const key = server.services.keys.signingKey('RS256');
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ sub, aud: 'web' })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid })
        .setIssuer(options.issuer ?? server.url)
        .setIssuedAt(options.expired ? now - 7200 : now)
        .setExpirationTime(options.expired ? now - 3600 : now + 3600)
        .sign(key.privateKey);
    };
    const silent = async (jar: CookieJar, extra: Record<string, string | undefined>) => {
      const response = await browse(jar, `${server.url}/auth?${new URLSearchParams(webRequest({ prompt: 'none', ...extra }))}`);
      assert.equal(response.status, 303);
      const location = new URL(response.headers.get('location')!);
      assert.ok(location.toString().startsWith('https://rp.example/cb?'), `no page shown: ${location}`);
      assert.equal(location.searchParams.get('iss'), server.url);
      assert.equal(location.searchParams.get('state'), 'state-123');
      return location.searchParams;
    };

    it('single sign-on: a second authorization needs no page at all', async () => {
      const first = await authorize(server.url, webRequest());
      assert.deepEqual(first.pages, ['login', 'consent']);
      const second = await authorize(server.url, webRequest(), { jar: first.jar });
      assert.deepEqual(second.pages, []);
      assert.ok(second.code);
    });

    it('prompt=none with a session and consent: a code without UI; the same auth_time', async () => {
      const first = await authorize(server.url, webRequest());
      const params = await silent(first.jar, {});
      assert.ok(params.get('code'));
    });

    it('prompt=none without consent for the scopes: consent_required', async () => {
      const first = await authorize(server.url, webRequest({ scope: 'openid' }));
      const params = await silent(first.jar, { scope: 'openid email' });
      assert.equal(params.get('error'), 'consent_required');
    });

    it('remembered consent is asked again only for new scopes', async () => {
      const first = await authorize(server.url, webRequest({ scope: 'openid' }));
      const wider = await authorize(server.url, webRequest({ scope: 'openid email' }), { jar: first.jar });
      assert.deepEqual(wider.pages, ['consent']);
      const narrower = await authorize(server.url, webRequest({ scope: 'email' }), { jar: first.jar });
      assert.deepEqual(narrower.pages, []);
    });

    it('prompt=consent asks again even when remembered', async () => {
      const first = await authorize(server.url, webRequest());
      const again = await authorize(server.url, webRequest({ prompt: 'consent' }), { jar: first.jar });
      assert.deepEqual(again.pages, ['consent']);
    });

    it('prompt=login asks to sign in again, and the new sign-in has a later or equal auth_time', async () => {
      const first = await authorize(server.url, webRequest());
      const again = await authorize(server.url, webRequest({ prompt: 'login' }), { jar: first.jar });
      assert.deepEqual(again.pages, ['login']);
      assert.ok(again.code);
    });

    it('prompt=select_account shows the sign-in page', async () => {
      const first = await authorize(server.url, webRequest());
      const again = await authorize(server.url, webRequest({ prompt: 'select_account' }), { jar: first.jar });
      assert.deepEqual(again.pages, ['login']);
    });

    it('max_age forces a fresh sign-in when the last one is older', async () => {
      const first = await authorize(server.url, webRequest());
      const recent = await authorize(server.url, webRequest({ max_age: '10000' }), { jar: first.jar });
      assert.deepEqual(recent.pages, []);
      // Age the session instead of waiting.
      await server.services.db
        .updateTable('sessions')
        .set({ auth_time: Math.floor(Date.now() / 1000) - 60 })
        .execute();
      const old = await authorize(server.url, webRequest({ max_age: '30' }), { jar: first.jar });
      assert.deepEqual(old.pages, ['login']);
      await server.services.db
        .updateTable('sessions')
        .set({ auth_time: Math.floor(Date.now() / 1000) - 5 })
        .execute();
      const silentOld = await silent(first.jar, { max_age: '1' });
      assert.equal(silentOld.get('error'), 'login_required');
    });

    it('id_token_hint of the signed-in user (even expired) allows prompt=none', async () => {
      const first = await authorize(server.url, webRequest());
      const params = await silent(first.jar, { id_token_hint: await idToken(await userId('alice'), { expired: true }) });
      assert.ok(params.get('code'));
    });

    it('id_token_hint naming another user: login_required with prompt=none, sign-in page (without a prefilled name) otherwise', async () => {
      const first = await authorize(server.url, webRequest());
      const hint = await idToken(await userId('bob'));
      const params = await silent(first.jar, { id_token_hint: hint });
      assert.equal(params.get('error'), 'login_required');
      const response = await browse(first.jar, `${server.url}/auth?${new URLSearchParams(webRequest({ id_token_hint: hint }))}`);
      assert.equal(response.status, 303);
      const login = new URL(response.headers.get('location')!);
      assert.equal(login.pathname, '/login');
      assert.equal(login.searchParams.get('login_hint'), null);
    });

    it('id_token_hint signed by another key or issuer: invalid_request', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const kid = server.services.keys.signingKey('RS256').kid;
      const forged = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(server.url).sign(privateKey);
      const response = await fetch(`${server.url}/auth?${new URLSearchParams(webRequest({ id_token_hint: forged }))}`, {
        redirect: 'manual',
      });
      assert.equal(new URL(response.headers.get('location')!).searchParams.get('error'), 'invalid_request');
      const otherIssuer = await idToken('x', { issuer: 'https://other.example' });
      const response2 = await fetch(`${server.url}/auth?${new URLSearchParams(webRequest({ id_token_hint: otherIssuer }))}`, {
        redirect: 'manual',
      });
      assert.equal(new URL(response2.headers.get('location')!).searchParams.get('error'), 'invalid_request');
    });

    it('id_token_hint that is an access token of ours: invalid_request (RFC 8725 §3.11)', async () => {
      const key = server.services.keys.signingKey('RS256');
      const now = Math.floor(Date.now() / 1000);
      const accessToken = await new SignJWT({ client_id: 'web', jti: 'j', scope: 'openid' })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
        .setIssuer(server.url)
        .setSubject(await userId('alice'))
        .setAudience('web')
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key.privateKey);
      const response = await fetch(`${server.url}/auth?${new URLSearchParams(webRequest({ id_token_hint: accessToken }))}`, {
        redirect: 'manual',
      });
      assert.equal(new URL(response.headers.get('location')!).searchParams.get('error'), 'invalid_request');
    });

    it('login_hint prefills the username', async () => {
      const response = await fetch(`${server.url}/auth?${new URLSearchParams(webRequest({ login_hint: 'bob' }))}`, { redirect: 'manual' });
      const login = await fetch(new URL(response.headers.get('location')!), { redirect: 'manual' });
      const html = await login.text();
      assert.equal(parseForms(html)[0].fields.login, 'bob');
      assert.match(html, /to continue to <strong>Web &#60;App&#62;<\/strong>/);
    });

    it('deny returns access_denied with state and iss', async () => {
      const result = await authorize(server.url, webRequest({ prompt: 'consent' }), { consent: 'deny' });
      assert.deepEqual(result.pages, ['login', 'consent']);
      assert.equal(result.error, 'access_denied');
      assert.equal(result.state, 'state-123');
      assert.equal(result.iss, server.url);
      assert.equal(result.code, undefined);
    });

    it('the consent page names the app, its links, its logo and each scope in plain words, with the page headers', async () => {
      const jar = new CookieJar();
      const start = await browse(jar, `${server.url}/auth?${new URLSearchParams(webRequest({ scope: 'openid email phone' }))}`);
      const loginPage = await browse(jar, new URL(start.headers.get('location')!).toString());
      const form = parseForms(await loginPage.text())[0];
      const signedIn = await browse(jar, form.action, { form: { ...form.fields, login: 'alice', password: AUTHORIZE_USERS[0].password } });
      assert.equal(signedIn.status, 303);
      const consent = await browse(jar, signedIn.headers.get('location')!);
      assert.equal(consent.status, 200);
      assert.equal(consent.headers.get('x-frame-options'), 'DENY');
      assert.equal(consent.headers.get('cache-control'), 'no-store');
      const html = await consent.text();
      assert.match(html, /Web &#60;App&#62;/);
      assert.match(html, /src="https:\/\/rp.example\/logo.png"/);
      assert.match(html, /href="https:\/\/rp.example\/privacy"/);
      assert.match(html, /href="https:\/\/rp.example\/terms"/);
      assert.match(html, /href="https:\/\/rp.example\/"/);
      for (const scope of ['openid', 'email', 'phone']) assert.ok(html.includes(server.services.scopes.get(scope)!), scope);
      assert.match(html, /name="decision" value="allow"/);
      assert.match(html, /name="decision" value="deny"/);

      const consentForm = parseForms(html)[0];
      // CSRF: without the token, or with a tampered interaction, the answer is a page, not a redirect.
      const noCsrf = await browse(jar, consentForm.action, { form: { interaction: consentForm.fields.interaction, decision: 'allow' } });
      assert.equal(noCsrf.status, 400);
      assert.equal(noCsrf.headers.get('location'), null);
      const sealed = consentForm.fields.interaction;
      const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const badSeal = await browse(jar, consentForm.action, { form: { ...consentForm.fields, interaction: tampered, decision: 'allow' } });
      assert.equal(badSeal.status, 400);
      assert.equal(badSeal.headers.get('location'), null);
      // A CSRF token from another browser does not work either.
      const other = new CookieJar();
      await browse(other, `${server.url}/login`);
      const foreign = await browse(other, consentForm.action, { form: { ...consentForm.fields, decision: 'allow' } });
      assert.equal(foreign.status, 400);

      const allowed = await browse(jar, consentForm.action, { form: { ...consentForm.fields, decision: 'allow' } });
      assert.equal(allowed.status, 303, 'redirects after POST are 303');
      assert.ok(new URL(allowed.headers.get('location')!).searchParams.get('code'));
    });

    it('a sealed request expires after ttl.interaction', async () => {
      const response = await fetch(`${server.url}/auth?${new URLSearchParams(webRequest())}`, { redirect: 'manual' });
      const returnTo = new URL(response.headers.get('location')!).searchParams.get('return_to')!;
      await new Promise((resolve) => setTimeout(resolve, 3100));
      const expired = await fetch(`${server.url}${returnTo}`, { redirect: 'manual' });
      assert.equal(expired.status, 400);
      assert.equal(expired.headers.get('location'), null);
    });

    it('signing in as someone else ends the previous session', async () => {
      const first = await authorize(server.url, webRequest());
      const before = first.jar.get('tessera_session');
      const again = await authorize(server.url, webRequest({ prompt: 'login' }), {
        jar: first.jar,
        username: 'bob',
        password: 'bob-password-1',
      });
      assert.notEqual(first.jar.get('tessera_session'), before);
      assert.deepEqual(again.pages, ['login', 'consent']);
      const sessions = await server.services.db.selectFrom('sessions').selectAll().where('ended_at', 'is not', null).execute();
      assert.ok(sessions.length >= 1);
    });
  });
}
