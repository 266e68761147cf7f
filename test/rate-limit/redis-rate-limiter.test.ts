import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectRedis, redisRateLimiter, type ClosableRateLimiter } from '../../src/rate-limit/redis-rate-limiter.js';
import { DATABASES, createTestDatabase } from '../support/databases.js';
import { TEST_SECRET } from '../support/test-provider.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices, type Services } from '../../src/app/create-services.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function uniquePrefix(): string {
  return `tessera-test:${randomBytes(6).toString('hex')}:`;
}

describe('Redis rate limiter', () => {
  let limiter: ClosableRateLimiter;
  let prefix: string;
  before(() => {
    prefix = uniquePrefix();
    limiter = redisRateLimiter(connectRedis(REDIS_URL), { keyPrefix: prefix });
  });
  after(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await limiter.close();
  });

  it('allows up to the limit within a window, then refuses with a retry time', async () => {
    for (let i = 1; i <= 3; i++) assert.equal((await limiter.hit('k1', 3, 60)).allowed, true);
    const fourth = await limiter.hit('k1', 3, 60);
    assert.equal(fourth.allowed, false);
    assert.equal(fourth.count, 4);
    assert.ok(fourth.retryAfter > 0 && fourth.retryAfter <= 60);
    const peeked = await limiter.peek('k1', 3);
    assert.equal(peeked.allowed, false);
    assert.equal(peeked.count, 4);
  });

  it('counts concurrent hits exactly', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => limiter.hit('k2', 10, 60)));
    assert.equal(results.filter((r) => r.allowed).length, 10);
    assert.deepEqual(
      results.map((r) => r.count).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('sets the window expiry on the first hit only, so later hits do not extend it', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      await limiter.hit('k3', 5, 100);
      await redis.expire(`${prefix}k3`, 40);
      const second = await limiter.hit('k3', 5, 100);
      assert.ok(second.retryAfter <= 40, `retryAfter ${second.retryAfter} should not be reset to the window`);
      assert.ok((await redis.ttl(`${prefix}k3`)) <= 40);
    } finally {
      await redis.quit();
    }
  });

  it('gives a key found without expiry one, so no counter lives forever', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      await redis.set(`${prefix}k4`, '7');
      const hit = await limiter.hit('k4', 5, 30);
      assert.equal(hit.count, 8);
      assert.ok((await redis.ttl(`${prefix}k4`)) > 0);
    } finally {
      await redis.quit();
    }
  });

  it('restarts the count when the window has passed, and forgets a reset key', async () => {
    await limiter.hit('k5', 5, 1);
    const redis = new Redis(REDIS_URL);
    await redis.pexpire(`${prefix}k5`, 1); // end the window now instead of waiting for it
    await redis.quit();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await limiter.hit('k5', 5, 60)).count, 1);
    await limiter.reset('k5');
    assert.deepEqual(await limiter.peek('k5', 5), { allowed: true, count: 0, retryAfter: 0 });
  });

  it('takes back one reserved hit, keeping the window, never below zero', async () => {
    await limiter.hit('k7', 5, 60);
    await limiter.hit('k7', 5, 60);
    await limiter.undo('k7');
    const state = await limiter.peek('k7', 5);
    assert.equal(state.count, 1);
    assert.ok(state.retryAfter > 0);
    await Promise.all([limiter.undo('k7'), limiter.undo('k7'), limiter.undo('k7')]);
    assert.equal((await limiter.peek('k7', 5)).count, 0);
    await limiter.undo('k8');
    assert.equal((await limiter.hit('k8', 5, 60)).count, 1);
  });

  it('reports an unreachable Redis as an error instead of hanging', async () => {
    const dead = redisRateLimiter(connectRedis('redis://127.0.0.1:1'), { keyPrefix: prefix });
    try {
      await assert.rejects(dead.hit('k6', 5, 60));
    } finally {
      await dead.close();
    }
  });
});

/** Two providers on one database (two instances behind a load balancer) share every counter. */
for (const backend of ['database', 'redis'] as const) {
  for (const kind of DATABASES) {
    describe(`rate limits across two provider instances (${backend} backend, ${kind})`, () => {
      const servicesList: Services[] = [];
      let drop: () => Promise<void>;
      before(async () => {
        const database = await createTestDatabase(kind);
        drop = database.drop;
        const config = loadConfig({
          env: {},
          overrides: {
            databaseUrl: database.url,
            secret: TEST_SECRET,
            redisUrl: backend === 'redis' ? REDIS_URL : '',
            redisKeyPrefix: uniquePrefix(),
          },
        });
        servicesList.push(await createServices(config, { schema: database.schema }));
        servicesList.push(await createServices(config, { schema: database.schema }));
      });
      after(async () => {
        for (const p of servicesList) await p.close();
        await drop();
      });

      it('counts hits from both instances against one limit', async () => {
        const [a, b] = servicesList;
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).rateLimiter.hit('signin:user:u1', 6, 60)));
        assert.equal(results.filter((r) => r.allowed).length, 6);
        assert.equal((await a.rateLimiter.peek('signin:user:u1', 6)).count, 12);
        await b.rateLimiter.reset('signin:user:u1');
        assert.equal((await a.rateLimiter.peek('signin:user:u1', 6)).count, 0);
      });
    });
  }
}
