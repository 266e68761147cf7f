import type { FastifyRequest } from 'fastify';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { TooManyRequests } from '../protocol/oauth-errors.js';

const HOUR = 3600;

/**
 * Open registration writes a row per request for anyone who asks: at most `perHour`
 * registrations per client address per hour (0: no limit). Callers with an initial access
 * token are the operator's guests and are not counted.
 */
export async function limitOpenRegistration(request: FastifyRequest, limiter: RateLimiter, perHour: number): Promise<void> {
  if (perHour <= 0) return;
  const result = await limiter.hit(`registration:address:${request.ip}`, perHour, HOUR);
  if (!result.allowed) throw new TooManyRequests('too many registrations from this address, try again later', result.retryAfter);
}
