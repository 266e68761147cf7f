import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { seedPlaygroundClient } from '../../src/seed/seed-playground-client.js';

/** A browser's cookies, enough for these pages (name=value, no attributes). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }
}

function csrfOf(page: string): string {
  const match = /name="csrf_token" value="([^"]+)"/.exec(page);
  assert.ok(match, 'the page has a CSRF field');
  return match[1];
}

const form = (fields: Record<string, string> | [string, string][]) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

for (const database of DATABASES) {
  describe(`the playground outside dev mode (${database})`, () => {
    describe('not enabled (the default)', () => {
      let server: TestServer;
      before(async () => (server = await startTestServer({ database })));
      after(() => server?.close());

      for (const [method, path] of [
        ['GET', '/playground'],
        ['POST', '/playground/runs'],
        ['GET', '/playground/callback?code=x&state=pg.y'],
        ['GET', '/playground/runs/abc'],
      ]) {
        it(`${method} ${path.split('?')[0]} is 404`, async () => {
          const response = await fetch(`${server.url}${path}`, { method });
          assert.equal(response.status, 404);
          assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
        });
      }

      it('has no playground client', async () => {
        assert.equal(await server.services.clients.find('playground'), undefined);
        assert.equal(server.services.playground, undefined);
      });
    });

    describe('enabled with playground.enabled', () => {
      let server: TestServer;
      const browser = new CookieJar();
      let csrf: string;
      before(async () => {
        server = await startTestServer({ database, config: { playground: { enabled: true } } });
        const home = await browser.fetch(`${server.url}/playground`);
        assert.equal(home.status, 200);
        csrf = csrfOf(await home.text());
      });
      after(() => server?.close());

      it('serves the page with the page headers, and names no demo user', async () => {
        const response = await browser.fetch(`${server.url}/playground`);
        const page = await response.text();
        assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'none'/);
        assert.equal(response.headers.get('x-frame-options'), 'DENY');
        assert.doesNotMatch(page, /demo-password/);
      });

      it('registers its client with the playground callback as its only redirect URI', async () => {
        const client = await server.services.clients.find('playground');
        assert.equal(client?.origin, 'playground');
        assert.deepEqual(client?.metadata.redirect_uris, [`${server.url}/playground/callback`]);
      });

      it('runs client credentials: the secret masked on the page, shown when revealed', async () => {
        const started = await browser.fetch(`${server.url}/playground/runs`, form({ csrf_token: csrf, flow: 'client_credentials' }));
        assert.equal(started.status, 303);
        const page = await (await browser.fetch(new URL(started.headers.get('location')!, server.url).toString())).text();
        assert.match(page, /data-succeeded="true"/);
        const credential = Buffer.from(`playground:${server.services.playground!.clientSecret}`).toString('base64');
        const [shown, revealed] = page.split('class="reveal"');
        assert.ok(!shown.includes(credential) && !shown.includes(server.services.playground!.clientSecret));
        assert.ok(revealed.includes(`Authorization: Basic ${credential}`));
      });

      it('another browser cannot see a run (404 page)', async () => {
        const started = await browser.fetch(`${server.url}/playground/runs`, form({ csrf_token: csrf, flow: 'client_credentials' }));
        const response = await fetch(new URL(started.headers.get('location')!, server.url));
        assert.equal(response.status, 404);
        assert.match(await response.text(), /no such playground run in this browser/);
      });

      const badForms: [string, [string, string][], number, RegExp][] = [
        ['no CSRF token', [['flow', 'code']], 400, /form has expired or was not sent from this site/],
        ['an unknown flow', [['flow', 'implicit']], 400, /unknown flow &#34;implicit&#34;/],
        [
          'an unknown PKCE method',
          [
            ['flow', 'code'],
            ['pkce', 'S512'],
          ],
          400,
          /unknown PKCE method/,
        ],
        [
          'a repeated flow',
          [
            ['flow', 'code'],
            ['flow', 'device'],
          ],
          400,
          /sent more than once/,
        ],
      ];
      for (const [what, fields, status, message] of badForms) {
        it(`${what}: a readable error page (${status})`, async () => {
          const withCsrf = what === 'no CSRF token' ? fields : [...fields, ['csrf_token', csrf] as [string, string]];
          const response = await browser.fetch(`${server.url}/playground/runs`, form(withCsrf));
          assert.equal(response.status, status);
          assert.match(response.headers.get('content-type') ?? '', /text\/html/);
          assert.match(await response.text(), message);
        });
      }

      it('an unknown run: 404 page', async () => {
        const response = await browser.fetch(`${server.url}/playground/runs/no-such-run`);
        assert.equal(response.status, 404);
        assert.match(response.headers.get('content-type') ?? '', /text\/html/);
      });

      it('a forged playground state: 400 page', async () => {
        const response = await browser.fetch(
          `${server.url}/playground/callback?code=abc&state=pg.forged&iss=${encodeURIComponent(server.url)}`,
        );
        assert.equal(response.status, 400);
        assert.match(await response.text(), /state of this response matches no flow this browser started/);
      });

      it("another client's response: shown, escaped, and nothing redeemed", async () => {
        const response = await browser.fetch(`${server.url}/playground/callback?code=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=s`);
        assert.equal(response.status, 200);
        const page = await response.text();
        assert.doesNotMatch(page, /<script>/);
        assert.match(page, /&#60;script&#62;alert\(1\)/);
      });

      it('a code flow run is sent to /auth with PKCE, state, nonce, prompt=consent and offline_access', async () => {
        const started = await browser.fetch(`${server.url}/playground/runs`, form({ csrf_token: csrf, flow: 'code', pkce: 'S256' }));
        assert.equal(started.status, 303);
        const location = new URL(started.headers.get('location')!);
        assert.equal(`${location.origin}${location.pathname}`, `${server.url}/auth`);
        const params = location.searchParams;
        assert.equal(params.get('client_id'), 'playground');
        assert.equal(params.get('redirect_uri'), `${server.url}/playground/callback`);
        assert.equal(params.get('code_challenge_method'), 'S256');
        assert.equal(params.get('prompt'), 'consent');
        assert.match(params.get('scope') ?? '', /offline_access/);
        assert.ok(params.get('state')?.startsWith('pg.') && params.get('nonce'));
      });

      it('turned off again: the client is deleted at the next start, a config client of that name is not', async () => {
        const { services } = server;
        await seedPlaygroundClient({ config: services.config, clients: services.clients, playground: undefined });
        assert.equal(await services.clients.find('playground'), undefined);
        await services.clients.save({ client_id: 'playground', grant_types: ['client_credentials'], response_types: [] }, 'config');
        await seedPlaygroundClient({ config: services.config, clients: services.clients, playground: undefined });
        assert.equal((await services.clients.find('playground'))?.origin, 'config');
      });
    });
  });
}
