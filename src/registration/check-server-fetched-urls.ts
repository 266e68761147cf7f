import { InvalidClientMetadata } from '../protocol/oauth-errors.js';

/** Metadata URLs that Tessera itself requests (keys it fetches, logout tokens it POSTs). */
const SERVER_FETCHED = ['jwks_uri', 'backchannel_logout_uri'];

/**
 * Anyone may be allowed to register, so a registered client must not make the server call
 * plain-http loopback addresses (its own admin ports, local services): those URLs must be
 * https. Operators' clients (config, CLI) may still use loopback http, and dev mode allows it
 * here too so local experiments work.
 */
export function checkServerFetchedUrls(input: Record<string, unknown>, dev: boolean): void {
  if (dev) return;
  for (const field of SERVER_FETCHED) {
    const value = input[field];
    if (typeof value === 'string' && !value.toLowerCase().startsWith('https://')) {
      throw new InvalidClientMetadata(`${field} must be an https URL`);
    }
  }
}
