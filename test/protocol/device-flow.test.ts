import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { chromium, type Browser } from 'playwright-core';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { DEFAULT_USER } from '../support/browser-less.js';
import { DEVICE_TEST_CONFIG, approveDirectly, poll, startDeviceFlow, walkDevicePage } from '../support/device-fixtures.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices } from '../../src/app/create-services.js';
import { buildApp } from '../../src/app/build-app.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

for (const database of DATABASES) {
  describe(`device flow end to end (${database})`, () => {
    let server: TestServer;
    let browser: Browser;
    before(async () => {
      // interval 1: openid-client waits the interval before every poll.
      server = await startTestServer({ database, config: { ...DEVICE_TEST_CONFIG, device: { interval: 1 } } });
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    });
    after(async () => {
      await browser.close();
      await server.close();
    });

    async function discover(clientId = 'tv'): Promise<client.Configuration> {
      return client.discovery(new URL(server.url), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    }

    it('works with openid-client initiateDeviceAuthorization and pollDeviceAuthorizationGrant', async () => {
      const config = await discover();
      const started = await client.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' });
      assert.match(started.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      const polling = client.pollDeviceAuthorizationGrant(config, started);
      // the person approves through the page while the client polls
      const walk = await walkDevicePage(server.url, started.user_code, { decision: 'allow' });
      assert.deepEqual(walk.pages, ['code', 'login', 'consent', 'result']);
      const tokens = await polling;
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.equal(tokens.scope, 'openid profile offline_access');
      assert.ok(tokens.refresh_token);
      const claims = tokens.claims();
      const user = await server.services.users.findByUsername(DEFAULT_USER.username);
      assert.equal(claims?.sub, user?.id);
      assert.equal(claims?.aud, 'tv');
      // the access token works at userinfo, like a code-flow token
      const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      assert.equal(userinfo.name, DEFAULT_USER.claims.name);
      // and the refresh token refreshes
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.access_token);
    });

    it('reports access_denied to openid-client when the person denies', async () => {
      const config = await discover();
      const started = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
      const polling = client.pollDeviceAuthorizationGrant(config, started).then(
        () => assert.fail('expected access_denied'),
        (err: client.ResponseBodyError) => err,
      );
      await walkDevicePage(server.url, started.user_code, { decision: 'deny' });
      const err = await polling;
      assert.equal(err.error, 'access_denied');
    });

    it('is approved in Chromium: enter the code, sign in, allow', async () => {
      const flow = await startDeviceFlow(server.url, 'tv', 'openid profile');
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(flow.verification_uri);
        await page.fill('#user_code', flow.user_code.toLowerCase().replace('-', ' '));
        await page.click('.device-code-submit');
        await page.waitForSelector('.login-submit');
        await page.fill('#login', DEFAULT_USER.username);
        await page.fill('#password', DEFAULT_USER.password);
        await page.click('.login-submit');
        await page.waitForSelector('.device-consent-form');
        assert.equal(await page.textContent('.client-name'), 'Living-room TV');
        assert.equal(await page.textContent('strong.device-user-code'), flow.user_code);
        assert.deepEqual(await page.$$eval('ul.scopes li', (items) => items.map((li) => li.getAttribute('data-scope'))), [
          'openid',
          'profile',
        ]);
        await page.click('.consent-allow');
        await page.waitForSelector('.device-result');
        assert.equal(await page.getAttribute('.device-result', 'data-result'), 'allowed');
        assert.match((await page.textContent('main')) ?? '', /You can return to your device/);
      } finally {
        await context.close();
      }
      const { status, body } = await poll(server.url, flow.device_code);
      assert.equal(status, 200);
      assert.ok(body.id_token);
    });

    it('is denied in Chromium from verification_uri_complete after confirming the code', async () => {
      const flow = await startDeviceFlow(server.url, 'tv', 'openid');
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.goto(flow.verification_uri_complete);
        assert.equal(await page.inputValue('#user_code'), flow.user_code);
        await page.click('.device-code-submit');
        await page.fill('#login', DEFAULT_USER.username);
        await page.fill('#password', DEFAULT_USER.password);
        await page.click('.login-submit');
        await page.waitForSelector('.device-consent-form');
        await page.click('.consent-deny');
        await page.waitForSelector('.device-result');
        assert.equal(await page.getAttribute('.device-result', 'data-result'), 'denied');
        assert.match((await page.textContent('main')) ?? '', /Access denied/);
      } finally {
        await context.close();
      }
      assert.deepEqual((await poll(server.url, flow.device_code)).body, {
        error: 'access_denied',
        error_description: 'End-User aborted interaction',
      });
    });

    it('gives the tokens to exactly one of many concurrent polls after approval', async () => {
      const flow = await startDeviceFlow(server.url);
      await approveDirectly(server.services, flow.user_code);
      const results = await Promise.all(Array.from({ length: 20 }, () => poll(server.url, flow.device_code)));
      const successes = results.filter((r) => r.status === 200);
      assert.equal(successes.length, 1);
      for (const r of results.filter((x) => x.status !== 200)) {
        assert.equal(r.status, 400);
        assert.ok(['slow_down', 'invalid_grant'].includes(r.body.error as string), String(r.body.error));
      }
    });
  });

  describe(`device flow across two server processes on one database (${database})`, () => {
    it('shares polling state: slow_down, approval and single use hold across instances', async () => {
      const first = await startTestServer({ database, config: { ...DEVICE_TEST_CONFIG, device: { interval: 5 } } });
      // A second provider and app on the same database, as another process of the deployment.
      const config = loadConfig({ env: {}, overrides: { ...first.services.config, port: 0, logLevel: 'silent' } });
      const schema = await schemaOf(first);
      const services = await createServices(config, { schema });
      const app = await buildApp(services);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const secondUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      try {
        const flow = await startDeviceFlow(first.url);
        assert.equal((await poll(secondUrl, flow.device_code)).body.error, 'authorization_pending');
        assert.equal((await poll(first.url, flow.device_code)).body.error, 'slow_down');
        await approveDirectly(services, flow.user_code);
        await first.services.db.updateTable('device_codes').set({ last_polled_at: 0 }).execute();
        const polls = await Promise.all([poll(first.url, flow.device_code), poll(secondUrl, flow.device_code)]);
        assert.deepEqual(polls.map((p) => p.status).sort(), [200, 400]);
      } finally {
        await app.close();
        await services.close();
        await first.close();
      }
    });
  });
}

/** The PostgreSQL schema a test server uses (undefined for SQLite, whose file is in the URL). */
async function schemaOf(server: TestServer): Promise<string | undefined> {
  if (!server.services.config.databaseUrl.startsWith('postgres')) return undefined;
  const { rows } = await (await import('kysely')).sql<{ schema: string }>`select current_schema() as schema`.execute(server.services.db);
  return rows[0].schema;
}
