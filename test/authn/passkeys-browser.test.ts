import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { DATABASES } from '../support/databases.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/test-provider.js';
import { Passkeys } from '../../src/passkeys/passkeys.js';
import { createSecretBox } from '../../src/util/secret-box.js';
import { DEFAULT_USER } from '../support/browser-less.js';
import { launchChromium, openidClient, screenshot, startCallbackServer, startSwitchingProxy } from '../support/mfa-browser.js';

const ACR_MFA = 'urn:tessera:acr:mfa';

/** A browser context whose page has Chrome's virtual platform authenticator (CDP WebAuthn domain). */
async function withAuthenticator(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { context, page };
}

for (const database of DATABASES) {
  describe(`passkeys in Chromium with a virtual authenticator, two instances on one database (${database})`, () => {
    let proxy: Awaited<ReturnType<typeof startSwitchingProxy>>;
    let first: TestServer;
    let second: TestServer;
    let callback: Awaited<ReturnType<typeof startCallbackServer>>;
    let browser: Browser;
    let issuer: string;
    let rp: Awaited<ReturnType<typeof openidClient>>;
    let page: Page;
    let context: BrowserContext;
    const clientId = 'passkey-app';

    before(async () => {
      proxy = await startSwitchingProxy();
      callback = await startCallbackServer();
      // WebAuthn needs a host name for the RP ID: the issuer is localhost behind the proxy.
      issuer = `http://localhost:${proxy.port}`;
      const config = {
        issuer,
        users: [DEFAULT_USER],
        clients: [
          {
            client_id: clientId,
            client_name: 'Passkey App',
            redirect_uris: [callback.url],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'none',
          },
        ],
      };
      first = await startTestServer({ database, config });
      second = await startTestServer({ database, config, sharedDatabase: first.database });
      proxy.switchTo(first.port);
      browser = await launchChromium();
      ({ context, page } = await withAuthenticator(browser));
      rp = await openidClient(issuer, clientId, callback.url);
    });
    after(async () => {
      await browser?.close();
      await second?.close();
      await first?.close();
      await proxy?.close();
      await callback?.close();
    });

    const alice = async () => (await first.services.users.findByUsername(DEFAULT_USER.username))!;
    const passkeyCount = async () => (await first.services.passkeys.listOfUser((await alice()).id)).length;
    const finish = async (p: Page, flow: { finish: (url: string) => Promise<Record<string, unknown>> }) => {
      const consent = p.locator('button[name=decision][value=allow]');
      await Promise.race([p.waitForURL((url) => url.toString().startsWith(callback.url)), consent.waitFor()]);
      if (!p.url().startsWith(callback.url)) {
        await consent.click();
        await p.waitForURL((url) => url.toString().startsWith(callback.url));
      }
      return flow.finish(p.url());
    };
    /** The body of the next form POST to `path`. */
    const recordPost = (p: Page, path: string) =>
      new Promise<string>((resolve) => {
        const listener = (request: Request) => {
          if (request.method() !== 'POST' || new URL(request.url()).pathname !== path) return;
          p.off('request', listener);
          resolve(request.postData() ?? '');
        };
        p.on('request', listener);
      });

    let registrationBody = '';

    it('registers a passkey: the ceremony starts on one instance and finishes on the other', async () => {
      await page.goto(`${issuer}/account/security`);
      await page.fill('input[name=login]', DEFAULT_USER.username);
      await page.fill('input[name=password]', DEFAULT_USER.password);
      await page.click('.login-submit');
      await page.waitForSelector('.passkey-add');
      assert.match((await page.textContent('.passkey-list')) ?? '', /^\s*$/);
      await page.fill('#passkey-name', 'Work laptop');
      proxy.switchTo(second.port);
      const recorded = recordPost(page, '/account/security/passkeys/add');
      await page.click('.passkey-add');
      await page.waitForSelector('.notice');
      registrationBody = await recorded;
      assert.match((await page.textContent('.passkey-list')) ?? '', /Work laptop/);
      assert.equal(await passkeyCount(), 1);
      await screenshot(page, 'passkeys');
      proxy.switchTo(first.port);
    });

    it('a replayed registration response is refused and adds nothing', async () => {
      const form = new URLSearchParams(registrationBody);
      await assert.rejects(
        first.services.passkeyCeremonies!.finishRegistration((await alice()).id, form.get('handle')!, form.get('response')!, 'Again'),
        /expired or was used already/,
      );
      assert.equal(await passkeyCount(), 1);
    });

    it('renames the passkey', async () => {
      await page.goto(`${issuer}/account/security`);
      await page.fill('.passkey-list input[name=name]', 'Laptop');
      await page.click('.passkey-rename');
      await page.waitForSelector('.notice');
      assert.equal((await first.services.passkeys.listOfUser((await alice()).id))[0].name, 'Laptop');
    });

    it('signs in with the passkey alone from the username field autofill (conditional UI): acr mfa, amr hwk user mfa', async () => {
      const fresh = await rp.begin({ prompt: 'login' });
      // The virtual authenticator answers the conditional request at once, as a person picking the passkey would.
      await page.goto(fresh.url);
      const claims = await finish(page, fresh);
      assert.equal(claims.acr, ACR_MFA);
      assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
      const [passkey] = await first.services.passkeys.listOfUser((await alice()).id);
      assert.ok(passkey.lastUsedAt !== null);
    });

    it('signs in with the "Sign in with a passkey" button (a browser without autofill for passkeys)', async () => {
      await page.addInitScript(() => {
        PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
      });
      const fresh = await rp.begin({ prompt: 'login' });
      await page.goto(fresh.url);
      assert.equal(await page.getAttribute('input[name=login]', 'autocomplete'), 'username webauthn');
      await page.click('.passkey-submit');
      const claims = await finish(page, fresh);
      assert.equal(claims.acr, ACR_MFA);
    });

    it('an assertion made for another origin or another RP ID is refused on the page, and nothing is signed in', async () => {
      for (const [name, tamper] of [
        [
          'origin',
          (credential: Record<string, any>) => {
            const clientData = JSON.parse(Buffer.from(credential.response.clientDataJSON, 'base64url').toString()) as Record<
              string,
              unknown
            >;
            clientData.origin = 'https://phishing.example';
            credential.response.clientDataJSON = Buffer.from(JSON.stringify(clientData)).toString('base64url');
          },
        ],
        [
          'RP ID',
          (credential: Record<string, any>) => {
            const authData = Buffer.from(credential.response.authenticatorData, 'base64url');
            createHash('sha256').update('phishing.example').digest().copy(authData, 0);
            credential.response.authenticatorData = authData.toString('base64url');
          },
        ],
      ] as const) {
        const p = page;
        const flow = await rp.begin({ prompt: 'login' });
        await p.goto(flow.url);
        await p.route('**/login/passkey', async (route) => {
          const form = new URLSearchParams(route.request().postData() ?? '');
          const credential = JSON.parse(form.get('response')!) as Record<string, any>;
          tamper(credential);
          form.set('response', JSON.stringify(credential));
          await route.continue({ postData: form.toString() });
        });
        const before = (await first.services.passkeys.listOfUser((await alice()).id))[0];
        const sessionBefore = (await p.context().cookies()).find((c) => c.name === 'tessera_session')?.value;
        await p.click('.passkey-submit');
        await p.waitForSelector('.login-form .alert, main > .alert');
        const message = (await p.textContent('main')) ?? '';
        assert.match(message, name === 'origin' ? /could not be checked.*origin/is : /could not be checked.*RP ID/is, name);
        const after = (await first.services.passkeys.listOfUser((await alice()).id))[0];
        assert.equal(after.signCount, before.signCount, `${name}: the counter did not move`);
        assert.equal(
          (await p.context().cookies()).find((c) => c.name === 'tessera_session')?.value,
          sessionBefore,
          `${name}: no new session`,
        );
        await p.unrouteAll();
      }
    });

    it('an expired ceremony is refused on the page', async () => {
      const flow = await rp.begin({ prompt: 'login' });
      await page.goto(flow.url);
      await page.waitForSelector('.passkey-submit');
      // A sign-in handle seals its own expiry: one sealed an hour ago, as the server would have, has expired.
      const anHourAgo = new Passkeys({
        store: first.services.passkeys,
        challenges: first.services.webauthnChallenges,
        box: createSecretBox(TEST_SECRET, 'webauthn-sign-in'),
        usedHandles: first.services.usedJtis,
        issuer,
        rpName: 'Tessera',
        userVerification: 'preferred',
        timeout: 300,
        clock: { nowSeconds: () => Math.floor(Date.now() / 1000) - 3600 },
      });
      const { handle } = await anHourAgo.startAuthentication();
      await page.evaluate((value) => {
        for (const input of document.querySelectorAll<HTMLInputElement>('input[name=handle]')) input.value = value;
      }, handle);
      await page.click('.passkey-submit');
      await page.waitForSelector('main > .alert');
      assert.match((await page.textContent('main > .alert')) ?? '', /expired or was used already/);
    });

    it('a sign-in handle that was not sealed by this provider is refused, and viewing the sign-in page stores nothing', async () => {
      const before = await first.services.db.selectFrom('webauthn_challenges').select('id').execute();
      const flow = await rp.begin({ prompt: 'login' });
      await page.goto(flow.url);
      await page.waitForSelector('.passkey-submit');
      await page.goto(flow.url);
      await page.waitForSelector('.passkey-submit');
      assert.equal((await first.services.db.selectFrom('webauthn_challenges').select('id').execute()).length, before.length);
      await page.evaluate(() => {
        for (const input of document.querySelectorAll<HTMLInputElement>('input[name=handle]')) input.value = 'v1.' + 'A'.repeat(80);
      });
      await page.click('.passkey-submit');
      await page.waitForSelector('main > .alert');
      assert.match((await page.textContent('main > .alert')) ?? '', /expired or was used already/);
    });

    it('a replayed sign-in assertion is refused on the page', async () => {
      const flow = await rp.begin({ prompt: 'login' });
      await page.goto(flow.url);
      await page.waitForSelector('.passkey-submit');
      const state = await context.storageState();
      const recorded = recordPost(page, '/login/passkey');
      await page.click('.passkey-submit');
      const body = await recorded;
      await page.waitForURL((url) => url.toString().startsWith(callback.url) || url.pathname.includes('/auth'));
      // The same form, from the browser state before it was sent (same cookies, so the CSRF token holds).
      const replay = await browser.newContext({ storageState: state });
      const response = await replay.request.post(`${issuer}/login/passkey`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        data: body,
        maxRedirects: 0,
      });
      assert.equal(response.status(), 400);
      assert.match(await response.text(), /expired or was used already/);
      await replay.close();
    });

    it('a passkey as second factor after the password', async () => {
      const flow = await rp.begin({ prompt: 'login' });
      await page.goto(flow.url);
      await page.fill('input[name=login]', DEFAULT_USER.username);
      await page.fill('input[name=password]', DEFAULT_USER.password);
      await page.click('.login-submit');
      await page.waitForSelector('.passkey-submit');
      await screenshot(page, 'second-factor-passkey');
      await page.click('.passkey-submit');
      const claims = await finish(page, flow);
      assert.equal(claims.acr, ACR_MFA);
      assert.deepEqual(claims.amr, ['pwd', 'hwk', 'user', 'mfa']);
    });

    it('removes the passkey', async () => {
      await page.goto(`${issuer}/account/security`);
      await page.click('.passkey-remove');
      await page.waitForSelector('.notice');
      assert.equal(await passkeyCount(), 0);
    });
  });
}
