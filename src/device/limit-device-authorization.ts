import type { Client } from '../clients/client.js';
import { isPublicClient } from '../clients/client.js';
import type { Config } from '../config/load-config.js';
import { TooManyRequests } from '../protocol/oauth-errors.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';

export interface DeviceAuthorizationLimitDeps {
  config: { device: Pick<Config['device'], 'authorizationRequestsPerAddress' | 'authorizationRequestWindow'> };
  rateLimiter: Pick<RateLimiter, 'hit'>;
}

/**
 * A public client's id is no secret, so anyone may start device authorizations in its name, and
 * each one is a stored row (RFC 8628 §5.2 asks the server to guard the endpoint). Requests are
 * counted per client and address, in the shared counters, before anything is stored; past the
 * limit the answer is 429 with an OAuth error and Retry-After (`slow_down` belongs to polling at
 * the token endpoint, §3.5). Confidential clients authenticated, and answer for their own use.
 */
export async function limitDeviceAuthorization(deps: DeviceAuthorizationLimitDeps, client: Client, address: string): Promise<void> {
  const { authorizationRequestsPerAddress: limit, authorizationRequestWindow: window } = deps.config.device;
  if (!isPublicClient(client) || limit <= 0) return;
  const result = await deps.rateLimiter.hit(`device-auth:${client.clientId}:${address}`, limit, window);
  if (!result.allowed)
    throw new TooManyRequests('too many device authorization requests from this address: wait and try again', result.retryAfter);
}
