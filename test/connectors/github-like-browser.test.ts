import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { launchChromium, openidClient, startCallbackServer } from '../support/mfa-browser.js';
import { startGithubLike } from './support/github-like.js';

const SECRET = 'github-like-client-secret';

for (const database of DATABASES) {
  describe(`sign-in through a GitHub-style OAuth 2.0 provider in Chromium (${database})`, () => {
    let github: Awaited<ReturnType<typeof startGithubLike>>;
    let server: TestServer;
    let callback: Awaited<ReturnType<typeof startCallbackServer>>;
    let browser: Browser;
    let rp: Awaited<ReturnType<typeof openidClient>>;

    before(async () => {
      github = await startGithubLike('gh-client', SECRET);
      callback = await startCallbackServer();
      server = await startTestServer({
        database,
        config: {
          outbound: { allowedHosts: ['127.0.0.1'] },
          connectors: [
            {
              id: 'gh',
              type: 'oauth2',
              name: 'GitHub',
              clientId: 'gh-client',
              clientSecret: SECRET,
              authorizationUrl: `${github.url}/login/oauth/authorize`,
              tokenUrl: `${github.url}/login/oauth/access_token`,
              userUrl: `${github.url}/user`,
              emailsUrl: `${github.url}/user/emails`,
              scopes: ['read:user', 'user:email'],
              claims: { subject: 'id', username: 'login', picture: 'avatar_url' },
            },
          ],
          clients: [
            {
              client_id: 'app',
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
      await github?.close();
      await callback?.close();
    });

    it('an emails endpoint that fails: a 502 page, nothing provisioned', async () => {
      github.settings.failEmails = true;
      const page = await (await browser.newContext()).newPage();
      const answer = page.waitForResponse((r) => r.url().includes('/connectors/gh/callback'));
      await page.goto(`${server.url}/connectors/gh/start`);
      assert.equal((await answer).status(), 502);
      assert.equal((await page.locator('h1').textContent())?.trim(), 'GitHub cannot be reached');
      assert.deepEqual(await server.services.users.list(), []);
      github.settings.failEmails = false;
      await page.context().close();
    });

    it('signs in with the user API and the verified primary email, and the app gets amr fed', async () => {
      const page = await (await browser.newContext()).newPage();
      const flow = await rp.begin({ scope: 'openid profile email' });
      await page.goto(flow.url);
      await page.click('a.connector-start[data-connector=gh]');
      await page.locator('button[name=decision][value=allow]').click();
      await page.waitForURL((url) => url.toString().startsWith(callback.url));
      const claims = await flow.finish(page.url());
      assert.deepEqual(claims.amr, ['fed']);
      const user = await server.services.users.findById(String(claims.sub));
      assert.equal(user?.username, 'octocat');
      assert.deepEqual(user?.claims, {
        name: 'The Octocat',
        preferred_username: 'octocat',
        picture: 'https://avatars.example/u/583231',
        email: 'octocat@github.example',
        email_verified: true,
      });
      assert.equal((await server.services.federatedIdentities.find('gh', '583231'))?.userId, user?.id);
      await page.context().close();
    });
  });
}
