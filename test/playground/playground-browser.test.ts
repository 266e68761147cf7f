import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DATABASES } from '../support/databases.js';
import { createSharedSchema, spawnTessera, type SpawnedTessera } from '../support/spawn-tessera.js';
import { DEMO_USER } from '../../src/seed/dev-demo.js';

/** A request as the server's own request log tells it: "incoming request" joined with "request completed". */
interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

/** What the playground page shows of one exchange. */
interface ShownExchange {
  channel: string;
  method: string;
  path: string;
  status: string;
}

/** Every request the server logged, in the order it arrived, from its JSON log lines. */
function requestLog(output: string): LoggedRequest[] {
  const incoming = new Map<string, { method: string; path: string }>();
  const order: string[] = [];
  const status = new Map<string, number>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { reqId?: string; msg?: string; req?: { method: string; path: string }; res?: { status: number } };
    if (!entry.reqId) continue;
    if (entry.msg === 'incoming request' && entry.req) {
      incoming.set(entry.reqId, entry.req);
      order.push(entry.reqId);
    }
    if (entry.msg === 'request completed' && entry.res) status.set(entry.reqId, entry.res.status);
  }
  return order.map((id) => ({ ...incoming.get(id)!, status: status.get(id) ?? 0 }));
}

/** The paths the playground's back-channel steps and its front-channel steps reach. */
const BACK_CHANNEL_PATHS = new Set(['/token', '/device/auth', '/jwks', '/userinfo']);
const FRONT_CHANNEL_PATHS = new Set(['/auth', '/playground/callback']);

async function shownExchanges(page: Page): Promise<ShownExchange[]> {
  return page.$$eval('li.exchange', (items) =>
    items.map((item) => ({
      channel: item.getAttribute('data-channel') ?? '',
      method: item.getAttribute('data-method') ?? '',
      path: item.getAttribute('data-path') ?? '',
      status: item.getAttribute('data-status') ?? '',
    })),
  );
}

/**
 * The check of the issue: the exchanges the page shows are the ones that happened. The server's
 * log since `from` must list exactly the shown back-channel requests, in the same order, with the
 * same method, path and status, and the shown front-channel steps in order among them.
 */
function assertShownAreLogged(shown: ShownExchange[], logged: LoggedRequest[]): void {
  const relevant = logged.filter((r) => BACK_CHANNEL_PATHS.has(r.path) || FRONT_CHANNEL_PATHS.has(r.path));
  assert.deepEqual(
    shown.map((e) => `${e.method} ${e.path}${e.channel === 'back-channel' ? ` ${e.status}` : ''}`),
    relevant.map((r) => `${r.method} ${r.path}${BACK_CHANNEL_PATHS.has(r.path) ? ` ${r.status}` : ''}`),
  );
}

