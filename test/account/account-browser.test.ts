import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { launchChromium } from '../support/chromium.js';

const ALICE = { username: 'alice', password: 'alice-password', claims: { name: 'Alice Example', email: 'alice@example.com' } };
const BOB = { username: 'bob', password: 'bob-password', claims: { name: 'Bob Example' } };
const CAROL = { username: 'carol', password: 'carol-password', claims: {} };
const insecure = { execute: [client.allowInsecureRequests] };

/** The app's redirect URI: a page that says it was reached. */
async function startApp(): Promise<{ server: Server; callback: string }> {
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('back at the app'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, callback: `http://127.0.0.1:${(server.address() as { port: number }).port}/cb` };
}

/** Each action of the account page, done by a person in headless Chromium. */
for (const database of DATABASES) {
  describe(`the account page in Chromium (${database})`, () => {
    let server: TestServer;
    let browser: Browser;
    let app: Awaited<ReturnType<typeof startApp>>;
    const contexts: BrowserContext[] = [];

    before(async () => {
      app = await startApp();
      server = await startTestServer({
        database,
        config: {
          users: [ALICE, BOB, CAROL],
          clients: [
            {
              client_id: 'photos',
              client_name: 'Photo Album',
              redirect_uris: [app.callback],
              grant_types: ['authorization_code', 'refresh_token'],
              token_endpoint_auth_method: 'none',
            },
          ],
        },
      });
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      await new Promise((resolve) => app.server.close(resolve));
    });

    /** A new browser (own cookies), signed in as `user` through the account page's redirect. */
    async function signedInBrowser(user: { username: string; password: string }): Promise<Page> {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${server.url}/account`);
      assert.equal(await page.title(), 'Sign in');
      await page.fill('input[name=login]', user.username);
      await page.fill('input[name=password]', user.password);
      await page.click('.login-submit');
      await page.waitForURL(`${server.url}/account`);
      return page;
    }

    it('lists the sessions of two browsers, marks this one, and signs the other out', async () => {
      const first = await signedInBrowser(ALICE);
      const second = await signedInBrowser(ALICE);
      await first.click('a.account-sessions');
      await first.waitForSelector('ul.sessions');
      const items = first.locator('li.session');
      assert.equal(await items.count(), 2);
      assert.equal(await first.locator('li.session.current').count(), 1);
      assert.match((await first.locator('li.session.current').textContent()) ?? '', /This browser/);
      assert.match((await items.first().textContent()) ?? '', /Chrome on Linux/);
      assert.match((await items.first().textContent()) ?? '', /127\.0\.0\.1/);
      if (process.env.UPDATE_SCREENSHOTS && database === 'sqlite') await screenshot(first, 'account-sessions.png');

      await first.click('li.session:not(.current) button.session-end');
      await first.waitForSelector('.notice');
      assert.match((await first.textContent('.notice')) ?? '', /signed out/);
      assert.equal(await first.locator('li.session').count(), 1);

      const [ended] = await server.services.audit.list({ type: 'session.revoked' });
      assert.deepEqual(ended.detail, { by: 'user', sessions: 1, revoked_grants: 0 });
      assert.equal(ended.address, '127.0.0.1');
      // The other browser's cookie no longer works: it is asked to sign in.
      await second.goto(`${server.url}/account`);
      assert.equal(await second.title(), 'Sign in');
      await first.goto(`${server.url}/account`);
      assert.equal(await first.title(), 'Your account');
    });

    it('works from the keyboard: Tab reaches the Password link and Enter opens it', async () => {
      const page = await signedInBrowser(ALICE);
      if (process.env.UPDATE_SCREENSHOTS && database === 'sqlite') await screenshot(page, 'account-page.png');
      for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.classList.contains('account-password'))); i++)
        await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${server.url}/account/password`);
      assert.equal(await page.title(), 'Change your password');
    });

    it('revokes an application: its refresh token is refused and its access token stops working', async () => {
      const page = await signedInBrowser(BOB);
      const config = await client.discovery(new URL(server.url), 'photos', undefined, client.None(), insecure);
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: app.callback,
        scope: 'openid profile offline_access',
        prompt: 'consent',
        state,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      await page.goto(url.toString());
      assert.match((await page.textContent('main')) ?? '', /remove this access later/);
      await page.click('button.consent-allow');
      await page.waitForURL((u) => u.toString().startsWith(app.callback));
      const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state });
      assert.ok(tokens.refresh_token);
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.refresh_token, 'the refresh token works before');

      await page.goto(`${server.url}/account`);
      await page.click('a.account-applications');
      const entry = page.locator('li.application[data-client-id="photos"]');
      assert.match((await entry.textContent()) ?? '', /Photo Album/);
      assert.equal(await entry.locator('li[data-scope="offline_access"]').count(), 1);
      if (process.env.UPDATE_SCREENSHOTS && database === 'sqlite') await screenshot(page, 'account-applications.png');
      await entry.locator('button.application-revoke').click();
      await page.waitForSelector('.notice');
      assert.equal(await page.locator('li.application').count(), 0);

      await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token), (err: client.ResponseBodyError) => {
        assert.equal(err.error, 'invalid_grant');
        return true;
      });
      const sub = refreshed.claims()!.sub;
      await assert.rejects(client.fetchUserInfo(config, refreshed.access_token, sub));
      // The app must ask again: the consent page shows up for the same request.
      await page.goto(url.toString());
      await page.waitForSelector('button.consent-allow');
    });

    it('changes the password: the other browser is signed out, this one stays, the new password works', async () => {
      const here = await signedInBrowser(CAROL);
      const elsewhere = await signedInBrowser(CAROL);
      await here.goto(`${server.url}/account/password`);
      await here.fill('#current_password', CAROL.password);
      await here.fill('#new_password', 'carol-new-password');
      await here.fill('#confirm_password', 'carol-new-password');
      await here.click('button.password-submit');
      await here.waitForSelector('#password-changed');
      assert.match((await here.textContent('main')) ?? '', /1 other session/);

      const [changed] = await server.services.audit.list({ type: 'user.password_changed' });
      assert.deepEqual(changed.detail, { by: 'user', ended_sessions: 1, revoked_tokens: true });
      await elsewhere.goto(`${server.url}/account`);
      assert.equal(await elsewhere.title(), 'Sign in');
      await here.goto(`${server.url}/account`);
      assert.equal(await here.title(), 'Your account');
      assert.ok(await server.services.users.authenticate('carol', 'carol-new-password'));
      assert.equal(await server.services.users.authenticate('carol', CAROL.password), undefined);
    });
  });
}

/** Refreshes a README screenshot (UPDATE_SCREENSHOTS=1 npm test -- test/account/account-browser). */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('docs/images', { recursive: true });
  await page.screenshot({ path: `docs/images/${name}`, fullPage: true });
}
