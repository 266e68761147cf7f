import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { browse, CookieJar, DEFAULT_USER, parseForms, signInWithForm } from '../support/browser-less.js';
import { totpCode } from '../support/mfa-browser.js';
import { poll, startDeviceFlow } from '../support/device-fixtures.js';
import { validateClientMetadata } from '../../src/clients/validate-client-metadata.js';
import { acrOf, amrOf, assuranceLevel } from '../../src/authn/assurance.js';

const ACR = { password: 'urn:tessera:acr:password', mfa: 'urn:tessera:acr:mfa' };
const REDIRECT = 'https://rp.example/cb';
const client = (id: string, extra: Record<string, unknown> = {}) => ({
  client_id: id,
  client_secret: `${id}-secret-${'x'.repeat(20)}`,
  redirect_uris: [REDIRECT],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
  ...extra,
});

const tv = (id: string, extra: Record<string, unknown> = {}) => ({
  client_id: id,
  grant_types: ['urn:ietf:params:oauth:grant-type:device_code'],
  response_types: [],
  token_endpoint_auth_method: 'none',
  ...extra,
});

describe('assurance levels (RFC 8176 amr, acr)', () => {
  it('a password alone is one factor; with a code or a passkey, or a verified passkey alone, it is multi-factor', () => {
    assert.equal(assuranceLevel({ pwd: 1 }), 1);
    assert.equal(assuranceLevel({ hwk: 1 }), 1);
    assert.equal(assuranceLevel({ pwd: 1, otp: 2 }), 2);
    assert.equal(assuranceLevel({ hwk: 1, user: 1 }), 2);
    assert.deepEqual(amrOf({ otp: 2, pwd: 1 }), ['pwd', 'otp', 'mfa']);
    assert.deepEqual(amrOf({ swk: 1, user: 1 }), ['swk', 'user', 'mfa']);
    assert.equal(acrOf({ pwd: 1 }, ACR), ACR.password);
    assert.equal(acrOf({}, ACR), null);
  });
});

