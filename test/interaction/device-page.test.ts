import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { browse, CookieJar, parseForms, signInWithForm } from '../support/browser-less.js';
import { DEVICE_TEST_CONFIG, ageDeviceCode, poll, startDeviceFlow, walkDevicePage } from '../support/device-fixtures.js';
import { normaliseUserCode } from '../../src/tokens/user-code.js';

function assertPageHeaders(response: Response): void {
  assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(response.headers.get('cache-control'), 'no-store');
}

/** Lowercase, without the dash, with spaces: how people type. */
function sloppy(userCode: string): string {
  return ` ${userCode.slice(0, 2).toLowerCase()} ${userCode.slice(2, 4)}${userCode.slice(5).toLowerCase()} `;
}

for (const database of DATABASES) {
  describe(`device verification page /device (${database})`, () => {
    let server: TestServer;
    before(async () => {
      // Guessing limits are tested on their own servers below; here they stay out of the way.
      server = await startTestServer({
        database,
        config: { ...DEVICE_TEST_CONFIG, device: { userCodeAttemptsPerAddress: 1000, userCodeAttemptsPerSession: 1000 } },
      });
    });
    after(() => server.close());

    it('shows a code entry form with a CSRF field and the page security headers', async () => {
      const response = await browse(new CookieJar(), `${server.url}/device`);
      assert.equal(response.status, 200);
      assertPageHeaders(response);
      const html = await response.text();
      const form = parseForms(html)[0];
      assert.equal(form.action, `${server.url}/device`);
      assert.ok(form.fields.csrf_token);
      assert.equal(form.fields.user_code, '');
      for (const cookie of response.headers.getSetCookie()) {
        assert.match(cookie, /HttpOnly/);
        assert.match(cookie, /SameSite=Lax/);
      }
    });

    it('prefills the code of verification_uri_complete but approves nothing until the person confirms (RFC 8628 §5.4)', async () => {
      const flow = await startDeviceFlow(server.url);
      const jar = (await signInWithForm(server.url)).jar;
      const response = await browse(jar, flow.verification_uri_complete);
      assert.equal(response.status, 200);
      const html = await response.text();
      assert.equal(parseForms(html)[0].fields.user_code, flow.user_code);
      assert.match(html, /Check that this code is the one shown on your device/);
      assert.equal((await server.services.deviceCodes.findByUserCode(normaliseUserCode(flow.user_code)!))?.status, 'pending');
      assert.equal((await poll(server.url, flow.device_code)).body.error, 'authorization_pending');
    });

    it('takes the code case-insensitively without dash, signs in, shows what is asked, and approves', async () => {
      const flow = await startDeviceFlow(server.url, 'tv', 'openid profile email');
      const consent = await walkDevicePage(server.url, sloppy(flow.user_code));
      assert.deepEqual(consent.pages, ['code', 'login', 'consent']);
      assertPageHeaders(consent.response);
      assert.match(consent.html, /Living-room TV/);
      assert.match(consent.html, new RegExp(flow.user_code));
      assert.match(consent.html, /See your name and basic profile/);
      assert.match(consent.html, /See your email address/);
      assert.match(consent.html, /Signed in as <strong>alice<\/strong>/);
      assert.match(consent.html, /Never enter a code someone sent you/);

      const form = parseForms(consent.html)[0];
      const decided = await browse(consent.jar, form.action, { form: { ...form.fields, decision: 'allow' } });
      assert.equal(decided.status, 303);
      assert.equal(decided.headers.get('location'), `${server.url}/device/done?result=allowed`);
      const done = await browse(consent.jar, decided.headers.get('location')!);
      assertPageHeaders(done);
      assert.match(await done.text(), /You can return to your device/);

      const record = await server.services.deviceCodes.findByUserCode(normaliseUserCode(flow.user_code)!);
      const user = await server.services.users.findByUsername('alice');
      assert.equal(record?.status, 'approved');
      assert.equal(record?.userId, user?.id);
      assert.deepEqual(record.amr, ['pwd']);
      assert.ok(record?.sid);
      assert.ok(record?.authTime);
      const grant = await server.services.grantsStore.find(record.grantId!);
      assert.equal(grant?.userId, user?.id);
      assert.equal(grant?.clientId, 'tv');
      assert.equal(grant?.scope, 'openid profile email');

      const tokens = await poll(server.url, flow.device_code);
      assert.equal(tokens.status, 200);
      assert.equal(tokens.body.scope, 'openid profile email');
    });

    it('skips sign-in for a browser that is already signed in', async () => {
      const flow = await startDeviceFlow(server.url);
      const { jar } = await signInWithForm(server.url);
      const walk = await walkDevicePage(server.url, flow.user_code, { jar, decision: 'allow' });
      assert.deepEqual(walk.pages, ['code', 'consent', 'result']);
      assert.equal((await poll(server.url, flow.device_code)).status, 200);
    });

    it('records Deny, shows "Access denied", and the device gets access_denied', async () => {
      const flow = await startDeviceFlow(server.url);
      const walk = await walkDevicePage(server.url, flow.user_code, { decision: 'deny' });
      assert.deepEqual(walk.pages, ['code', 'login', 'consent', 'result']);
      assert.match(walk.html, /Access denied/);
      assert.equal((await server.services.deviceCodes.findByUserCode(normaliseUserCode(flow.user_code)!))?.status, 'denied');
      assert.deepEqual((await poll(server.url, flow.device_code)).body, {
        error: 'access_denied',
        error_description: 'End-User aborted interaction',
      });
    });

    it('answers a wrong or malformed code with a readable error and the form again', async () => {
      for (const [typed, message] of [
        ['BCDF-GHJK', /That code is not valid/],
        ['hello', /does not look like a device code/],
        ['AEIO-UAEI', /does not look like a device code/],
      ] as const) {
        const walk = await walkDevicePage(server.url, typed);
        assert.equal(walk.response.status, 400, typed);
        assertPageHeaders(walk.response);
        assert.match(walk.html, message);
        assert.ok(parseForms(walk.html)[0].fields.csrf_token);
      }
    });

    it('says so when the code has expired or was already used', async () => {
      const expired = await startDeviceFlow(server.url);
      await ageDeviceCode(server.services, expired.user_code, 601);
      const walkExpired = await walkDevicePage(server.url, expired.user_code);
      assert.equal(walkExpired.response.status, 400);
      assert.match(walkExpired.html, /This code has expired/);

      const used = await startDeviceFlow(server.url);
      await walkDevicePage(server.url, used.user_code, { decision: 'allow' });
      const walkUsed = await walkDevicePage(server.url, used.user_code);
      assert.match(walkUsed.html, /already been used/);
    });

    it('refuses forms without the CSRF token', async () => {
      const flow = await startDeviceFlow(server.url);
      const { jar } = await signInWithForm(server.url);
      const entered = await browse(jar, `${server.url}/device`, { form: { user_code: flow.user_code } });
      assert.equal(entered.status, 400);
      assertPageHeaders(entered);
      assert.match(await entered.text(), /form has expired/);
      const decided = await browse(jar, `${server.url}/device/confirm`, {
        form: { user_code: flow.user_code, decision: 'allow', csrf_token: 'forged' },
      });
      assert.equal(decided.status, 400);
      assert.equal((await server.services.deviceCodes.findByUserCode(normaliseUserCode(flow.user_code)!))?.status, 'pending');
    });

    it('sends a person who is not signed in to the sign-in page, returning to the confirmation', async () => {
      const flow = await startDeviceFlow(server.url);
      const jar = new CookieJar();
      const page = await browse(jar, `${server.url}/device`);
      const form = parseForms(await page.text())[0];
      const entered = await browse(jar, form.action, { form: { ...form.fields, user_code: flow.user_code } });
      assert.equal(entered.status, 303);
      assert.equal(entered.headers.get('location'), `${server.url}/device/confirm?user_code=${flow.user_code}`);
      const confirm = await browse(jar, entered.headers.get('location')!);
      assert.equal(confirm.status, 303);
      const login = new URL(confirm.headers.get('location')!);
      assert.equal(login.pathname, '/login');
      assert.equal(login.searchParams.get('return_to'), `/device/confirm?user_code=${flow.user_code}`);
      // A decision without a session is not taken either.
      const decided = await browse(jar, `${server.url}/device/confirm`, {
        form: { ...form.fields, user_code: flow.user_code, decision: 'allow' },
      });
      assert.equal(decided.status, 303);
      assert.equal(new URL(decided.headers.get('location')!).pathname, '/login');
      assert.equal((await server.services.deviceCodes.findByUserCode(normaliseUserCode(flow.user_code)!))?.status, 'pending');
    });

    it('escapes the prefilled code and the client name', async () => {
      const prefilled = await browse(
        new CookieJar(),
        `${server.url}/device?user_code=${encodeURIComponent('"><script>alert(1)</script>')}`,
      );
      const html = await prefilled.text();
      assert.doesNotMatch(html, /<script>/);
      await server.services.clients.save(
        {
          client_id: 'tv_evil',
          client_name: '<img src=x onerror=alert(1)>',
          grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
          response_types: [],
          token_endpoint_auth_method: 'none',
        },
        'config',
      );
      const flow = await startDeviceFlow(server.url, 'tv_evil', 'openid');
      const consent = await walkDevicePage(server.url, flow.user_code);
      assert.deepEqual(consent.pages, ['code', 'login', 'consent']);
      assert.doesNotMatch(consent.html, /<img src=x/);
      assert.match(consent.html, /&#60;img src&#61;x onerror&#61;alert\(1\)&#62;/);
    });

    it('takes one decision per code: a second Allow from another tab changes nothing', async () => {
      const flow = await startDeviceFlow(server.url);
      const first = await walkDevicePage(server.url, flow.user_code);
      const second = await walkDevicePage(server.url, flow.user_code, { jar: first.jar });
      const firstForm = parseForms(first.html)[0];
      const secondForm = parseForms(second.html)[0];
      assert.equal((await browse(first.jar, firstForm.action, { form: { ...firstForm.fields, decision: 'deny' } })).status, 303);
      const late = await browse(second.jar, secondForm.action, { form: { ...secondForm.fields, decision: 'allow' } });
      assert.equal(late.status, 400);
      assert.match(await late.text(), /already been used/);
      assert.equal((await poll(server.url, flow.device_code)).body.error, 'access_denied');
    });
  });

  describe(`device verification page: guessing limits (${database})`, () => {
    it('throttles wrong codes per client address, whatever the browser', async () => {
      const server = await startTestServer({
        database,
        config: { ...DEVICE_TEST_CONFIG, device: { userCodeAttemptsPerAddress: 3, userCodeAttemptsPerSession: 1000 } },
      });
      try {
        const flow = await startDeviceFlow(server.url);
        for (let i = 0; i < 3; i++) assert.equal((await walkDevicePage(server.url, 'BCDF-GHJK')).response.status, 400);
        // Even the right code, from a fresh browser at the same address, is refused now.
        const refused = await walkDevicePage(server.url, flow.user_code);
        assert.equal(refused.response.status, 429);
        assert.ok(Number(refused.response.headers.get('retry-after')) > 0);
        assertPageHeaders(refused.response);
        assert.match(refused.html, /Too many wrong codes/);
        const confirm = await browse(new CookieJar(), `${server.url}/device/confirm?user_code=${flow.user_code}`);
        assert.equal(confirm.status, 429);
      } finally {
        await server.close();
      }
    });

    it('throttles wrong codes per browser session', async () => {
      const server = await startTestServer({
        database,
        config: { ...DEVICE_TEST_CONFIG, device: { userCodeAttemptsPerAddress: 1000, userCodeAttemptsPerSession: 2 } },
      });
      try {
        const flow = await startDeviceFlow(server.url);
        const { jar } = await signInWithForm(server.url);
        for (let i = 0; i < 2; i++) assert.equal((await walkDevicePage(server.url, 'BCDF-GHJK', { jar })).response.status, 400);
        assert.equal((await walkDevicePage(server.url, flow.user_code, { jar })).response.status, 429);
        // another browser is not affected
        const other = await walkDevicePage(server.url, flow.user_code, { decision: 'allow' });
        assert.deepEqual(other.pages, ['code', 'login', 'consent', 'result']);
      } finally {
        await server.close();
      }
    });
  });
}
