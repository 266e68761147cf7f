import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { buildApp } from '../../src/app/build-app.js';
import { openDatabase, ping } from '../../src/storage/database.js';

const CLIENT = { client_id: 'basic-client', client_secret: 'basic-client-secret', grant_types: ['client_credentials'] };

/** A response body must never carry internals. */
function assertNoInternals(text: string): void {
  assert.doesNotMatch(text, /\n\s+at |node_modules|\/src\/|stack/i);
}

for (const database of DATABASES) {
  describe(`HTTP basics (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { bodyLimit: 2048, clients: [CLIENT] } });
    });
    after(() => server.close());

    it('/healthz answers while the process is up', async () => {
      const response = await fetch(`${server.url}/healthz`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ok' });
      assert.equal(response.headers.get('cache-control'), 'no-store');
    });

    it('/readyz answers 200 when the database is reachable', async () => {
      const response = await fetch(`${server.url}/readyz`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { status: 'ready' });
    });

    it('/readyz answers 503 JSON when the database is not reachable', async () => {
      // The same services, but readiness asks a pool at a port where no database listens.
      const unreachable = openDatabase('postgres://postgres@127.0.0.1:1/test');
      const app = await buildApp({ ...server.services, ping: () => ping(unreachable) });
      try {
        const response = await app.inject({ method: 'GET', url: '/readyz' });
        assert.equal(response.statusCode, 503);
        assert.match(response.headers['content-type'] as string, /^application\/json/);
        assert.equal(response.json().error, 'temporarily_unavailable');
        assertNoInternals(response.body);
      } finally {
        await app.close();
        await unreachable.destroy();
      }
    });

    it('unknown routes are 404 JSON', async () => {
      const response = await fetch(`${server.url}/nope?secret=1`);
      assert.equal(response.status, 404);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await response.json()) as Record<string, string>;
      assert.equal(body.error, 'invalid_request');
      assert.equal(body.error_description, 'no such endpoint: GET /nope');
    });

    it('an over-limit body is 413', async () => {
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&pad=${'x'.repeat(4096)}`,
      });
      assert.equal(response.status, 413);
      assert.equal(((await response.json()) as Record<string, string>).error, 'invalid_request');
    });

    it('JSON where the token endpoint expects a form is 400 invalid_request, not cached (RFC 6749 §3.2)', async () => {
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT.client_id, client_secret: CLIENT.client_secret }),
      });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as Record<string, string>;
      assert.equal(body.error, 'invalid_request');
      assert.match(body.error_description, /application\/x-www-form-urlencoded/);
    });

    it('malformed JSON and unknown content types are 400 invalid_request without internals', async () => {
      for (const [type, body] of [
        ['application/json', '{"grant_type":'],
        ['text/plain', 'grant_type=client_credentials'],
      ]) {
        const response = await fetch(`${server.url}/token`, { method: 'POST', headers: { 'content-type': type }, body });
        assert.equal(response.status, 400, type);
        const text = await response.text();
        assert.equal((JSON.parse(text) as Record<string, string>).error, 'invalid_request');
        assertNoInternals(text);
      }
    });

    it('a repeated parameter is invalid_request (RFC 6749 §3.2)', async () => {
      const credentials = `client_id=${CLIENT.client_id}&client_secret=${CLIENT.client_secret}`;
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&grant_type=client_credentials&${credentials}`,
      });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as Record<string, string>;
      assert.equal(body.error, 'invalid_request');
      assert.match(body.error_description, /grant_type must not be repeated/);
    });

    it('a wrong secret over Basic is 401 invalid_client with WWW-Authenticate (RFC 6749 §5.2)', async () => {
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${CLIENT.client_id}:wrong`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(((await response.json()) as Record<string, string>).error, 'invalid_client');
    });

    it('a wrong secret in the body is 401 invalid_client without a Basic challenge', async () => {
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${CLIENT.client_id}&client_secret=wrong`,
      });
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as Record<string, string>).error, 'invalid_client');
    });

    it('an undecodable form or a malformed Basic header is a 4xx, never a 500', async () => {
      const responses = await Promise.all([
        fetch(`${server.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=%E0%A4%A',
        }),
        fetch(`${server.url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic !!!' },
          body: 'grant_type=client_credentials',
        }),
      ]);
      for (const response of responses) {
        assert.ok(response.status >= 400 && response.status < 500, `status ${response.status}`);
        assertNoInternals(await response.text());
      }
    });
  });
}
