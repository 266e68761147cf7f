import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { DEVICE_TEST_CONFIG, form } from '../support/device-fixtures.js';
import { hashToken } from '../../src/util/hashing.js';

const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

for (const database of DATABASES) {
  describe(`POST /device/auth (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: DEVICE_TEST_CONFIG });
    });
    after(() => server.close());

    it('answers the walkthrough request with the RFC 8628 §3.2 response', async () => {
      const response = await fetch(`${server.url}/device/auth`, form({ client_id: 'tv', scope: 'openid profile phone' }));
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), [
        'device_code',
        'expires_in',
        'interval',
        'user_code',
        'verification_uri',
        'verification_uri_complete',
      ]);
      assert.match(body.user_code as string, USER_CODE);
      assert.equal(body.verification_uri, `${server.url}/device`);
      assert.equal(body.verification_uri_complete, `${server.url}/device?user_code=${body.user_code as string}`);
      assert.equal(body.expires_in, 600);
      assert.equal(body.interval, 5);
      // §5.2: 32 random bytes, base64url
      assert.match(body.device_code as string, /^[A-Za-z0-9_-]{43}$/);
    });

    it('stores the device code hashed and the user code normalised', async () => {
      const body = (await (await fetch(`${server.url}/device/auth`, form({ client_id: 'tv', scope: 'openid' }))).json()) as Record<
        string,
        string
      >;
      const record = await server.services.deviceCodes.findByDeviceCode(hashToken(body.device_code));
      assert.ok(record);
      assert.equal(record.userCode, body.user_code.replace('-', ''));
      assert.equal(record.status, 'pending');
      assert.equal(record.scope, 'openid');
      const raw = await server.services.db.selectFrom('device_codes').selectAll().execute();
      assert.ok(raw.every((r) => r.device_code_hash !== body.device_code));
    });

    it('gives every request its own codes', async () => {
      const bodies = await Promise.all(
        Array.from(
          { length: 20 },
          async () => (await (await fetch(`${server.url}/device/auth`, form({ client_id: 'tv' }))).json()) as Record<string, string>,
        ),
      );
      assert.equal(new Set(bodies.map((b) => b.user_code)).size, 20);
      assert.equal(new Set(bodies.map((b) => b.device_code)).size, 20);
    });

    it('is listed in discovery with the device_code grant', async () => {
      const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(doc.device_authorization_endpoint, `${server.url}/device/auth`);
      assert.ok((doc.grant_types_supported as string[]).includes('urn:ietf:params:oauth:grant-type:device_code'));
    });

    it('authenticates confidential clients', async () => {
      const basic = `Basic ${Buffer.from('tv_confidential:tv-confidential-secret').toString('base64')}`;
      const ok = await fetch(`${server.url}/device/auth`, {
        ...form({ scope: 'openid' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      });
      assert.equal(ok.status, 200);

      const wrong = `Basic ${Buffer.from('tv_confidential:nope').toString('base64')}`;
      const refused = await fetch(`${server.url}/device/auth`, {
        ...form({ scope: 'openid' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: wrong },
      });
      assert.equal(refused.status, 401);
      assert.equal(((await refused.json()) as Record<string, string>).error, 'invalid_client');
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Basic/);

      const noSecret = await fetch(`${server.url}/device/auth`, form({ client_id: 'tv_confidential', scope: 'openid' }));
      assert.equal(noSecret.status, 401);
      assert.equal(((await noSecret.json()) as Record<string, string>).error, 'invalid_client');
    });

    it('refuses an unknown client with invalid_client', async () => {
      const response = await fetch(`${server.url}/device/auth`, form({ client_id: 'nobody', scope: 'openid' }));
      assert.equal(response.status, 401);
      assert.equal(((await response.json()) as Record<string, string>).error, 'invalid_client');
    });

    it('refuses a client without the device_code grant with unauthorized_client', async () => {
      const response = await fetch(
        `${server.url}/device/auth`,
        form({ client_id: 'service', client_secret: 'service-secret', scope: 'openid' }),
      );
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as Record<string, string>).error, 'unauthorized_client');
    });

    it('refuses unknown scopes and scopes outside the client registration with invalid_scope', async () => {
      for (const [clientId, scope] of [
        ['tv', 'openid launch_missiles'],
        ['tv_limited', 'openid email'],
      ]) {
        const response = await fetch(`${server.url}/device/auth`, form({ client_id: clientId, scope }));
        assert.equal(response.status, 400, `${clientId} ${scope}`);
        const body = (await response.json()) as Record<string, string>;
        assert.equal(body.error, 'invalid_scope');
        assert.equal(response.headers.get('cache-control'), 'no-store');
      }
      const allowed = await fetch(`${server.url}/device/auth`, form({ client_id: 'tv_limited', scope: 'openid profile' }));
      assert.equal(allowed.status, 200);
    });

    it('defaults a missing scope to the client registration', async () => {
      const body = (await (await fetch(`${server.url}/device/auth`, form({ client_id: 'tv_limited' }))).json()) as Record<string, string>;
      const record = await server.services.deviceCodes.findByDeviceCode(hashToken(body.device_code));
      assert.equal(record?.scope, 'openid profile');
    });

    it('insists on a form body and single parameters', async () => {
      const json = await fetch(`${server.url}/device/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"client_id":"tv"}',
      });
      assert.equal(json.status, 400);
      assert.equal(((await json.json()) as Record<string, string>).error, 'invalid_request');
      const repeated = await fetch(`${server.url}/device/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'client_id=tv&scope=openid&scope=profile',
      });
      assert.equal(repeated.status, 400);
      assert.equal(((await repeated.json()) as Record<string, string>).error, 'invalid_request');
    });

    it('answers cross-origin requests like the token endpoint (TV apps built on web runtimes)', async () => {
      const preflight = await fetch(`${server.url}/device/auth`, {
        method: 'OPTIONS',
        headers: { origin: 'https://tv.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.status, 204);
      assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
      const response = await fetch(`${server.url}/device/auth`, {
        ...form({ client_id: 'tv', scope: 'openid' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://tv.example' },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.equal(response.headers.get('access-control-allow-credentials'), null);
    });

    it('uses the configured lifetime and interval', async () => {
      const other = await startTestServer({ database, config: { ...DEVICE_TEST_CONFIG, ttl: { deviceCode: 2 }, device: { interval: 1 } } });
      try {
        const body = (await (await fetch(`${other.url}/device/auth`, form({ client_id: 'tv' }))).json()) as Record<string, number>;
        assert.equal(body.expires_in, 2);
        assert.equal(body.interval, 1);
      } finally {
        await other.close();
      }
    });
  });
}

/** Issue 12: /device/auth stored a row for every request in a public client's name, unthrottled. */
for (const database of DATABASES) {
  describe(`POST /device/auth is limited per public client and address (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: { ...DEVICE_TEST_CONFIG, device: { authorizationRequestsPerAddress: 3, authorizationRequestWindow: 600 } },
      });
    });
    after(() => server.close());

    const start = (clientId: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/device/auth`, {
        ...form({ client_id: clientId, scope: 'openid' }),
        headers: { ...form({}).headers, ...headers },
      });

    it('answers 429 with an OAuth error and Retry-After past the limit, before storing anything', async () => {
      const responses = await Promise.all(Array.from({ length: 5 }, () => start('tv')));
      assert.deepEqual(responses.map((r) => r.status).sort(), [200, 200, 200, 429, 429]);
      const refused = responses.find((r) => r.status === 429)!;
      assert.match(refused.headers.get('content-type') ?? '', /^application\/json/);
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      const body = (await refused.json()) as Record<string, string>;
      assert.equal(body.error, 'invalid_request');
      assert.match(body.error_description, /too many device authorization requests/);
      const rows = await server.services.db.selectFrom('device_codes').select('client_id').where('client_id', '=', 'tv').execute();
      assert.equal(rows.length, 3);
    });

    it('counts each public client apart, and does not limit confidential clients', async () => {
      assert.equal((await start('tv_no_refresh')).status, 200);
      const basic = { authorization: `Basic ${Buffer.from('tv_confidential:tv-confidential-secret').toString('base64')}` };
      for (let i = 0; i < 5; i++) assert.equal((await start('tv_confidential', basic)).status, 200);
    });
  });
}
