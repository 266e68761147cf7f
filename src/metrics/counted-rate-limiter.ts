import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { ProviderMetrics } from './provider-metrics.js';

/**
 * Counts every refused hit in the metrics, whichever backend holds the counters, so callers
 * need not remember to. The limit's name is the key's first segment (`signin:user:<id>` → signin).
 */
export function countedRateLimiter(limiter: RateLimiter, metrics: ProviderMetrics): RateLimiter {
  return {
    async hit(key, limit, windowSeconds) {
      const result = await limiter.hit(key, limit, windowSeconds);
      if (!result.allowed) metrics.rateLimited(key.split(':')[0]);
      return result;
    },
    peek: (key, limit) => limiter.peek(key, limit),
    undo: (key) => limiter.undo(key),
    reset: (key) => limiter.reset(key),
  };
}
