import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { RateLimiter } from './rate-limiter.js';

const require = createRequire(import.meta.url);

/**
 * One round trip, atomic on the Redis server: count the event and, when this starts a
 * window, set its expiry. A key left without expiry (a crash between the two calls cannot
 * happen inside a script, but a key set by hand could) gets one, so no counter lives forever.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** Takes one event back, keeping the window's expiry; a missing or zero counter stays as it is. */
const UNDO_SCRIPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
`;

export interface RedisRateLimiterOptions {
  /** Prepended to every key, so several deployments (or tests) can share one Redis. */
  keyPrefix?: string;
}

/** A rate limiter with the connection it owns, closed with the provider. */
export interface ClosableRateLimiter extends RateLimiter {
  close(): Promise<void>;
}

/** Opens a Redis connection that fails fast instead of queueing requests while Redis is away. */
export function connectRedis(url: string): Redis {
  // Loaded on first use: only deployments with REDIS_URL need it (docs/decisions.md#lazy-modules).
  const { Redis: RedisClient } = require('ioredis') as { Redis: typeof Redis };
  const redis = new RedisClient(url, { maxRetriesPerRequest: 1, connectTimeout: 5000, lazyConnect: true });
  // A lost connection must not crash the process; the next command reports the failure.
  redis.on('error', () => {});
  return redis;
}

/**
 * Fixed-window counters in Redis (when REDIS_URL is set): every instance on the same Redis
 * shares them, and counters expire by themselves, so the janitor has nothing to purge.
 */
export function redisRateLimiter(redis: Redis, options: RedisRateLimiterOptions = {}): ClosableRateLimiter {
  const prefix = options.keyPrefix ?? 'tessera:rate-limit:';
  return {
    async hit(key, limit, windowSeconds) {
      const [count, ttl] = (await redis.eval(HIT_SCRIPT, 1, prefix + key, String(windowSeconds))) as [number, number];
      return { allowed: count <= limit, count, retryAfter: Math.max(0, ttl) };
    },
    async peek(key, limit) {
      const [[, value], [, ttl]] = (await redis
        .multi()
        .get(prefix + key)
        .ttl(prefix + key)
        .exec()) as [[unknown, string | null], [unknown, number]];
      if (value === null) return { allowed: true, count: 0, retryAfter: 0 };
      const count = Number(value);
      return { allowed: count < limit, count, retryAfter: Math.max(0, ttl) };
    },
    async undo(key) {
      await redis.eval(UNDO_SCRIPT, 1, prefix + key);
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
    async close() {
      if (redis.status === 'end') return;
      if (redis.status === 'wait') return redis.disconnect(); // never connected (lazyConnect)
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
