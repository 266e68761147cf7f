import { isIP } from 'node:net';
import { InvalidClientMetadata } from '../protocol/oauth-errors.js';
import { addressGuard, isLoopbackName, outboundPolicy } from '../outbound/address-policy.js';

/** Metadata URLs that Tessera itself requests (keys it fetches, logout tokens it POSTs, the pairwise sector's redirect URIs). */
const SERVER_FETCHED = ['jwks_uri', 'backchannel_logout_uri', 'sector_identifier_uri'];

/**
 * Anyone may be allowed to register, so a registered client must not make the server call
 * local services. The real guard is the outbound fetcher, which checks the address it
 * connects to; this refuses early what is visibly internal: plain http outside dev mode, and
 * a literal loopback, private or reserved address, or a localhost name, that the outbound
 * policy would refuse.
 */
export function checkServerFetchedUrls(
  input: Record<string, unknown>,
  config: { dev: boolean; outbound: { allowedHosts: string[] } },
): void {
  const guard = addressGuard(outboundPolicy(config));
  for (const field of SERVER_FETCHED) {
    const value = input[field];
    if (typeof value !== 'string') continue;
    if (!config.dev && !value.toLowerCase().startsWith('https://')) throw new InvalidClientMetadata(`${field} must be an https URL`);
    let hostname: string;
    try {
      hostname = new URL(value).hostname;
    } catch {
      continue; // validateClientMetadata reports the malformed URL.
    }
    // The URL parser has already normalised the address forms (0x7f.1 is 127.0.0.1).
    const literal = hostname.replace(/^\[(.*)\]$/, '$1');
    // RFC 6761 §6.3: localhost names are loopback whatever a resolver says.
    const refusal = isIP(literal)
      ? guard.refusal(literal, literal)
      : isLoopbackName(hostname) && guard.refusal(hostname, '::1')
        ? `${hostname} is a loopback name`
        : undefined;
    if (refusal) throw new InvalidClientMetadata(`${field} must point at a public address: ${refusal}`);
  }
}
