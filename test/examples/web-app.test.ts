import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser } from 'playwright-core';
import { DEFAULT_USER } from '../support/browser-less.js';
import { spawnExample, spawnTesseraForExample, type SpawnedExample } from '../support/spawn-example.js';
import type { SpawnedTessera } from '../support/spawn-tessera.js';
import { freePort } from '../support/test-provider.js';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('examples/web-app: signs in with Tessera in Chromium, shows the claims, signs out', () => {
  let tessera: SpawnedTessera;
  let app: SpawnedExample;
  let appUrl: string;
  let browser: Browser;

  before(async () => {
    appUrl = `http://127.0.0.1:${await freePort()}`;
    tessera = await spawnTesseraForExample({
      clients: [
        {
          client_id: 'example_web',
          client_secret: 'example-web-secret',
          client_name: 'Example web app',
          redirect_uris: [`${appUrl}/callback`],
          post_logout_redirect_uris: [`${appUrl}/`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      users: [DEFAULT_USER],
    });
    app = spawnExample('examples/web-app/server.ts', {
      TESSERA_ISSUER: tessera.url,
      CLIENT_ID: 'example_web',
      CLIENT_SECRET: 'example-web-secret',
      APP_URL: appUrl,
      HOST: '127.0.0.1',
    });
    await app.waitFor(/example web app: /);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    await tessera?.stop();
  });

  // First, while consent is not yet remembered: Deny on the consent page comes back as access_denied.
  it('shows the error Tessera returns when the person presses Deny', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/login`);
    await page.fill('#login', DEFAULT_USER.username);
    await page.fill('#password', DEFAULT_USER.password);
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('.login-submit')]);
    await Promise.all([page.waitForURL(`${appUrl}/callback**`), page.click('.consent-deny')]);
    assert.match((await page.locator('#error').textContent())!, /^access_denied: /);
    await context.close();
  });

  it("goes through Tessera's sign-in and consent pages to the signed-in page, then signs out at the provider", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/`);
    assert.equal(await page.locator('#signed-out').count(), 1);

    await Promise.all([page.waitForURL(`${tessera.url}/login**`), page.click('#sign-in')]);
    await page.fill('#login', DEFAULT_USER.username);
    await page.fill('#password', DEFAULT_USER.password);
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('.login-submit')]);
    assert.match(await page.locator('body').innerText(), /Example web app/, 'the consent page names the app');
    await Promise.all([page.waitForURL(`${appUrl}/`), page.click('.consent-allow')]);

    assert.match((await page.locator('#signed-in').textContent())!, /Signed in as Alice Example/);
    const claims = JSON.parse((await page.locator('#id-token-claims').textContent())!);
    assert.equal(claims.iss, tessera.url);
    assert.equal(claims.aud, 'example_web');
    assert.equal(typeof claims.nonce, 'string', 'the app sent a nonce and the ID token carries it');
    assert.equal(typeof claims.at_hash, 'string');
    const userinfo = JSON.parse((await page.locator('#userinfo').textContent())!);
    assert.equal(userinfo.sub, claims.sub);
    assert.equal(userinfo.name, 'Alice Example');
    assert.equal(userinfo.email, 'alice@example.com');

    // RP-initiated logout: the app sends the browser to end_session with id_token_hint, and
    // Tessera sends it back to the registered post-logout URI.
    const visited: string[] = [];
    page.on('request', (request) => visited.push(request.url()));
    await page.click('#sign-out');
    await page
      .locator('#signed-out')
      .waitFor({ timeout: 10_000 })
      .catch(async () => {
        assert.fail(`not back on the app's signed-out page: ${page.url()}\n${await page.content()}`);
      });
    const endSession = visited.map((u) => new URL(u)).find((u) => u.href.startsWith(`${tessera.url}/session/end`));
    assert.ok(endSession, `the browser went through end_session: ${visited.join(' ')}`);
    assert.ok(endSession.searchParams.get('id_token_hint'));
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${appUrl}/`);
    assert.equal(page.url(), `${appUrl}/`);
    // The provider's session is gone too: signing in again asks for the password.
    await Promise.all([page.waitForURL(`${tessera.url}/login**`), page.click('#sign-in')]);
    assert.equal(await page.locator('.login-submit').count(), 1);
    await context.close();
  });

  it('refuses a callback with no sign-in in progress, and one whose state does not match', async () => {
    const stray = await fetch(`${appUrl}/callback?code=abc&state=xyz`);
    assert.equal(stray.status, 400);
    assert.match(await stray.text(), /No sign-in is in progress/);

    const login = await fetch(`${appUrl}/login`, { redirect: 'manual' });
    assert.equal(login.status, 303);
    const authorizationUrl = new URL(login.headers.get('location')!);
    assert.equal(authorizationUrl.origin + authorizationUrl.pathname, `${tessera.url}/auth`);
    assert.equal(authorizationUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorizationUrl.searchParams.get('nonce'));
    const cookie = login.headers.getSetCookie()[0].split(';')[0];
    const forged = await fetch(`${appUrl}/callback?code=abc&state=forged&iss=${encodeURIComponent(tessera.url)}`, { headers: { cookie } });
    assert.equal(forged.status, 400);
    assert.match(await forged.text(), /state/);
  });
});
