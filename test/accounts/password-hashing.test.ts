import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword } from '../../src/accounts/password-hashing.js';

describe('password hashing (argon2id, a bounded number at once)', () => {
  it('many sign-ins at once all finish with the right answer, none lost in the queue', async () => {
    const hash = await hashPassword('correct horse battery');
    assert.match(hash, /^\$argon2id\$/);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => verifyPassword(hash, i % 3 === 0 ? 'wrong password' : 'correct horse battery')),
    );
    assert.deepEqual(
      answers,
      Array.from({ length: 12 }, (_, i) => i % 3 !== 0),
    );
  });

  it('a malformed stored hash is a mismatch, and frees its slot', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => verifyPassword('not-a-hash', 'whatever')));
    assert.deepEqual(results, Array(6).fill(false));
    assert.equal(await verifyPassword(await hashPassword('after failures'), 'after failures'), true);
  });
});
