import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { launchChromium } from '../support/chromium.js';

const ADMIN = { username: 'ada', password: 'ada-password', claims: { name: 'Ada Admin', email: 'ada@example.com' } };
const PERSON = { username: 'bob', password: 'bob-password', claims: { name: 'Bob Example' } };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page (injected through the debugging protocol: the console's CSP allows no script) and fails on serious or critical findings. */
async function assertAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document)).violations;
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
    `${what} has serious or critical accessibility findings`,
  );
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!process.env.UPDATE_SCREENSHOTS) return;
  mkdirSync('docs/images', { recursive: true });
  await page.screenshot({ path: `docs/images/${name}`, fullPage: true });
}

/** Each page of the admin console, used by a person in headless Chromium, on both databases. */
for (const database of DATABASES) {
  describe(`the admin console in Chromium (${database})`, () => {
    let server: TestServer;
    let browser: Browser;
    const shots = database === 'sqlite';

    before(async () => {
      server = await startTestServer({
        database,
        config: {
          users: [ADMIN, PERSON],
          clients: [
            {
              client_id: 'shop',
              client_secret: 'shop-secret-shop-secret-shop-secret',
              client_name: 'The shop',
              redirect_uris: ['https://shop.example.com/callback'],
              grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
            },
          ],
        },
      });
      const admin = await server.services.users.findByUsername(ADMIN.username);
      await server.services.users.setRoles(admin!.id, ['admin']);
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });

    /** A new browser that opens the console and signs in as `user` (allowing the console if asked). */
    async function signIn(user: { username: string; password: string }, path = '/admin'): Promise<Page> {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}${path}`);
      assert.equal(await page.title(), 'Sign in');
      await page.fill('input[name=login]', user.username);
      await page.fill('input[name=password]', user.password);
      await page.click('.login-submit');
      await page.waitForURL(
        (url) => url.pathname.startsWith('/admin') || url.pathname.startsWith('/auth') || url.pathname.startsWith('/consent'),
      );
      if (await page.locator('button.consent-allow').count()) await page.click('button.consent-allow');
      await page.waitForURL((url) => url.pathname.startsWith('/admin') && url.pathname !== '/admin/callback');
      return page;
    }

    it('refuses a person without the admin role with a page that says so', async () => {
      const page = await signIn(PERSON);
      assert.equal(await page.title(), 'You are not an administrator · Tessera admin');
      assert.equal(new URL(page.url()).pathname, '/admin/not-an-administrator');
      await assertAccessible(page, 'the not-an-administrator page');
      await page.goto(`${server.url}/admin/clients`);
      assert.notEqual(await page.title(), 'Clients · Tessera admin');
      await page.context().close();
    });

    it('sends a browser without a console session to sign in, and back to the page it asked for', async () => {
      const page = await signIn(ADMIN, '/admin/keys');
      assert.equal(new URL(page.url()).pathname, '/admin/keys');
      assert.equal(await page.title(), 'Signing keys · Tessera admin');
      // No token in the URL, none readable by scripts.
      assert.doesNotMatch(page.url(), /token|code=/);
      assert.equal(await page.evaluate(() => document.cookie), '');
      await page.context().close();
    });

    it('creates a client and shows its secret once; the secret works; edits, rotates, deletes', async () => {
      const page = await signIn(ADMIN);
      assert.equal(await page.title(), 'Clients · Tessera admin');
      assert.equal(await page.locator('table.clients a', { hasText: 'The shop' }).count(), 1);
      if (shots) await screenshot(page, 'admin-clients.png');
      await assertAccessible(page, 'the clients list');

      await page.click('a.new-client');
      await assertAccessible(page, 'the new client form');
      await page.fill('#client_name', 'Billing worker');
      await page.fill('#redirect_uris', '');
      await page.uncheck('input[value=authorization_code]');
      await page.uncheck('input[value=refresh_token]');
      await page.check('input[value=client_credentials]');
      await page.click('.client-form button[type=submit]');
      await page.waitForURL(/\/admin\/clients\/[^/]+\/secret$/);
      const secret = await page.inputValue('#client-secret');
      const clientId = decodeURIComponent(new URL(page.url()).pathname.split('/')[3]);
      assert.ok(secret.length >= 32, 'a long random secret');
      if (shots) await screenshot(page, 'admin-client-secret.png');
      await assertAccessible(page, 'the copy-once secret page');

      // The secret authenticates the new client at the token endpoint.
      const token = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      assert.equal(token.status, 200);

      // Shown once: a reload no longer has it.
      await page.reload();
      assert.equal(await page.locator('#client-secret').count(), 0);
      assert.match((await page.textContent('main')) ?? '', /no longer shown/);

      // Edit: the name changes.
      await page.goto(`${server.url}/admin/clients/${encodeURIComponent(clientId)}`);
      await assertAccessible(page, 'the client page');
      await page.fill('#client_name', 'Billing worker (EU)');
      await page.click('.client-form button[type=submit]');
      await page.waitForURL(`${server.url}/admin/clients/${encodeURIComponent(clientId)}`);
      assert.equal(await page.inputValue('#client_name'), 'Billing worker (EU)');

      // Rotate: a new secret, and the old one no longer works.
      await page.click('button.rotate-secret');
      await page.waitForURL(/\/secret$/);
      const rotated = await page.inputValue('#client-secret');
      assert.notEqual(rotated, secret);
      const old = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      assert.equal(old.status, 401);

      // Delete, after a confirmation page.
      await page.goto(`${server.url}/admin/clients/${encodeURIComponent(clientId)}`);
      await page.click('a.delete-client');
      await assertAccessible(page, 'the delete confirmation');
      await page.click('button.confirm-delete');
      await page.waitForURL(`${server.url}/admin/clients`);
      assert.equal(await server.services.clients.find(clientId), undefined);
      await page.context().close();
    });

    it('keeps a form and says "changed by someone else" when another administrator saved first (412)', async () => {
      const first = await signIn(ADMIN, '/admin/clients/shop');
      const second = await signIn(ADMIN, '/admin/clients/shop');
      await second.fill('#client_name', 'The shop (second)');
      await second.click('.client-form button[type=submit]');
      await second.waitForLoadState();
      await first.fill('#client_name', 'The shop (first)');
      await first.click('.client-form button[type=submit]');
      await first.waitForSelector('.problem');
      assert.match((await first.textContent('.problem')) ?? '', /Someone else changed this/);
      assert.equal(await first.inputValue('#client_name'), 'The shop (first)', 'the typed value is kept');
      assert.equal((await server.services.clients.find('shop'))?.metadata.client_name, 'The shop (second)');
      await assertAccessible(first, 'the client page with a problem');
      // Shown a bad input as the validator's problem, in the form.
      await first.goto(`${server.url}/admin/clients/shop`);
      await first.fill('#redirect_uris', 'http://not-loopback.example.com/cb');
      await first.click('.client-form button[type=submit]');
      await first.waitForSelector('.problem');
      assert.match((await first.textContent('.problem')) ?? '', /https/);
      await first.context().close();
      await second.context().close();
    });

    it('creates a user, edits claims, sets a password, disables and enables the account', async () => {
      const page = await signIn(ADMIN, '/admin/users');
      if (shots) await screenshot(page, 'admin-users.png');
      await assertAccessible(page, 'the users list');
      await page.click('a.new-user');
      await assertAccessible(page, 'the new user form');
      await page.fill('#username', 'carol');
      await page.fill('#name', 'Carol Example');
      await page.fill('#email', 'carol@example.com');
      await page.fill('#password', 'carol-password-1');
      await page.click('.user-form button[type=submit]');
      await page.waitForURL(/\/admin\/users\/[^/]+\?done=created$/);
      assert.match((await page.textContent('.notice')) ?? '', /created/);
      const carol = await server.services.users.findByUsername('carol');
      assert.equal(carol?.claims.name, 'Carol Example');
      assert.ok(await server.services.users.authenticate('carol', 'carol-password-1'));

      await page.fill('#claims', JSON.stringify({ name: 'Carol Q. Example', email: 'carol@example.com' }));
      await page.click('.claims-form button[type=submit]');
      await page.waitForURL(/done=saved$/);
      assert.equal((await server.services.users.findByUsername('carol'))?.claims.name, 'Carol Q. Example');
      // Not JSON: said in the page, the text kept.
      await page.fill('#claims', '{ name: oops');
      await page.click('.claims-form button[type=submit]');
      await page.waitForSelector('.problem');
      assert.equal(await page.inputValue('#claims'), '{ name: oops');

      await page.fill('#new-password', 'carol-password-2');
      await page.click('.password-form button[type=submit]');
      await page.waitForURL(/done=password$/);
      assert.ok(await server.services.users.authenticate('carol', 'carol-password-2'));

      await page.click('button.toggle-disabled');
      await page.waitForURL(/done=disabled$/);
      assert.match((await page.textContent('h1')) ?? '', /Disabled/);
      assert.ok((await server.services.users.findByUsername('carol'))?.disabledAt);
      await assertAccessible(page, 'the user page');
      await page.click('button.toggle-disabled');
      await page.waitForURL(/done=enabled$/);
      assert.equal((await server.services.users.findByUsername('carol'))?.disabledAt, null);
      await page.context().close();
    });

    it("lists a user's sessions and signs one out", async () => {
      const bobs = await signIn(PERSON); // bob's own browser: one session
      const page = await signIn(ADMIN, '/admin/users?q=bob');
      await page.click('table.users a:text-is("bob")');
      await page.waitForSelector('table.sessions');
      // Bob has signed in in two browsers by now (here, and in the refused console sign-in): sign out each.
      const open = await page.locator('tr.session').count();
      assert.ok(open >= 1);
      if (shots) await screenshot(page, 'admin-user.png');
      for (let left = open; left > 0; left--) {
        await page.locator('tr.session button.revoke-session').first().click();
        await page.waitForURL(/done=session$/);
        assert.equal(await page.locator('tr.session').count(), left - 1);
        assert.match((await page.textContent('.notice')) ?? '', /signed out/);
      }
      // Bob's browser is signed out.
      await bobs.goto(`${server.url}/account`);
      assert.equal(await bobs.title(), 'Sign in');
      await bobs.context().close();
      await page.context().close();
    });

    it('rotates the signing key', async () => {
      const page = await signIn(ADMIN, '/admin/keys');
      const before = await page.locator('tr.key').count();
      await assertAccessible(page, 'the keys page');
      await page.click('button.rotate-key');
      await page.waitForURL(/done=rotated$/);
      assert.equal(await page.locator('tr.key').count(), before + 1);
      if (shots) await screenshot(page, 'admin-keys.png');
      await page.context().close();
    });

    it('filters the audit log and shows an event in detail', async () => {
      const page = await signIn(ADMIN, '/admin/audit');
      assert.ok((await page.locator('tr.audit-event').count()) > 0);
      await assertAccessible(page, 'the audit log');
      await page.fill('#f-event', 'signin.*');
      await page.click('.audit-filters button[type=submit]');
      await page.waitForURL(/event=signin/);
      const events = page.locator('tr.audit-event td:nth-child(2)');
      assert.ok((await events.count()) > 0);
      for (const event of await events.allTextContents()) assert.match(event, /^signin\./);
      await page.locator('tr.audit-event summary').first().click();
      assert.match((await page.locator('tr.audit-event pre').first().textContent()) ?? '', /signin\./);
      if (shots) await screenshot(page, 'admin-audit.png');
      await page.context().close();
    });

    it('works from the keyboard: Tab reaches the Users link and Enter opens it', async () => {
      const page = await signIn(ADMIN);
      let focused = '';
      for (let i = 0; i < 10 && focused !== 'Users'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
      }
      assert.equal(focused, 'Users');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${server.url}/admin/users`);
      await page.context().close();
    });

    it('signs out of the console', async () => {
      const page = await signIn(ADMIN);
      await page.click('button.sign-out');
      await page.waitForURL(`${server.url}/admin/signed-out`);
      await assertAccessible(page, 'the signed-out page');
      // The console asks for a sign-in again (the Tessera session signs it in without a form).
      await page.goto(`${server.url}/admin/clients`);
      assert.equal(await page.title(), 'Clients · Tessera admin');
      await page.context().close();
    });
  });
}
