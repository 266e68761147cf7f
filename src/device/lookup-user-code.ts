import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/load-config.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { Sessions } from '../session/sessions.js';
import type { DeviceCodeRecord, DeviceCodesStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { hashToken } from '../util/hashing.js';
import { normaliseUserCode } from '../tokens/user-code.js';
import { csrfSeed, type CsrfOptions } from '../session/csrf.js';

/** What a typed user code turned out to be. */
export type UserCodeLookup =
  { found: DeviceCodeRecord } | { problem: 'malformed' | 'unknown' | 'expired' | 'used' } | { problem: 'throttled'; retryAfter: number };

export interface LookupUserCodeDeps {
  config: Pick<Config, 'device'>;
  rateLimiter: Pick<RateLimiter, 'peek' | 'hit'>;
  deviceCodes: Pick<DeviceCodesStore, 'findByUserCode'>;
  sessions: Pick<Sessions, 'current'>;
  csrf: Pick<CsrfOptions, 'secure'>;
  clock: Clock;
}

/**
 * Finds the device authorization request of a typed user code. Wrong codes are counted per
 * client address and per browser (its signed-in session, else its CSRF cookie), and once a
 * limit is reached every lookup is refused until the window ends (RFC 8628 §5.1), so guessing
 * a live code among 20^8 is infeasible within its lifetime.
 */
export async function lookupUserCode(
  deps: LookupUserCodeDeps,
  request: FastifyRequest,
  typed: string | undefined,
): Promise<UserCodeLookup> {
  const code = typed === undefined ? undefined : normaliseUserCode(typed);
  if (!code) return { problem: 'malformed' };

  const { userCodeAttemptsPerAddress, userCodeAttemptsPerSession, userCodeAttemptWindow } = deps.config.device;
  const keys: [string, number][] = [[`device:user-code:address:${request.ip}`, userCodeAttemptsPerAddress]];
  const browser = await browserKey(deps, request);
  if (browser) keys.push([`device:user-code:${browser}`, userCodeAttemptsPerSession]);
  // Refuse before looking, so a throttled guesser learns nothing more.
  const states = await Promise.all(keys.map(([key, limit]) => deps.rateLimiter.peek(key, limit)));
  if (states.some((s) => !s.allowed)) return { problem: 'throttled', retryAfter: Math.max(...states.map((s) => s.retryAfter)) };

  const record = await deps.deviceCodes.findByUserCode(code);
  if (!record) {
    await Promise.all(keys.map(([key, limit]) => deps.rateLimiter.hit(key, limit, userCodeAttemptWindow)));
    return { problem: 'unknown' };
  }
  if (record.status !== 'pending') return { problem: 'used' };
  if (record.expiresAt <= deps.clock.nowSeconds()) return { problem: 'expired' };
  return { found: record };
}

/** The browser a guess comes from: its session when signed in, else its CSRF cookie. */
async function browserKey(deps: LookupUserCodeDeps, request: FastifyRequest): Promise<string | undefined> {
  const session = await deps.sessions.current(request);
  if (session) return `session:${session.sid}`;
  const seed = csrfSeed(request, deps.csrf);
  return seed ? `browser:${hashToken(seed)}` : undefined;
}
