import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { adminTestConfig } from './admin-fixtures.js';

describe('admin API OpenAPI document', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ database: 'sqlite', config: adminTestConfig(), listen: false });
  });
  after(() => server.close());

  it('is a valid OpenAPI 3.1 document that names every registered admin route and the scope it needs', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/admin/v1/openapi.json' });
    assert.equal(response.statusCode, 200);
    const doc = response.json();
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
    assert.equal(doc.openapi, '3.1.0');

    const documented = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown }>>))
      for (const [method, operation] of Object.entries(operations)) {
        documented.add(`${method.toUpperCase()} ${path}`);
        if (path !== '/admin/v1/openapi.json')
          assert.deepEqual(operation.security, [{ tessera: [method === 'get' ? 'admin:read' : 'admin:write'] }], `${method} ${path}`);
      }
    const routes: string[] = [];
    // Every route of the contract (contracts.md) that Fastify has registered, and no HEAD twin missing.
    for (const route of adminRoutes(server)) routes.push(route);
    assert.equal(routes.length, 27, `found ${routes.length} routes: ${routes.join(', ')}`);
    assert.equal(documented.size, routes.length, 'nothing documented that is not served');
    for (const route of routes) assert.ok(documented.has(route), `${route} is in the document`);
  });
});

function adminRoutes(server: TestServer): string[] {
  const found: string[] = [];
  const methods = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'];
  // The routes contracts.md lists, as OpenAPI writes them.
  const candidates = [
    '/admin/v1/clients',
    '/admin/v1/clients/{client_id}',
    '/admin/v1/clients/{client_id}/secret',
    '/admin/v1/users',
    '/admin/v1/users/{id}',
    '/admin/v1/users/{id}/password',
    '/admin/v1/users/{id}/disable',
    '/admin/v1/users/{id}/enable',
    '/admin/v1/users/{id}/mfa',
    '/admin/v1/users/{id}/identities',
    '/admin/v1/users/{id}/sessions',
    '/admin/v1/sessions/{sid}',
    '/admin/v1/grants',
    '/admin/v1/grants/{id}',
    '/admin/v1/keys',
    '/admin/v1/keys/rotate',
    '/admin/v1/keys/{kid}/retire',
    '/admin/v1/initial-access-tokens',
    '/admin/v1/initial-access-tokens/{id}',
    '/admin/v1/audit',
    '/admin/v1/openapi.json',
  ];
  for (const path of candidates)
    for (const method of methods) {
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      if (server.app.hasRoute({ method, url })) found.push(`${method} ${path}`);
    }
  return found;
}
