import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { DATABASES } from '../support/databases.js';
import { freePort, startTestServer, type TestServer } from '../support/test-provider.js';
import { launchChromium, openidClient, startCallbackServer } from '../support/mfa-browser.js';

/**
 * Sign-in through another Tessera acting as the upstream OpenID Connect provider, in Chromium.
 * The upstream is at `localhost`, this provider at `127.0.0.1`: two sites, so their cookies stay apart.
 */
const UPSTREAM_USER = {
  username: 'ada',
  password: 'ada-upstream-password',
  claims: { name: 'Ada Lovelace', email: 'ada@corp.example', email_verified: true, preferred_username: 'ada' },
};
const CLIENT_SECRET = 'downstream-secret-downstream-secret';

for (const database of DATABASES) {
  describe(`sign-in through an upstream Tessera in Chromium (${database})`, () => {
    let upstream: TestServer;
    let server: TestServer;
    let callback: Awaited<ReturnType<typeof startCallbackServer>>;
    let browser: Browser;
    let rp: Awaited<ReturnType<typeof openidClient>>;
    let firstSub = '';

    before(async () => {
      callback = await startCallbackServer();
      const port = await freePort();
      upstream = await startTestServer({
        database,
        host: 'localhost',
        config: {
          users: [UPSTREAM_USER],
          clients: [
            {
              client_id: 'downstream',
              client_secret: CLIENT_SECRET,
              client_name: 'Downstream Tessera',
              redirect_uris: [`http://127.0.0.1:${port}/connectors/corp/callback`],
              grant_types: ['authorization_code'],
              response_types: ['code'],
              token_endpoint_auth_method: 'client_secret_basic',
            },
          ],
        },
      });
      server = await startTestServer({
        database,
        port,
        config: {
          outbound: { allowedHosts: ['localhost', '127.0.0.1'] },
          users: [{ username: 'grace', password: 'grace-password', claims: { email: 'grace@corp.example', email_verified: true } }],
          connectors: [
            { id: 'corp', type: 'oidc', name: 'Corp SSO', issuer: upstream.url, clientId: 'downstream', clientSecret: CLIENT_SECRET },
            { id: 'down', type: 'oidc', name: 'Down SSO', issuer: `http://127.0.0.1:${await freePort()}`, clientId: 'x' },
          ],
          clients: [
            {
              client_id: 'app',
              client_name: 'The App',
              redirect_uris: [callback.url],
              grant_types: ['authorization_code'],
              response_types: ['code'],
              token_endpoint_auth_method: 'none',
            },
          ],
        },
      });
      browser = await launchChromium();
      rp = await openidClient(server.url, 'app', callback.url);
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      await upstream?.close();
      await callback?.close();
    });

    const users = async () => (await server.services.users.list()).map((u) => u.username).sort();

    /** At the upstream's sign-in page: the password there, then its consent. */
    const signInUpstream = async (page: Page, decision: 'allow' | 'deny' = 'allow') => {
      await page.waitForURL((url) => url.host === new URL(upstream.url).host);
      await page.fill('input[name=login]', UPSTREAM_USER.username);
      await page.fill('input[name=password]', UPSTREAM_USER.password);
      await page.click('.login-submit');
      // The upstream asks for consent the first time only (it remembers it).
      const consent = page.locator(`button[name=decision][value=${decision}]`);
      const upstreamHost = new URL(upstream.url).host;
      await Promise.race([page.waitForURL((url) => url.host !== upstreamHost), consent.waitFor()]);
      if (new URL(page.url()).host === upstreamHost) await consent.click();
    };

    /** Back here: this provider's consent, then the app's callback with the code. */
    const finishAtApp = async (page: Page, flow: { finish: (url: string) => Promise<Record<string, unknown>> }) => {
      const consent = page.locator('button[name=decision][value=allow]');
      await Promise.race([page.waitForURL((url) => url.toString().startsWith(callback.url)), consent.waitFor()]);
      if (!page.url().startsWith(callback.url)) {
        await consent.click();
        await page.waitForURL((url) => url.toString().startsWith(callback.url));
      }
      return flow.finish(page.url());
    };

    it('the first sign-in creates a user linked to the upstream identity; the ID token says amr fed', async () => {
      const page = await (await browser.newContext()).newPage();
      const flow = await rp.begin({ scope: 'openid profile email' });
      await page.goto(flow.url);
      const button = page.locator('a.connector-start[data-connector=corp]');
      assert.equal((await button.textContent())?.trim(), 'Sign in with Corp SSO');
      await button.click();
      await signInUpstream(page);
      const claims = await finishAtApp(page, flow);
      assert.deepEqual(claims.amr, ['fed']);
      assert.equal(claims.acr, 'urn:tessera:acr:password');
      firstSub = String(claims.sub);
      const user = await server.services.users.findById(firstSub);
      assert.equal(user?.username, 'ada');
      assert.deepEqual(user?.claims, { ...UPSTREAM_USER.claims }, 'the upstream claims (ID token and userinfo) mapped');
      assert.equal(await server.services.users.hasPassword(firstSub), false, 'an upstream user has no password here');
      const upstreamSub = (await upstream.services.users.findByUsername('ada'))!.id;
      assert.equal((await server.services.federatedIdentities.find('corp', upstreamSub))?.userId, firstSub);
      assert.equal(
        (await server.services.federatedIdentities.find('corp', upstreamSub))?.tokensEncrypted,
        null,
        'tokens not kept by default',
      );
      await page.context().close();
    });

    it('a later sign-in, in another browser, finds the same user', async () => {
      const before = await users();
      const page = await (await browser.newContext()).newPage();
      const flow = await rp.begin();
      await page.goto(flow.url);
      await page.click('a.connector-start[data-connector=corp]');
      await signInUpstream(page);
      const claims = await finishAtApp(page, flow);
      assert.equal(claims.sub, firstSub);
      assert.deepEqual(await users(), before);
      await page.context().close();
    });

    it('denied at the upstream: a page says so, nobody is signed in, nothing is created', async () => {
      const before = await users();
      // The upstream asks again once its consent is forgotten; this time the person says no.
      await upstream.services.consents.forget((await upstream.services.users.findByUsername('ada'))!.id, 'downstream');
      const context = await browser.newContext();
      const page = await context.newPage();
      const flow = await rp.begin();
      await page.goto(flow.url);
      const answer = page.waitForResponse((r) => r.url().includes('/connectors/corp/callback'));
      await page.click('a.connector-start[data-connector=corp]');
      await signInUpstream(page, 'deny');
      assert.equal((await answer).status(), 400);
      assert.equal((await page.locator('h1').textContent())?.trim(), 'Sign-in was cancelled');
      assert.equal(await page.locator('.error-code').textContent(), 'access_denied');
      // Back to sign-in keeps the app's request.
      await page.click('.back-to-sign-in');
      assert.ok(await page.locator('input[name=login]').isVisible());
      assert.ok((await context.cookies(server.url)).every((c) => c.name !== 'tessera_session'));
      assert.deepEqual(await users(), before);
      await context.close();
    });

    it('a callback with a forged state, or with no flow started in this browser, is refused', async () => {
      const before = await users();
      const context = await browser.newContext();
      const page = await context.newPage();
      // No flow cookie at all.
      let answer = await page.goto(`${server.url}/connectors/corp/callback?code=abc&state=forged`);
      assert.equal(answer?.status(), 400);
      assert.equal((await page.locator('h1').textContent())?.trim(), 'This sign-in cannot be completed');
      // A flow started here, and a callback whose state is not its own (a login CSRF attempt).
      await page.route(`${upstream.url}/**`, (route) => route.abort());
      await page.goto(`${server.url}/connectors/corp/start`).catch(() => undefined);
      answer = await page.goto(`${server.url}/connectors/corp/callback?code=abc&state=forged`);
      assert.equal(answer?.status(), 400);
      assert.deepEqual(await users(), before);
      await context.close();
    });

    it('a replayed callback, and a replayed upstream code under a fresh state, are refused', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      let callbackUrl = '';
      page.on('request', (request) => {
        if (request.url().includes('/connectors/corp/callback')) callbackUrl = request.url();
      });
      await page.goto(`${server.url}/connectors/corp/start`);
      await signInUpstream(page);
      await page.waitForURL((url) => url.toString().startsWith(server.url));
      assert.ok(callbackUrl.includes('code='));
      // The same callback again: its flow was taken.
      const again = await page.goto(callbackUrl);
      assert.equal(again?.status(), 400);
      // A new flow in this browser, answered with the old code: the upstream refuses the code.
      // A new flow for this browser (started outside it, its cookie handed to it): only its state matters.
      const started = await fetch(`${server.url}/connectors/corp/start`, { redirect: 'manual' });
      const state = new URL(started.headers.get('location')!).searchParams.get('state')!;
      const [name, value] = started.headers.getSetCookie()[0].split(';')[0].split('=');
      await context.addCookies([{ name, value, url: server.url }]);
      const replay = new URL(callbackUrl);
      replay.searchParams.set('state', state);
      const refused = await page.goto(replay.href);
      assert.equal(refused?.status(), 400);
      assert.equal(await page.locator('.error-code').textContent(), 'invalid_grant');
      await context.close();
    });

    it('an upstream that is down: a 502 page, nothing else', async () => {
      const page = await (await browser.newContext()).newPage();
      const answer = await page.goto(`${server.url}/connectors/down/start`);
      assert.equal(answer?.status(), 502);
      assert.equal((await page.locator('h1').textContent())?.trim(), 'Down SSO cannot be reached');
      await page.context().close();
    });

    it('an unknown connector is a 404 page', async () => {
      const page = await (await browser.newContext()).newPage();
      assert.equal((await page.goto(`${server.url}/connectors/nope/start`))?.status(), 404);
      await page.context().close();
    });
  });
}
