import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { DATABASES, createTestDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.js';
import { TEST_SECRET, freePort } from '../support/test-provider.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices, type Services } from '../../src/app/create-services.js';
import { buildApp } from '../../src/app/build-app.js';
import { seedFromConfig } from '../../src/seed/seed-from-config.js';

const SERVICE = {
  client_id: 'service',
  client_secret: 'service-secret-service-secret',
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_post',
};
const WEB = {
  client_id: 'web',
  client_secret: 'web-secret-web-secret-web',
  redirect_uris: ['https://web.example/cb'],
  grant_types: ['authorization_code'],
  response_types: ['code'],
};

/**
 * PostgreSQL goes away for one provider (its connections go through a proxy the test cuts),
 * while the shared server keeps serving every other test.
 */
describe('PostgreSQL unavailable', { skip: !DATABASES.includes('postgres') && 'PostgreSQL is not in TEST_DATABASES' }, () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let services: Services;
  let app: FastifyInstance;
  let url: string;
  before(async () => {
    database = await createTestDatabase('postgres');
    proxy = await startTcpProxy(Number(new URL(POSTGRES_URL).port || 5432));
    const port = await freePort();
    const proxied = new URL(POSTGRES_URL);
    proxied.port = String(proxy.port);
    const config = loadConfig({
      env: {},
      overrides: {
        issuer: `http://127.0.0.1:${port}`,
        port,
        databaseUrl: proxied.toString(),
        secret: TEST_SECRET,
        logLevel: 'silent',
        clients: [SERVICE, WEB],
      },
    });
    services = await createServices(config, { schema: database.schema });
    await seedFromConfig(services);
    app = await buildApp(services);
    await app.listen({ port, host: '127.0.0.1' });
    url = config.issuer;
  });
  after(async () => {
    await app.close();
    await services.close();
    await proxy.close();
    await database.drop();
  });

  const token = () =>
    fetch(`${url}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: SERVICE.client_id, client_secret: SERVICE.client_secret }),
    });

  it('answers /readyz 503 and requests with a JSON or HTML 503, stays up, and recovers by itself', async () => {
    assert.equal((await token()).status, 200);
    assert.equal((await fetch(`${url}/readyz`)).status, 200);

    await proxy.down();
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { status: string }).status, 'unavailable');
    // The process is up: liveness stays 200, so an orchestrator does not restart it for the database's sake.
    assert.equal((await fetch(`${url}/healthz`)).status, 200);

    for (let i = 0; i < 3; i++) {
      const refused = await token();
      assert.equal(refused.status, 503);
      assert.equal(refused.headers.get('cache-control'), 'no-store');
      const body = (await refused.json()) as { error: string; error_description: string };
      assert.equal(body.error, 'temporarily_unavailable');
      assert.doesNotMatch(body.error_description, /ECONN|127\.0\.0\.1|postgres/i);
    }
    // A page a person sees says so as a page.
    const query = new URLSearchParams({ response_type: 'code', client_id: 'web', redirect_uri: 'https://web.example/cb', scope: 'openid' });
    const page = await fetch(`${url}/auth?${query}`, { redirect: 'manual' });
    assert.equal(page.status, 503);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);

    await proxy.up();
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    assert.equal((await token()).status, 200);
  });

  it('recovers from connections killed under it (as after a PostgreSQL restart or failover)', async () => {
    assert.equal((await token()).status, 200);
    await proxy.down();
    await proxy.up();
    // The pool may hand out one dead connection; no answer is a 500, and service resumes at once.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await token()).status);
    assert.ok(
      statuses.every((s) => s === 200 || s === 503),
      statuses.join(','),
    );
    assert.equal(statuses.at(-1), 200);
  });
});
