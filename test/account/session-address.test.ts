import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { browse, CookieJar, parseForms } from '../support/browser-less.js';
import { ALICE, tokenTestConfig } from '../support/token-fixtures.js';

/**
 * A session remembers the address it signed in from as the server's trustProxy setting reads
 * it: X-Forwarded-For only behind a proxy the operator declared, else the connection's own.
 */
for (const trustProxy of [false, true]) {
  describe(`the address a session records (trustProxy ${trustProxy})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ config: tokenTestConfig({ trustProxy }) });
    });
    after(() => server.close());

    it(trustProxy ? 'is the forwarded client address' : 'is the connection’s, whatever X-Forwarded-For says', async () => {
      const jar = new CookieJar();
      const headers = { 'x-forwarded-for': '203.0.113.9', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0' };
      const form = parseForms(await (await browse(jar, `${server.url}/login`, { headers })).text())[0];
      const response = await browse(jar, form.action, {
        form: { ...form.fields, login: ALICE.username, password: ALICE.password },
        headers,
      });
      assert.equal(response.status, 200);
      const user = await server.services.users.findByUsername(ALICE.username);
      const [session] = await server.services.sessions.listOfUser(user!.id);
      assert.equal(session.address, trustProxy ? '203.0.113.9' : '127.0.0.1');
      assert.equal(session.userAgent, headers['user-agent']);
      const page = await (await browse(jar, `${server.url}/account/sessions`, { headers })).text();
      assert.match(page, /Firefox on Linux/);
    });
  });
}
