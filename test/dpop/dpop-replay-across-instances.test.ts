import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../src/app/create-services.js';
import { buildApp } from '../../src/app/build-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { seedFromConfig } from '../../src/seed/seed-from-config.js';
import { createTestDatabase, DATABASES, type TestDatabase } from '../support/databases.js';
import { TEST_SECRET } from '../support/test-provider.js';
import { dpopKey, dpopProof } from '../support/dpop-fixtures.js';

const ISSUER = 'https://login.example';
const SVC = {
  client_id: 'svc',
  client_secret: 'svc-secret-svc-secret',
  token_endpoint_auth_method: 'client_secret_post',
  grant_types: ['client_credentials'],
  response_types: [],
};

/** Two instances of one deployment: the same issuer, secret and PostgreSQL database. */
describe('DPoP replay across instances (postgres)', { skip: !DATABASES.includes('postgres') }, () => {
  let database: TestDatabase;
  const instances: { services: Services; app: FastifyInstance }[] = [];
  before(async () => {
    database = await createTestDatabase('postgres');
    for (let i = 0; i < 2; i++) {
      const config = loadConfig({
        env: {},
        overrides: { issuer: ISSUER, databaseUrl: database.url, secret: TEST_SECRET, logLevel: 'silent', clients: [SVC] },
      });
      const services = await createServices(config, { schema: database.schema });
      await seedFromConfig(services);
      const app = await buildApp(services);
      await app.ready();
      instances.push({ services, app });
    }
  });
  after(async () => {
    for (const { app, services } of instances) {
      await app.close();
      await services.close();
    }
    await database.drop();
  });

  const token = (app: FastifyInstance, proof: string) =>
    app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: proof },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: SVC.client_id,
        client_secret: SVC.client_secret,
      }).toString(),
    });

  it('refuses at the second instance a proof the first one accepted', async () => {
    const proof = await dpopProof(await dpopKey(), { htu: `${ISSUER}/token` });
    const first = await token(instances[0].app, proof);
    assert.equal(first.statusCode, 200, first.body);
    const replay = await token(instances[1].app, proof);
    assert.equal(replay.statusCode, 400);
    assert.equal(replay.json().error, 'invalid_dpop_proof');
    assert.match(replay.json().error_description, /used before/);
  });

  it('checks htu against the issuer, not the Host the request came to', async () => {
    const key = await dpopKey();
    // The request reaches the instance as http://localhost:80 (inject's Host): behind a proxy the issuer decides.
    assert.equal((await token(instances[1].app, await dpopProof(key, { htu: 'http://localhost/token' }))).statusCode, 400);
    assert.equal((await token(instances[1].app, await dpopProof(key, { htu: 'https://LOGIN.example:443/token' }))).statusCode, 200);
  });
});
