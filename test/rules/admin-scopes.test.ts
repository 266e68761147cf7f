import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '../../src/clients/client.js';
import { scopesForPerson } from '../../src/rules/admin-scopes.js';
import { allowedScopes, offeredScopes } from '../../src/rules/scope.js';

const client = (metadata: Partial<Client['metadata']>) => ({ clientId: 'c', metadata, origin: 'config' }) as unknown as Client;

describe('admin scopes', () => {
  const known = offeredScopes([]);
  it('are offered, but allowed only to clients whose admin_scopes name them', () => {
    assert.ok(known.has('admin:read') && known.has('admin:write'));
    assert.ok(!allowedScopes(client({}), known).has('admin:read'));
    assert.ok(!allowedScopes(client({ scope: 'openid admin:read' }), known).has('admin:read'), 'scope metadata alone is not enough');
    const allowed = allowedScopes(client({ scope: 'openid', admin_scopes: ['admin:read'] }), known);
    assert.deepEqual([...allowed].sort(), ['admin:read', 'openid']);
  });

  it('are granted to people with the admin role only', () => {
    assert.deepEqual(scopesForPerson(['openid', 'admin:read', 'admin:write'], []), ['openid']);
    assert.deepEqual(scopesForPerson(['openid', 'admin:read'], ['admin']), ['openid', 'admin:read']);
  });
});
