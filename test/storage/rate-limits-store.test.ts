import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { systemClock } from '../../src/util/clock.js';
import { databaseRateLimiter } from '../../src/storage/rate-limits-store.js';

for (const kind of DATABASES) {
  describe(`database rate limiter (${kind})`, () => {
    let db: Db;
    useMigratedDatabase(kind, (opened) => (db = opened));

    it('allows up to the limit within a window, then refuses with a retry time', async () => {
      const limiter = databaseRateLimiter(db, systemClock);
      for (let i = 1; i <= 3; i++) assert.equal((await limiter.hit('k1', 3, 60)).allowed, true);
      const fourth = await limiter.hit('k1', 3, 60);
      assert.equal(fourth.allowed, false);
      assert.equal(fourth.count, 4);
      assert.ok(fourth.retryAfter > 0 && fourth.retryAfter <= 60);
      assert.equal((await limiter.peek('k1', 3)).allowed, false);
    });

    it('counts concurrent hits exactly', async () => {
      const limiter = databaseRateLimiter(db, systemClock);
      const results = await Promise.all(Array.from({ length: 20 }, () => limiter.hit('k2', 10, 60)));
      assert.equal(results.filter((r) => r.allowed).length, 10);
      assert.deepEqual(
        results.map((r) => r.count).sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('restarts the count when the window has passed, and forgets a reset key', async () => {
      const limiter = databaseRateLimiter(db, systemClock);
      await db.insertInto('rate_limits').values({ key: 'k3', count: 99, reset_at: 1 }).execute();
      assert.equal((await limiter.hit('k3', 5, 60)).count, 1);
      await limiter.reset('k3');
      assert.equal((await limiter.peek('k3', 5)).count, 0);
    });

    it('takes back one reserved hit, never below zero', async () => {
      const limiter = databaseRateLimiter(db, systemClock);
      await limiter.hit('k4', 5, 60);
      await limiter.hit('k4', 5, 60);
      await limiter.undo('k4');
      assert.equal((await limiter.peek('k4', 5)).count, 1);
      await Promise.all([limiter.undo('k4'), limiter.undo('k4'), limiter.undo('k4')]);
      assert.equal((await limiter.peek('k4', 5)).count, 0);
      await limiter.undo('k5');
      assert.equal((await limiter.hit('k5', 5, 60)).count, 1);
    });
  });
}