async function waitForStatus(page: Page): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const value = await page.getAttribute('#status', 'data-succeeded', { timeout: 2000 });
      if (value) return value;
    } catch {
      // the page was reloading itself
    }
    if (Date.now() > deadline) throw new Error(`the flow did not end: ${await page.textContent('#status').catch(() => '?')}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function signIn(page: Page): Promise<void> {
  await page.fill('#login', DEMO_USER.username);
  await page.fill('#password', DEMO_USER.password);
  await page.click('.login-submit');
}

for (const database of DATABASES) {
  describe(`the playground in headless Chromium, against npm start's dev mode (${database})`, () => {
    let server: SpawnedTessera;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    /** The run page of the first code flow, kept open. */
    let firstRun: Page;
    let dataDir: string;
    let dropSchema: (() => Promise<void>) | undefined;
    const cspViolations: string[] = [];

    before(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'tessera-playground-'));
      let databaseUrl = `sqlite:${join(dataDir, 'tessera.db')}`;
      if (database === 'postgres') {
        const shared = await createSharedSchema();
        databaseUrl = shared.url;
        dropSchema = () => shared.drop();
      }
      server = await spawnTessera({
        config: { dev: true, dataDir, databaseUrl, logLevel: 'info', log: { format: 'json' }, device: { interval: 1 } },
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
      context = await browser.newContext();
      page = await context.newPage();
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
      });
    });
    after(async () => {
      await browser?.close();
      await server?.stop();
      await dropSchema?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** The server's request log from now on. */
    const logFrom = () => {
      const start = requestLog(server.output()).length;
      return () => requestLog(server.output()).slice(start);
    };

    it('prints the playground URL first in the dev banner', () => {
      const banner = server.output().split('Tessera (dev mode) is running.')[1] ?? '';
      const firstUrl = /http:\/\/\S+/.exec(banner)?.[0];
      assert.equal(firstUrl, `${server.url}/playground`);
    });

    it('authorization code + PKCE S256: sign in, consent, tokens checked, userinfo, then refresh', async () => {
      const since = logFrom();
      await page.goto(`${server.url}/playground`);
      await page.click('#flow-code button[type=submit]');
      await signIn(page);
      await page.waitForSelector('button[name=decision][value=allow]');
      assert.match((await page.textContent('body')) ?? '', /offline|Stay connected/i);
      await page.click('button[name=decision][value=allow]');
      assert.equal(await waitForStatus(page), 'true', (await page.textContent('#status')) ?? '');

      let shown = await shownExchanges(page);
      assert.deepEqual(
        shown.map((e) => `${e.method} ${e.path} ${e.status}`),
        ['GET /auth ', 'GET /playground/callback ', 'POST /token 200', 'GET /jwks 200', 'GET /userinfo 200'],
      );
      const idToken = page.locator('li.exchange').nth(2).locator('.jwt[data-name=id_token]');
      assert.equal(await idToken.getAttribute('data-signature'), 'verified');
      assert.equal(await idToken.getAttribute('data-at-hash'), 'matches the access token');
      const jwks = JSON.parse(
        ((await page.locator('li.exchange').nth(3).locator('pre.response-revealed').textContent()) ?? '').split('\n\n')[1],
      ) as {
        keys: { kid: string }[];
      };
      const kid = await idToken.getAttribute('data-kid');
      assert.ok(kid && jwks.keys.some((k) => k.kid === kid), 'the ID token names a key of the JWKS fetched');
      assert.equal(
        await page.locator('li.exchange').nth(2).locator('.jwt[data-name=access_token]').getAttribute('data-signature'),
        'verified',
      );
      // Secrets are masked until revealed; the curl command of a back-channel step is the request itself.
      const tokenStep = page.locator('li.exchange').nth(2);
      const masked = (await tokenStep.locator('pre.response').textContent()) ?? '';
      const revealed = (await tokenStep.locator('pre.response-revealed').textContent()) ?? '';
      const tokens = JSON.parse(revealed.split('\n\n')[1]) as { refresh_token: string; id_token: string; scope: string };
      assert.ok(tokens.refresh_token && !masked.includes(tokens.refresh_token) && !masked.includes(tokens.id_token));
      assert.match(tokens.scope, /offline_access/);
      const curl = (await tokenStep.locator('pre.curl-revealed').textContent()) ?? '';
      assert.match(curl, new RegExp(`^curl -i \\\\\\n  -X POST \\\\\\n  '${server.url}/token'`));
      assert.match(curl, /grant_type=authorization_code/);
      assert.match(curl, /code_verifier=/);
      assert.equal(await page.locator('li.exchange').nth(0).locator('pre.curl').count(), 0, 'no curl for a browser step');
      const authUrl = (await page.locator('li.exchange').nth(0).locator('pre.request-revealed').textContent()) ?? '';
      assert.match(authUrl, /code_challenge_method=S256/);
      assert.match(authUrl, /prompt=consent/);

      await page.click('#refresh button');
      await page.waitForSelector('li.exchange:nth-child(6)');
      shown = await shownExchanges(page);
      assert.equal(`${shown[5].method} ${shown[5].path} ${shown[5].status}`, 'POST /token 200');
      const refreshRequest = (await page.locator('li.exchange').nth(5).locator('pre.request-revealed').textContent()) ?? '';
      assert.ok(
        refreshRequest.includes(`refresh_token=${encodeURIComponent(tokens.refresh_token)}`),
        'the refresh used the token issued above',
      );
      assert.match((await page.textContent('#status')) ?? '', /Refreshed/);
      assertShownAreLogged(shown, since());
      firstRun = await context.newPage();
      await firstRun.goto(page.url());
    });

    it('authorization code + PKCE plain (single sign-on: no password asked again, consent asked again)', async () => {
      const since = logFrom();
      await page.goto(`${server.url}/playground`);
      await page.check('#flow-code input[value=plain]');
      await page.click('#flow-code button[type=submit]');
      await page.click('button[name=decision][value=allow]');
      assert.equal(await waitForStatus(page), 'true');
      const authUrl = (await page.locator('li.exchange').nth(0).locator('pre.request-revealed').textContent()) ?? '';
      assert.match(authUrl, /code_challenge_method=plain/);
      assertShownAreLogged(await shownExchanges(page), since());
    });

    it('authorization code, denied: the run ends with access_denied and nothing is redeemed', async () => {
      const since = logFrom();
      await page.goto(`${server.url}/playground`);
      await page.click('#flow-code button[type=submit]');
      await page.click('button[name=decision][value=deny]');
      assert.equal(await waitForStatus(page), 'false');
      assert.match((await page.textContent('#status')) ?? '', /access_denied/);
      const shown = await shownExchanges(page);
      assert.deepEqual(
        shown.map((e) => `${e.method} ${e.path}`),
        ['GET /auth', 'GET /playground/callback'],
      );
      assertShownAreLogged(shown, since());
    });

    it('client credentials', async () => {
      const since = logFrom();
      await page.goto(`${server.url}/playground`);
      await page.click('#flow-client_credentials button[type=submit]');
      assert.equal(await waitForStatus(page), 'true');
      const shown = await shownExchanges(page);
      assert.deepEqual(
        shown.map((e) => `${e.channel} ${e.method} ${e.path} ${e.status}`),
        ['back-channel POST /token 200', 'back-channel GET /jwks 200'],
      );
      assert.equal(await page.locator('.jwt[data-name=access_token]').getAttribute('data-signature'), 'verified');
      assertShownAreLogged(shown, since());
    });

    it('device flow: user code and QR code, the person approves in another browser, polling ends in tokens', async () => {
      const since = logFrom();
      await page.goto(`${server.url}/playground`);
      await page.click('#flow-device button[type=submit]');
      const userCode = (await page.textContent('#user-code'))?.trim() ?? '';
      assert.match(userCode, /^[A-Z]{4}-[A-Z]{4}$/);
      assert.match((await page.getAttribute('#qr', 'src')) ?? '', /^data:image\/png;base64,/);
      const complete = (await page.getAttribute('#verification-uri-complete', 'href')) ?? '';
      assert.equal(complete, `${server.url}/device?user_code=${userCode}`);

      // The person, on another device: a second browser context, signed in there.
      const phone = await browser.newContext();
      const other = await phone.newPage();
      await other.goto(complete);
      await other.click('.device-code-submit');
      await signIn(other);
      await other.click('.consent-allow');
      await other.waitForSelector('text=Device connected');
      await phone.close();

      assert.equal(await waitForStatus(page), 'true', (await page.textContent('#status')) ?? '');
      const shown = await shownExchanges(page);
      assert.equal(`${shown[0].method} ${shown[0].path} ${shown[0].status}`, 'POST /device/auth 200');
      const polls = shown.filter((e) => e.path === '/token');
      assert.ok(polls.length >= 2, 'at least one pending poll before the approval');
      assert.equal(polls.at(-1)!.status, '200');
      assert.ok(polls.slice(0, -1).every((p) => p.status === '400'));
      assertShownAreLogged(shown, since());
    });

    it('a changed or replayed state: a readable error page (400), never a 500', async () => {
      // The code flow of the first test came back to this callback; its state is used up.
      const callback = ((await firstRun.locator('li.exchange').nth(1).locator('pre.request-revealed').textContent()) ?? '').split('\n')[0];
      const received = new URL(callback.split(' ')[1], server.url);
      assert.ok(received.searchParams.get('state')?.startsWith('pg.'));
      for (const state of [received.searchParams.get('state')!, `${received.searchParams.get('state')}x`, 'pg.forged']) {
        received.searchParams.set('state', state);
        const response = await page.goto(received.toString());
        assert.equal(response?.status(), 400);
        assert.equal(await page.title(), 'This request cannot be completed');
        assert.match((await page.textContent('.error-description')) ?? '', /state of this response matches no flow this browser started/);
      }
    });

    it('the walkthrough client web_application redirects to the playground, which shows the code', async () => {
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: 'web_application',
        redirect_uri: `${server.url}/playground/callback`,
        scope: 'openid',
        state: 'walkthrough-state',
      });
      await page.goto(`${server.url}/auth?${params.toString()}`);
      await page.click('button[name=decision][value=allow]');
      await page.waitForSelector('#callback-params');
      const shown = JSON.parse((await page.textContent('#callback-params')) ?? '{}') as Record<string, string>;
      assert.equal(shown.state, 'walkthrough-state');
      assert.ok(shown.code);
    });

    it('the pages ran without a single Content-Security-Policy violation', () => {
      assert.deepEqual(cspViolations, []);
    });
  });
}
