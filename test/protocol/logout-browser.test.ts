import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { DEFAULT_USER } from '../support/browser-less.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The relying party's pages: whatever lands there is shown as plain text. */
async function startRelyingParty(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) =>
    response.writeHead(200, { 'content-type': 'text/plain' }).end(`rp page ${request.url}`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

for (const database of DATABASES) {
  describe(`sign in, sign out and SSO in Chromium (${database})`, () => {
    let server: TestServer;
    let browser: Browser;
    let rp: { server: Server; origin: string };
    let config: client.Configuration;

    before(async () => {
      rp = await startRelyingParty();
      server = await startTestServer({
        database,
        config: { users: [DEFAULT_USER], registration: { enabled: true, initialAccessToken: 'optional' } },
      });
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      // The relying party registers itself (RFC 7591), then signs people in and out (openid-client
      // authenticates a registered secret with client_secret_post unless told otherwise).
      config = await client.dynamicClientRegistration(
        new URL(server.url),
        {
          client_name: 'Browser RP',
          redirect_uris: [`${rp.origin}/cb`],
          post_logout_redirect_uris: [`${rp.origin}/bye`],
          token_endpoint_auth_method: 'client_secret_post',
        },
        undefined,
        { execute: [client.allowInsecureRequests] },
      );
    });
    after(async () => {
      await browser.close();
      await server.close();
      await new Promise<void>((resolve) => rp.server.close(() => resolve()));
    });

    async function authorizationUrl(extra: Record<string, string> = {}) {
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: `${rp.origin}/cb`,
        scope: 'openid',
        state: client.randomState(),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        ...extra,
      });
      return { url, verifier };
    }

    /** Signs in through the real pages and returns the ID token the RP gets for the code. */
    async function signIn(page: Page): Promise<string> {
      const { url, verifier } = await authorizationUrl();
      await page.goto(url.href);
      await page.fill('#login', DEFAULT_USER.username);
      await page.fill('#password', DEFAULT_USER.password);
      await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('.login-submit')]);
      if (await page.locator('.consent-allow').count())
        await Promise.all([page.waitForURL(`${rp.origin}/cb**`), page.click('.consent-allow')]);
      assert.ok(page.url().startsWith(`${rp.origin}/cb?`), page.url());
      const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), {
        pkceCodeVerifier: verifier,
        expectedState: new URL(url).searchParams.get('state')!,
      });
      assert.ok(tokens.id_token);
      return tokens.id_token;
    }

    /** Where a prompt=none authorization lands: the RP's callback with a code or an error. */
    async function silentAuthorization(page: Page): Promise<URL> {
      const { url } = await authorizationUrl({ prompt: 'none' });
      await page.goto(url.href);
      return new URL(page.url());
    }

    it('signs in, keeps SSO, signs out with id_token_hint and post_logout_redirect_uri, and SSO is gone', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const idToken = await signIn(page);
      assert.ok((await silentAuthorization(page)).searchParams.get('code'), 'SSO: prompt=none gets a code');

      const logout = client.buildEndSessionUrl(config, {
        id_token_hint: idToken,
        post_logout_redirect_uri: `${rp.origin}/bye`,
        state: 'bye-state',
      });
      await page.goto(logout.href);
      assert.equal(page.url(), `${rp.origin}/bye?state=bye-state`);

      const silent = await silentAuthorization(page);
      assert.equal(silent.searchParams.get('error'), 'login_required');
      const { url } = await authorizationUrl();
      await page.goto(url.href);
      assert.equal(await page.locator('.login-submit').count(), 1, 'the sign-in page is shown again');
      await context.close();
    });

    it('asks for confirmation without a hint, and signs out when the person confirms', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page);
      await page.goto(`${server.url}/session/end`);
      assert.equal(await page.locator('h1').textContent(), 'Sign out?');
      await Promise.all([page.waitForURL(`${server.url}/session/end/done`), page.click('.logout-submit')]);
      assert.equal(await page.locator('#signed-out').textContent(), 'You are signed out');
      assert.equal((await silentAuthorization(page)).searchParams.get('error'), 'login_required');
      await context.close();
    });
  });
}
