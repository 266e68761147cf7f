import type { OutboundFetch } from '../outbound/outbound-fetch.js';
import { InvalidClientMetadata } from '../protocol/oauth-errors.js';
import type { ClientMetadata } from './client.js';

/**
 * OIDC Core §8.1 / OIDC Registration §5: the sector_identifier_uri is fetched when the client
 * is registered (config, CLI, dynamic registration), through the SSRF-safe fetcher (address
 * policy, no redirects, deadline, size cap); it must answer a JSON array of URIs that
 * contains every redirect_uri of the client, else invalid_client_metadata.
 */
export async function checkSectorIdentifier(
  fetch: OutboundFetch | undefined,
  metadata: Pick<ClientMetadata, 'sector_identifier_uri' | 'redirect_uris'>,
): Promise<void> {
  const uri = metadata.sector_identifier_uri;
  if (uri === undefined) return;
  if (!fetch) throw new InvalidClientMetadata('sector_identifier_uri cannot be checked here');
  let listed: unknown;
  try {
    const response = await fetch(uri, { headers: { accept: 'application/json' } });
    if (response.status !== 200) throw new Error(`it answered ${response.status}`);
    listed = JSON.parse(response.body.toString('utf8'));
  } catch (err) {
    throw new InvalidClientMetadata(`sector_identifier_uri could not be fetched as JSON: ${(err as Error).message}`);
  }
  // OIDC Registration §5: "a file with a single JSON array of redirect_uri values".
  if (!Array.isArray(listed) || listed.some((entry) => typeof entry !== 'string')) {
    throw new InvalidClientMetadata('sector_identifier_uri must return a JSON array of URIs');
  }
  // OIDC Core §8.1: "The values registered in redirect_uris MUST be included in the elements of the array."
  const uris = listed as string[];
  const missing = metadata.redirect_uris.filter((redirect) => !uris.includes(redirect));
  if (missing.length > 0) throw new InvalidClientMetadata(`sector_identifier_uri does not list the redirect_uris ${missing.join(' ')}`);
}
