import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkResource } from '../../src/rules/resource.js';
import { InvalidTarget } from '../../src/protocol/oauth-errors.js';

describe('resource indicator (RFC 8707 §2)', () => {
  it('passes an absolute URI through, and no resource as undefined', () => {
    assert.equal(checkResource({ resource: 'https://api.example.com/v1' }), 'https://api.example.com/v1');
    assert.equal(checkResource({ resource: 'urn:example:api' }), 'urn:example:api');
    assert.equal(checkResource({}), undefined);
  });

  it('refuses a relative URI or one with a fragment, even an empty one, with invalid_target', () => {
    for (const resource of ['api/orders', '/api', 'https://api.example.com/#frag', 'https://api.example.com/#']) {
      assert.throws(() => checkResource({ resource }), InvalidTarget, resource);
    }
  });
});
