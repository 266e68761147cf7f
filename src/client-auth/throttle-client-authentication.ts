import { InvalidClient, TooManyRequests } from '../protocol/oauth-errors.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';

export interface ClientAuthThrottleSettings {
  /** Failed authentications of one client from one address allowed within `window` seconds. */
  maxFailuresPerAddress: number;
  window: number;
}

/**
 * Guessing a client's secret at /token, /introspect or /revoke is throttled per client and
 * address, in counters every instance shares. Per address, so that an attacker
 * cannot lock a real client out from elsewhere. Only failures count; the throttled answer is
 * given before the credential is checked, so it reveals nothing.
 */
export interface ClientAuthThrottle {
  /** Throws 429 when this client has failed too often from this address. */
  check(clientId: string, address: string): Promise<void>;
  /** Counts a failure when `err` is invalid_client, and rethrows it. */
  fail(clientId: string, address: string, err: unknown): Promise<never>;
}

export function clientAuthThrottle(limiter: RateLimiter, settings: ClientAuthThrottleSettings): ClientAuthThrottle {
  const key = (clientId: string, address: string) => `client-auth:${clientId}:${address}`;
  return {
    async check(clientId, address) {
      const state = await limiter.peek(key(clientId, address), settings.maxFailuresPerAddress);
      if (!state.allowed) throw new TooManyRequests('too many failed client authentications: retry later', state.retryAfter);
    },
    async fail(clientId, address, err) {
      if (err instanceof InvalidClient) await limiter.hit(key(clientId, address), settings.maxFailuresPerAddress, settings.window);
      throw err;
    },
  };
}
