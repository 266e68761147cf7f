import type { FastifyRequest } from 'fastify';
import type { ClientAuthenticator } from './authenticate-client.js';
import { detectCredentials } from './detect-credentials.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import { InvalidClient, TooManyRequests } from '../http/oauth-errors.js';
import type { Params } from '../http/params.js';

export interface ClientAuthThrottle {
  /** Failed authentications of one client from one address allowed within `window` seconds. */
  maxFailuresPerAddress: number;
  window: number;
}

/**
 * Guessing a client's secret at /token, /introspect or /revoke is throttled per client and
 * address, in counters every instance shares (issue 7). Per address, so that an attacker
 * cannot lock a real client out from elsewhere. Only failures count; the throttled answer is
 * given before the secret is checked, so it reveals nothing.
 *
 * Wraps the authenticator in place, so every endpoint keeps calling `provider.clientAuth`.
 */
export function throttleClientAuthentication(auth: ClientAuthenticator, limiter: RateLimiter, throttle: ClientAuthThrottle): void {
  const authenticate = auth.authenticate.bind(auth);
  auth.authenticate = async (request: FastifyRequest, params: Params, endpointUrl: string) => {
    let clientId: string | undefined;
    try {
      clientId = detectCredentials(request, params)?.clientId;
    } catch {
      // Malformed credentials: the authenticator itself says what is wrong.
    }
    if (!clientId) return authenticate(request, params, endpointUrl);
    const key = `client-auth:${clientId}:${request.ip}`;
    const state = await limiter.peek(key, throttle.maxFailuresPerAddress);
    if (!state.allowed) throw new TooManyRequests('too many failed client authentications: retry later', state.retryAfter);
    try {
      return await authenticate(request, params, endpointUrl);
    } catch (err) {
      if (err instanceof InvalidClient) await limiter.hit(key, throttle.maxFailuresPerAddress, throttle.window);
      throw err;
    }
  };
}
