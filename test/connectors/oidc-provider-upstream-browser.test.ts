import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import Provider from 'oidc-provider';
import { DATABASES } from '../support/databases.js';
import { freePort, startTestServer, type TestServer } from '../support/test-provider.js';
import { launchChromium, openidClient, startCallbackServer } from '../support/mfa-browser.js';

const SECRET = 'oidc-provider-client-secret-0123456789';

/** node-oidc-provider as a second, independent upstream: its development sign-in and consent pages. */
async function startOidcProvider(redirectUri: string): Promise<{ issuer: string; close: () => Promise<void> }> {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'tessera',
        client_secret: SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({
        sub: id,
        email: `${id}@op.example`,
        email_verified: true,
        name: `${id} from oidc-provider`,
        preferred_username: id,
      }),
    }),
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { issuer, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

for (const database of DATABASES) {
  describe(`sign-in through node-oidc-provider in Chromium (${database})`, () => {
    let upstream: Awaited<ReturnType<typeof startOidcProvider>>;
    let server: TestServer;
    let callback: Awaited<ReturnType<typeof startCallbackServer>>;
    let browser: Browser;
    let rp: Awaited<ReturnType<typeof openidClient>>;

    before(async () => {
      callback = await startCallbackServer();
      const port = await freePort();
      upstream = await startOidcProvider(`http://127.0.0.1:${port}/connectors/op/callback`);
      server = await startTestServer({
        database,
        port,
        config: {
          outbound: { allowedHosts: ['localhost', '127.0.0.1'] },
          connectors: [{ id: 'op', type: 'oidc', name: 'OP', issuer: upstream.issuer, clientId: 'tessera', clientSecret: SECRET }],
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
      await upstream?.close();
      await callback?.close();
    });

    it('signs in, provisions the user from userinfo claims, and the app gets amr fed', async () => {
      const page = await (await browser.newContext()).newPage();
      const flow = await rp.begin();
      await page.goto(flow.url);
      await page.click('a.connector-start[data-connector=op]');
      await page.waitForURL((url) => url.host === new URL(upstream.issuer).host);
      await page.fill('input[name=login]', 'marie');
      await page.fill('input[name=password]', 'anything');
      await page.click('button.login-submit');
      await page.click('button.login-submit'); // oidc-provider's consent: Continue
      await page.locator('button[name=decision][value=allow]').click(); // Tessera's consent for the app
      await page.waitForURL((url) => url.toString().startsWith(callback.url));
      const claims = await flow.finish(page.url());
      assert.deepEqual(claims.amr, ['fed']);
      const user = await server.services.users.findById(String(claims.sub));
      assert.equal(user?.username, 'marie');
      assert.equal(user?.claims.email, 'marie@op.example');
      assert.equal(user?.claims.email_verified, true);
      assert.equal((await server.services.federatedIdentities.find('op', 'marie'))?.userId, user?.id);
      await page.context().close();
    });
  });
}
