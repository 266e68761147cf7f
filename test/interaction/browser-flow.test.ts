import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { DEFAULT_USER } from '../support/browser-less.js';

interface Callback {
  method: string;
  params: URLSearchParams;
}

/** The client's redirect URI: a tiny HTTP server on 127.0.0.1 that records what reaches it. */
async function startCallbackServer(): Promise<{ server: Server; url: string; received: Callback[] }> {
  const received: Callback[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const url = new URL(request.url!, 'http://127.0.0.1');
      // Only the redirect URI counts (browsers also ask for /favicon.ico).
      if (url.pathname === '/cb')
        received.push({ method: request.method!, params: request.method === 'POST' ? new URLSearchParams(body) : url.searchParams });
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>callback</title><p id="done">back at the app</p>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/cb`, received };
}

for (const database of DATABASES) {
  describe(`the pages in headless Chromium (${database})`, () => {
    let server: TestServer;
    let callback: Awaited<ReturnType<typeof startCallbackServer>>;
    let browser: Browser;
    let page: Page;
    const cspViolations: string[] = [];

    before(async () => {
      callback = await startCallbackServer();
      server = await startTestServer({
        database,
        config: {
          users: [DEFAULT_USER],
          clients: [
            {
              client_id: 'browser-app',
              client_name: 'Browser App',
              redirect_uris: [callback.url],
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code'],
              token_endpoint_auth_method: 'none',
            },
          ],
        },
      });
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      page = await (await browser.newContext()).newPage();
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
      });
    });
    after(async () => {
      await browser?.close();
      await server?.close();
      await new Promise((resolve) => callback.server.close(resolve));
    });

    const authUrl = (extra: Record<string, string> = {}) =>
      `${server.url}/auth?${new URLSearchParams({
        response_type: 'code',
        client_id: 'browser-app',
        redirect_uri: callback.url,
        scope: 'openid profile email',
        state: 'browser-state',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
        ...extra,
      })}`;

    const landed = async (count: number) => {
      await page.waitForURL((url) => url.toString().startsWith(callback.url));
      assert.equal(callback.received.length, count);
      return callback.received[count - 1];
    };

    it('signs in, consents and reaches the redirect URI with a code', async () => {
      await page.goto(authUrl());
      assert.equal(await page.title(), 'Sign in');
      await page.fill('input[name=login]', DEFAULT_USER.username);
      await page.fill('input[name=password]', DEFAULT_USER.password);
      await page.click('.login-submit');
      await page.waitForSelector('button[name=decision][value=allow]');
      assert.match((await page.textContent('.client-name')) ?? '', /Browser App/);
      await page.click('button[name=decision][value=allow]');
      const result = await landed(1);
      assert.ok(result.params.get('code'));
      assert.equal(result.params.get('state'), 'browser-state');
      assert.equal(result.params.get('iss'), server.url);
    });

    it('single sign-on: a second authorization goes straight back', async () => {
      await page.goto(authUrl());
      const result = await landed(2);
      assert.ok(result.params.get('code'));
    });

    it('prompt=login asks for the password again', async () => {
      await page.goto(authUrl({ prompt: 'login' }));
      await page.waitForSelector('.login-submit');
      await page.fill('input[name=password]', DEFAULT_USER.password);
      await page.fill('input[name=login]', DEFAULT_USER.username);
      await page.click('.login-submit');
      const result = await landed(3);
      assert.ok(result.params.get('code'));
    });

    it('deny returns access_denied', async () => {
      await page.goto(authUrl({ prompt: 'consent' }));
      await page.click('button[name=decision][value=deny]');
      const result = await landed(4);
      assert.equal(result.params.get('error'), 'access_denied');
      assert.equal(result.params.get('state'), 'browser-state');
      assert.equal(result.params.get('code'), null);
    });

    it('form_post submits itself to the redirect URI', async () => {
      await page.goto(authUrl({ response_mode: 'form_post' }));
      const result = await landed(5);
      assert.equal(result.method, 'POST');
      assert.ok(result.params.get('code'));
      assert.equal(result.params.get('iss'), server.url);
    });

    it('the pages ran without a single Content-Security-Policy violation', () => {
      assert.deepEqual(cspViolations, []);
    });
  });
}
