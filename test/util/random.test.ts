import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomToken } from '../../src/util/random.js';

describe('randomToken (pooled CSPRNG bytes)', () => {
  it('gives base64url strings of the asked entropy, never the same bytes twice, across pool refills', () => {
    const seen = new Set<string>();
    // 20,000 × 32 bytes: more than a hundred refills of the 4 KiB pool.
    for (let i = 0; i < 20_000; i++) {
      const token = randomToken(i % 2 ? 32 : 16);
      assert.match(token, /^[A-Za-z0-9_-]+$/);
      assert.equal(Buffer.from(token, 'base64url').length, i % 2 ? 32 : 16);
      assert.equal(seen.has(token), false);
      seen.add(token);
    }
    assert.equal(Buffer.from(randomToken(), 'base64url').length, 32);
    assert.equal(Buffer.from(randomToken(4096), 'base64url').length, 4096);
  });
});
