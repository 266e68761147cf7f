import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-provider.js';

// The page needs no storage: one database is enough.
for (const playground of [false, true]) {
  describe(`GET / (playground ${playground ? 'served' : 'not served'})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database: 'sqlite', config: { playground: { enabled: playground } } });
    });
    after(() => server.close());

    it('answers a browser with a page that says what this service is, under the pages\u2019 headers', async () => {
      const response = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      const page = await response.text();
      assert.match(page, /Sign-in service/);
      assert.ok(page.includes(`<code>${server.url}</code>`), 'names the issuer');
      assert.ok(page.includes(`href="${server.url}/.well-known/openid-configuration"`), 'links discovery');
      assert.equal(page.includes(`href="${server.url}/playground"`), playground, 'links the playground only where it is served');
    });

    it('keeps unknown paths a JSON 404', async () => {
      const response = await fetch(`${server.url}/nope`);
      assert.equal(response.status, 404);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
    });
  });
}
