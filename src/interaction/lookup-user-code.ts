import type { FastifyRequest } from 'fastify';
import type { Provider } from '../provider.js';
import type { DeviceCodeRecord } from '../storage/ports.js';
import { hashToken } from '../util/hashing.js';
import { normaliseUserCode } from '../tokens/user-code.js';
import { readCookie } from '../session/cookies.js';
import { CSRF_COOKIE } from '../session/csrf.js';

/** What a typed user code turned out to be. */
export type UserCodeLookup =
  | { found: DeviceCodeRecord }
  | { problem: 'malformed' | 'unknown' | 'expired' | 'used' }
  | { problem: 'throttled'; retryAfter: number };

/**
 * Finds the device authorization request of a typed user code. Wrong codes are counted per
 * client address and per browser (its signed-in session, else its CSRF cookie), and once a
 * limit is reached every lookup is refused until the window ends (RFC 8628 §5.1), so guessing
 * a live code among 20^8 is infeasible within its lifetime.
 */
export async function lookupUserCode(provider: Provider, request: FastifyRequest, typed: string | undefined): Promise<UserCodeLookup> {
  const code = typed === undefined ? undefined : normaliseUserCode(typed);
  if (!code) return { problem: 'malformed' };

  const { userCodeAttemptsPerAddress, userCodeAttemptsPerSession, userCodeAttemptWindow } = provider.config.device;
  const keys: [string, number][] = [[`device:user-code:address:${request.ip}`, userCodeAttemptsPerAddress]];
  const browser = await browserKey(provider, request);
  if (browser) keys.push([`device:user-code:${browser}`, userCodeAttemptsPerSession]);
  // Refuse before looking, so a throttled guesser learns nothing more.
  const states = await Promise.all(keys.map(([key, limit]) => provider.rateLimiter.peek(key, limit)));
  if (states.some((s) => !s.allowed)) return { problem: 'throttled', retryAfter: Math.max(...states.map((s) => s.retryAfter)) };

  const record = await provider.deviceCodes.findByUserCode(code);
  if (!record) {
    await Promise.all(keys.map(([key, limit]) => provider.rateLimiter.hit(key, limit, userCodeAttemptWindow)));
    return { problem: 'unknown' };
  }
  if (record.status !== 'pending') return { problem: 'used' };
  if (record.expiresAt <= provider.clock.nowSeconds()) return { problem: 'expired' };
  return { found: record };
}

/** The browser a guess comes from: its session when signed in, else its CSRF cookie. */
async function browserKey(provider: Provider, request: FastifyRequest): Promise<string | undefined> {
  const session = await provider.sessions.current(request);
  if (session) return `session:${session.sid}`;
  const seed = readCookie(request, CSRF_COOKIE);
  return seed ? `browser:${hashToken(seed)}` : undefined;
}
