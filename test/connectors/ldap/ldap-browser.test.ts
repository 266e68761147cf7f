import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/chromium.js';
import { startTestServer, type TestServer } from '../../support/test-provider.js';
import { GROUPS_DN, PEOPLE, PEOPLE_DN, READER, startLdapServer, type LdapServer } from '../../support/ldap-server.js';

const APP = { client_id: 'directory-app', client_secret: 'directory-app-secret-0123456789', client_name: 'Directory App' };

/** The app's redirect URI: records the query it was sent to. */
async function startCallback(): Promise<{ server: Server; url: string; received: URL[] }> {
  const received: URL[] = [];
  const server = createServer((request, response) => {
    // The full redirect URI, port included: openid-client sends it back as redirect_uri.
    const url = new URL(request.url!, `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    if (url.pathname === '/cb') received.push(url);
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title><p id="done">back at the app</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/cb`, received };
}

/** A person signs in to an app in real Chromium with their directory password, through the normal form. */
describe('LDAP sign-in in headless Chromium', () => {
  let ldap: LdapServer;
  let server: TestServer;
  let callback: Awaited<ReturnType<typeof startCallback>>;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ldap = await startLdapServer();
    callback = await startCallback();
    server = await startTestServer({
      config: {
        clients: [
          {
            ...APP,
            redirect_uris: [callback.url],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            scope: 'openid profile email groups',
          },
        ],
        connectors: [
          {
            id: 'corp',
            type: 'ldap',
            name: 'Corp directory',
            url: ldap.ldapsUrl,
            ca: ldap.caPem,
            bindDn: READER.dn,
            bindPassword: READER.password,
            userSearch: { baseDn: PEOPLE_DN, filter: '(uid={{username}})' },
            groupSearch: { baseDn: GROUPS_DN, filter: '(member={{dn}})' },
          },
        ],
      },
    });
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => callback?.server.close(resolve));
    await ldap?.stop();
  });

  it('wrong password first, then the right one: consent, back at the app, tokens for the directory person', async () => {
    const config = await client.discovery(new URL(server.url), APP.client_id, undefined, client.ClientSecretBasic(APP.client_secret), {
      execute: [client.allowInsecureRequests],
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: callback.url,
      scope: 'openid profile email groups',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });

    await page.goto(url.toString());
    assert.equal(await page.title(), 'Sign in');
    await page.fill('input[name=login]', 'alice');
    await page.fill('input[name=password]', 'not-the-directory-password');
    await page.click('.login-submit');
    await page.waitForSelector('.alert');
    assert.match((await page.textContent('.alert')) ?? '', /do not match/);

    await page.fill('input[name=login]', 'alice');
    await page.fill('input[name=password]', PEOPLE.alice.password);
    await page.click('.login-submit');
    await page.waitForSelector('button[name=decision][value=allow]');
    assert.match((await page.textContent('.client-name')) ?? '', /Directory App/);
    await page.click('button[name=decision][value=allow]');
    await page.waitForURL((landed) => landed.toString().startsWith(callback.url));
    assert.equal(await page.textContent('#done'), 'back at the app');

    const tokens = await client.authorizationCodeGrant(config, callback.received.at(-1)!, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims()!;
    assert.deepEqual(claims.amr, ['pwd']);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.preferred_username, 'alice');
    assert.equal(userinfo.name, PEOPLE.alice.name);
    assert.deepEqual(userinfo.groups, ['admins', 'developers']);
  });
});
