import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '../../src/clients/client.js';
import { allowedResources, checkResource } from '../../src/rules/resource.js';
import { InvalidTarget } from '../../src/protocol/oauth-errors.js';

describe('resource indicator (RFC 8707 §2)', () => {
  it('passes an absolute URI through, and no resource as undefined', () => {
    const allowed = ['https://api.example.com/v1', 'urn:example:api'];
    assert.equal(checkResource({ resource: 'https://api.example.com/v1' }, allowed), 'https://api.example.com/v1');
    assert.equal(checkResource({ resource: 'urn:example:api' }, allowed), 'urn:example:api');
    assert.equal(checkResource({}, allowed), undefined);
  });

  it('refuses a relative URI or one with a fragment, even an empty one, with invalid_target', () => {
    for (const resource of ['api/orders', '/api', 'https://api.example.com/#frag', 'https://api.example.com/#']) {
      assert.throws(() => checkResource({ resource }, [resource]), InvalidTarget, resource);
    }
  });

  it('refuses a resource that is not in the allowed list with invalid_target', () => {
    assert.throws(() => checkResource({ resource: 'https://other.example' }, ['https://api.example.com']), InvalidTarget);
  });

  it('allowedResources: the default audience, and the registered resources the client may use', () => {
    const policy = { defaultAudience: 'https://id.example', resources: ['https://a.example', 'https://b.example'] };
    const client = (origin: string, resources?: string[]) =>
      ({ clientId: 'c', origin, metadata: { client_id: 'c', ...(resources ? { resources } : {}) } }) as unknown as Client;
    assert.deepEqual(allowedResources(client('config'), policy), ['https://id.example', 'https://a.example', 'https://b.example']);
    assert.deepEqual(allowedResources(client('cli', ['https://b.example']), policy), ['https://id.example', 'https://b.example']);
    assert.deepEqual(allowedResources(client('registration'), policy), ['https://id.example']);
    // A resource dropped from the config is no longer allowed, whatever the client's metadata says.
    assert.deepEqual(allowedResources(client('config', ['https://gone.example']), policy), ['https://id.example']);
  });
});
