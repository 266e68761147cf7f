import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { DEFAULT_USER } from '../support/browser-less.js';
import { launchChromium, openidClient, screenshot, startCallbackServer, totpCode } from '../support/mfa-browser.js';

const ACR_PASSWORD = 'urn:tessera:acr:password';
const ACR_MFA = 'urn:tessera:acr:mfa';

for (const database of DATABASES) {
  describe(`TOTP, recovery codes and step-up in Chromium (${database})`, () => {
    let server: TestServer;
    let callback: Awaited<ReturnType<typeof startCallbackServer>>;
    let browser: Browser;
    let rp: Awaited<ReturnType<typeof openidClient>>;
    const contexts: BrowserContext[] = [];
    let secret = '';
    let recoveryCodes: string[] = [];
    let usedCode = '';

    before(async () => {
      callback = await startCallbackServer();
      server = await startTestServer({
        database,
        config: {
          users: [DEFAULT_USER],
          clients: [
            {
              client_id: 'mfa-app',
              client_name: 'MFA App',
              redirect_uris: [callback.url],
              grant_types: ['authorization_code'],
              response_types: ['code'],
              token_endpoint_auth_method: 'none',
            },
          ],
        },
      });
      browser = await launchChromium();
      rp = await openidClient(server.url, 'mfa-app', callback.url);
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      await callback?.close();
    });

    const newPage = async (): Promise<Page> => {
      const context = await browser.newContext();
      contexts.push(context);
      return context.newPage();
    };

    /** From wherever the flow stands: consent if asked, then the ID token claims of the code that came back. */
    const finish = async (page: Page, flow: { finish: (url: string) => Promise<Record<string, unknown>> }) => {
      const consent = page.locator('button[name=decision][value=allow]');
      await Promise.race([page.waitForURL((url) => url.toString().startsWith(callback.url)), consent.waitFor()]);
      if (!page.url().startsWith(callback.url)) {
        await consent.click();
        await page.waitForURL((url) => url.toString().startsWith(callback.url));
      }
      return flow.finish(page.url());
    };

    const signInWithPassword = async (page: Page) => {
      await page.fill('input[name=login]', DEFAULT_USER.username);
      await page.fill('input[name=password]', DEFAULT_USER.password);
      await page.click('.login-submit');
    };

    let stale: Page;

    it('a password-only sign-in: acr_values asking for MFA are voluntary, the ID token says acr password, amr pwd', async () => {
      stale = await newPage();
      const flow = await rp.begin({ acr_values: ACR_MFA });
      await stale.goto(flow.url);
      await screenshot(stale, 'sign-in');
      await signInWithPassword(stale);
      const claims = await finish(stale, flow);
      assert.equal(claims.acr, ACR_PASSWORD);
      assert.deepEqual(claims.amr, ['pwd']);
    });

    it('discovery lists both ACR levels', async () => {
      const metadata = rp.config.serverMetadata();
      assert.deepEqual(metadata.acr_values_supported, [ACR_PASSWORD, ACR_MFA]);
    });

    it('sets up an authenticator app: QR code and key shown, a wrong code refused, the right one turns it on and shows recovery codes once', async () => {
      const page = await newPage();
      await page.goto(`${server.url}/account/security`);
      await signInWithPassword(page);
      await page.waitForSelector('.totp-start');
      await screenshot(page, 'account-security');
      assert.match((await page.textContent('.totp-status')) ?? '', /Off/);
      await page.click('.totp-start');
      await page.waitForSelector('.totp-qr');
      assert.match((await page.getAttribute('.totp-qr', 'src')) ?? '', /^data:image\/png;base64,/);
      secret = ((await page.textContent('.totp-secret')) ?? '').replace(/\s+/g, '');
      assert.match(secret, /^[A-Z2-7]{32}$/);
      await screenshot(page, 'totp-setup');
      await page.fill(
        'input[name=code]',
        totpCode(secret, 5).replace(/\d$/, (d) => String((Number(d) + 1) % 10)),
      );
      await page.click('.totp-confirm');
      assert.match((await page.textContent('[role=alert]')) ?? '', /not right/);
      assert.equal(await server.services.mfa.totp!.isActive((await server.services.users.findByUsername('alice'))!.id), false);
      await page.fill('input[name=code]', totpCode(secret));
      await page.click('.totp-confirm');
      await page.waitForSelector('.recovery-codes');
      recoveryCodes = (await page.locator('.recovery-codes code').allTextContents()).map((c) => c.trim());
      assert.equal(recoveryCodes.length, 10);
      await screenshot(page, 'recovery-codes');
      await page.click('.continue');
      assert.match((await page.textContent('.totp-status')) ?? '', /On/);
      assert.match((await page.textContent('.recovery-status')) ?? '', /^10 unused/);
    });

    it('step-up: a password-only session asked for acr MFA gives the second factor; the ID token has acr mfa, amr pwd otp mfa and a new auth_time', async () => {
      const flow = await rp.begin({ acr_values: ACR_MFA });
      const before = Math.floor(Date.now() / 1000);
      await stale.goto(flow.url);
      await stale.waitForSelector('.second-factor-submit');
      assert.match((await stale.textContent('main')) ?? '', /needs a stronger sign-in/);
      await screenshot(stale, 'second-factor');
      // The code of the next time step: the current one was used to confirm the enrollment.
      usedCode = totpCode(secret, 1);
      await stale.fill('input[name=code]', usedCode);
      await stale.click('.second-factor-submit');
      const claims = await finish(stale, flow);
      assert.equal(claims.acr, ACR_MFA);
      assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
      assert.ok((claims.auth_time as number) >= before, 'auth_time is the step-up');
    });

    it('a signed-in MFA session satisfies acr_values at once; max_age still asks again', async () => {
      const flow = await rp.begin({ acr_values: ACR_MFA });
      await stale.goto(flow.url);
      const claims = await finish(stale, flow);
      assert.equal(claims.acr, ACR_MFA);
      const again = await rp.begin({ max_age: '0' });
      await stale.goto(again.url);
      await stale.waitForSelector('.login-submit');
    });

    it('a new sign-in asks for the second factor after the password; a reused code and a wrong recovery code are refused and change nothing', async () => {
      const page = await newPage();
      const flow = await rp.begin();
      await page.goto(flow.url);
      await signInWithPassword(page);
      await page.waitForSelector('.second-factor-submit');
      await page.fill('input[name=code]', usedCode);
      await page.click('.second-factor-submit');
      assert.match((await page.textContent('[role=alert]')) ?? '', /used already/);
      await page.fill('input[name=code]', 'aaaaa-bbbbb');
      await page.click('.second-factor-submit');
      assert.match((await page.textContent('[role=alert]')) ?? '', /recovery code is not right/);
      const user = (await server.services.users.findByUsername('alice'))!;
      assert.equal(await server.services.mfa.recoveryCodes.remaining(user.id), 10);
      const cookies = await page.context().cookies();
      assert.equal(
        cookies.find((c) => c.name === 'tessera_session'),
        undefined,
        'nothing is signed in yet',
      );
    });

    it('a recovery code signs in instead of the app, once', async () => {
      const page = await newPage();
      const flow = await rp.begin();
      await page.goto(flow.url);
      await signInWithPassword(page);
      await page.waitForSelector('.second-factor-submit');
      await page.fill('input[name=code]', recoveryCodes[0].toUpperCase());
      await page.click('.second-factor-submit');
      const claims = await finish(page, flow);
      assert.equal(claims.acr, ACR_MFA);
      assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
      const user = (await server.services.users.findByUsername('alice'))!;
      assert.equal(await server.services.mfa.recoveryCodes.remaining(user.id), 9);

      const other = await newPage();
      await other.goto((await rp.begin()).url);
      await signInWithPassword(other);
      await other.waitForSelector('.second-factor-submit');
      await other.fill('input[name=code]', recoveryCodes[0]);
      await other.click('.second-factor-submit');
      assert.match((await other.textContent('[role=alert]')) ?? '', /recovery code is not right, or it was used already/);
    });
  });
}