describe('client metadata for MFA', () => {
  it('takes require_mfa and default_acr_values, and refuses other shapes', () => {
    const base = { client_id: 'c', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' };
    const metadata = validateClientMetadata({ ...base, require_mfa: true, default_acr_values: [ACR.mfa] });
    assert.equal(metadata.require_mfa, true);
    assert.deepEqual(metadata.default_acr_values, [ACR.mfa]);
    assert.throws(() => validateClientMetadata({ ...base, require_mfa: 'yes' }), /require_mfa must be a boolean/);
    assert.throws(() => validateClientMetadata({ ...base, default_acr_values: ACR.mfa }), /default_acr_values must be an array/);
  });
});

for (const database of DATABASES) {
  describe(`MFA policy at /auth (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: {
          users: [
            DEFAULT_USER,
            { username: 'bob', password: 'bob-password', claims: {} },
            { username: 'carol', password: 'carol-password', claims: {} },
          ],
          clients: [
            client('strict', { require_mfa: true }),
            client('hinted', { default_acr_values: [ACR.mfa] }),
            client('plain'),
            tv('strict-tv', { require_mfa: true }),
            tv('plain-tv'),
          ],
        },
      });
    });
    after(() => server.close());

    const auth = (jar: CookieJar, clientId: string, extra: Record<string, string> = {}) =>
      browse(
        jar,
        `${server.url}/auth?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'openid', ...extra })}`,
      );
    const follow = async (jar: CookieJar, response: Response) => {
      while (response.status === 303) {
        const location = response.headers.get('location')!;
        if (!location.startsWith(server.url)) return { location, response };
        response = await browse(jar, location);
      }
      return { location: undefined, response };
    };
    const redeem = async (clientId: string, code: string) => {
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT,
          client_id: clientId,
          client_secret: `${clientId}-secret-${'x'.repeat(20)}`,
        }),
      });
      assert.equal(response.status, 200);
      return decodeJwt(((await response.json()) as { id_token: string }).id_token);
    };
    const consentAndRedeem = async (jar: CookieJar, clientId: string, response: Response) => {
      const first = await follow(jar, response);
      let location = first.location;
      const page = first.response;
      if (!location) {
        const form = parseForms(await page.text())[0];
        ({ location } = await follow(jar, await browse(jar, form.action, { form: { ...form.fields, decision: 'allow' } })));
      }
      const code = new URL(location!).searchParams.get('code');
      assert.ok(code, location);
      return redeem(clientId, code);
    };

    it('prompt=none with a password-only session and require_mfa is login_required', async () => {
      const { jar } = await signInWithForm(server.url, 'bob', 'bob-password');
      const response = await auth(jar, 'strict', { prompt: 'none' });
      const location = new URL(response.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'login_required');
    });

    it('an essential acr naming only values this provider does not know is unmet_authentication_requirements', async () => {
      const { jar } = await signInWithForm(server.url, 'bob', 'bob-password');
      const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:other:gold'] } } });
      const response = await auth(jar, 'plain', { claims });
      const location = new URL(response.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'unmet_authentication_requirements');
    });

    it('default_acr_values are voluntary: a person without a second factor gets the password level', async () => {
      const { jar } = await signInWithForm(server.url, 'bob', 'bob-password');
      const idToken = await consentAndRedeem(jar, 'hinted', await auth(jar, 'hinted'));
      assert.equal(idToken.acr, ACR.password);
      assert.deepEqual(idToken.amr, ['pwd']);
    });

    it('require_mfa sends a person without a second factor to set one up, then back to the client with acr mfa', async () => {
      const { jar } = await signInWithForm(server.url);
      const start = await auth(jar, 'strict');
      assert.equal(start.status, 303);
      const enroll = new URL(start.headers.get('location')!);
      assert.equal(enroll.pathname, '/account/security');
      const home = await browse(jar, enroll.toString());
      const homeHtml = await home.text();
      assert.match(homeHtml, /Two-step verification is required to continue/);
      const startForm = parseForms(homeHtml).find((f) => f.action.endsWith('/totp/start'))!;
      const setup = await (await browse(jar, startForm.action, { form: startForm.fields })).text();
      const secret = /class="totp-secret">([^<]+)</.exec(setup)![1].replace(/\s+/g, '');
      const confirm = parseForms(setup)[0];
      const shown = await browse(jar, confirm.action, { form: { ...confirm.fields, code: totpCode(secret) } });
      const codesPage = await shown.text();
      assert.match(codesPage, /Your recovery codes/);
      const next = /class="continue" href="([^"]+)"/.exec(codesPage)![1].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
      const idToken = await consentAndRedeem(jar, 'strict', await browse(jar, next));
      assert.equal(idToken.acr, ACR.mfa);
      assert.deepEqual(idToken.amr, ['pwd', 'otp', 'mfa']);
    });

    it('require_mfa holds for the device flow too: a password-only session sets up a second factor before Allow, and the tokens say mfa', async () => {
      const flow = await startDeviceFlow(server.url, 'strict-tv', 'openid');
      const { jar } = await signInWithForm(server.url, 'carol', 'carol-password');
      const confirmUrl = `${server.url}/device/confirm?user_code=${flow.user_code}`;
      const start = await browse(jar, confirmUrl);
      assert.equal(start.status, 303);
      const enroll = new URL(start.headers.get('location')!);
      assert.equal(enroll.pathname, '/account/security');
      assert.equal(enroll.searchParams.get('return_to'), `/device/confirm?user_code=${flow.user_code}`);
      // An Allow posted without the stronger sign-in is not taken either.
      const csrf = parseForms(await (await browse(jar, `${server.url}/device`)).text())[0].fields.csrf_token;
      const early = await browse(jar, `${server.url}/device/confirm`, {
        form: { user_code: flow.user_code, decision: 'allow', csrf_token: csrf },
      });
      assert.equal(early.status, 303);
      assert.equal(new URL(early.headers.get('location')!).pathname, '/account/security');
      assert.equal((await server.services.deviceCodes.findByUserCode(flow.user_code.replace('-', '')))?.status, 'pending');

      const homeHtml = await (await browse(jar, enroll.toString())).text();
      const startForm = parseForms(homeHtml).find((f) => f.action.endsWith('/totp/start'))!;
      const setup = await (await browse(jar, startForm.action, { form: startForm.fields })).text();
      const secret = /class="totp-secret">([^<]+)</.exec(setup)![1].replace(/\s+/g, '');
      const confirm = parseForms(setup)[0];
      const codesPage = await (await browse(jar, confirm.action, { form: { ...confirm.fields, code: totpCode(secret) } })).text();
      const next = /class="continue" href="([^"]+)"/.exec(codesPage)![1].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
      const consent = await browse(jar, new URL(next, server.url).toString());
      assert.equal(consent.status, 200);
      const allow = parseForms(await consent.text())[0];
      const done = await browse(jar, allow.action, { form: { ...allow.fields, decision: 'allow' } });
      assert.equal(done.status, 303);
      const tokens = await poll(server.url, flow.device_code, 'strict-tv');
      assert.equal(tokens.status, 200);
      const idToken = decodeJwt(tokens.body.id_token as string);
      assert.equal(idToken.acr, ACR.mfa);
    });

    it('a device client without require_mfa takes the password-only session to its consent page', async () => {
      const flow = await startDeviceFlow(server.url, 'plain-tv', 'openid');
      const { jar } = await signInWithForm(server.url, 'bob', 'bob-password');
      const page = await browse(jar, `${server.url}/device/confirm?user_code=${flow.user_code}`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /Allow/);
    });

    it('the second-factor page without a pending sign-in or session sends to the sign-in page', async () => {
      const response = await browse(new CookieJar(), `${server.url}/login/second-factor?return_to=/account/security`);
      assert.equal(response.status, 303);
      assert.match(response.headers.get('location')!, /\/login\?return_to=%2Faccount%2Fsecurity/);
    });

    it('managing factors needs a sign-in: /account/security without a session goes to the sign-in page', async () => {
      const response = await browse(new CookieJar(), `${server.url}/account/security`);
      assert.equal(response.status, 303);
      assert.match(response.headers.get('location')!, /\/login\?return_to=%2Faccount%2Fsecurity/);
    });
  });
}
