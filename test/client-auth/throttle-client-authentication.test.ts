import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';

const SERVICE = {
  client_id: 'service',
  client_secret: 'service-secret-service-secret',
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_post',
};

for (const database of DATABASES) {
  describe(`client secret guessing is throttled (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: { clients: [SERVICE], clientAuthentication: { maxFailuresPerAddress: 3, window: 600 } },
      });
    });
    after(() => server.close());

    const token = (secret: string) =>
      fetch(`${server.url}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'service', client_secret: secret }),
      });

    it('answers 429 with Retry-After after too many wrong secrets, before checking the secret', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await token(`guess-${i}`)).status, 401);
      const throttled = await token('guess-3');
      assert.equal(throttled.status, 429);
      assert.ok(Number(throttled.headers.get('retry-after')) > 0);
      assert.equal(((await throttled.json()) as { error: string }).error, 'invalid_request');
      // Even the right secret waits: the answer must not tell a guess from the secret.
      assert.equal((await token(SERVICE.client_secret)).status, 429);
      // The same counter guards introspection.
      const introspection = await fetch(`${server.url}/introspect`, {
        method: 'POST',
        body: new URLSearchParams({ token: 'x', client_id: 'service', client_secret: 'guess' }),
      });
      assert.equal(introspection.status, 429);
    });

    it('counts per client: another client is not affected', async () => {
      const other = await fetch(`${server.url}/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }),
      });
      assert.equal(other.status, 401);
    });
  });
}
