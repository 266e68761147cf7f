import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices, type Services } from '../../src/app/create-services.js';
import { buildApp } from '../../src/app/build-app.js';
import { seedFromConfig } from '../../src/seed/seed-from-config.js';
import { createTestDatabase, DATABASES, type TestDatabase } from '../support/databases.js';
import { TEST_SECRET } from '../support/test-provider.js';
import { AUTHORIZE_CLIENTS, S256_CHALLENGE } from '../support/authorize-fixtures.js';

/**
 * RFC 9126 across processes: a request pushed to one instance is used at another, once. Two
 * provider instances (services and app each) share one PostgreSQL database and one issuer, as
 * behind a load balancer.
 */
describe('a pushed request crosses instances on PostgreSQL', { skip: !DATABASES.includes('postgres') }, () => {
  let database: TestDatabase;
  const instances: { services: Services; app: FastifyInstance }[] = [];
  before(async () => {
    database = await createTestDatabase('postgres');
    for (let i = 0; i < 2; i++) {
      const config = loadConfig({
        env: {},
        overrides: {
          issuer: 'https://id.example',
          databaseUrl: database.url,
          secret: TEST_SECRET,
          logLevel: 'silent',
          clients: AUTHORIZE_CLIENTS,
        },
      });
      const services = await createServices(config, { schema: database.schema });
      if (i === 0) await seedFromConfig(services);
      instances.push({ services, app: await buildApp(services) });
    }
  });
  after(async () => {
    for (const { app, services } of instances) {
      await app.close();
      await services.close();
    }
    await database.drop();
  });

  const auth = (i: number, requestUri: string) =>
    instances[i].app.inject({ method: 'GET', url: '/auth', query: { client_id: 'web', request_uri: requestUri } });

  it('pushed to instance A, used at instance B, refused when replayed at A', async () => {
    const pushed = await instances[0].app.inject({
      method: 'POST',
      url: '/par',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('web:web-secret-web-secret-web-secret').toString('base64')}`,
      },
      payload: new URLSearchParams({
        response_type: 'code',
        scope: 'openid',
        redirect_uri: 'https://rp.example/cb',
        code_challenge: S256_CHALLENGE,
        code_challenge_method: 'S256',
      }).toString(),
    });
    assert.equal(pushed.statusCode, 201, pushed.body);
    const { request_uri } = pushed.json<{ request_uri: string }>();
    const used = await auth(1, request_uri);
    assert.equal(used.statusCode, 303);
    assert.match(used.headers.location as string, /\/login\?/);
    const replayed = await auth(0, request_uri);
    assert.equal(replayed.statusCode, 400);
    assert.match(replayed.body, /invalid_request_uri/);
  });

  it('two instances racing for one request_uri: exactly one wins', async () => {
    const pushed = await instances[1].app.inject({
      method: 'POST',
      url: '/par',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('web:web-secret-web-secret-web-secret').toString('base64')}`,
      },
      payload: `response_type=code&scope=openid&redirect_uri=${encodeURIComponent('https://rp.example/cb')}&code_challenge=${S256_CHALLENGE}&code_challenge_method=S256`,
    });
    const { request_uri } = pushed.json<{ request_uri: string }>();
    const results = await Promise.all([auth(0, request_uri), auth(1, request_uri), auth(0, request_uri), auth(1, request_uri)]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [303, 400, 400, 400]);
  });
});
