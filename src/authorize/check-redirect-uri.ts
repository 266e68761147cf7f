import type { Client } from '../clients/client.js';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import type { RawAuthorizationParams } from './read-params.js';

export interface CheckedRedirectUri {
  /** Where responses go. */
  uri: string;
  /** As sent, '' when omitted. */
  sent: string;
}

/**
 * RFC 6749 §3.1.2.3 and OIDC Core §3.1.2.1: redirect_uri is compared to the registered ones by
 * exact string match (query included, no prefix match, RFC 9700 §4.1.3). It may be omitted
 * only when the client registered exactly one. A mismatch is never redirected (§4.1.2.1).
 */
export function checkRedirectUri(client: Client, { params, repeated }: RawAuthorizationParams): CheckedRedirectUri {
  if (repeated.includes('redirect_uri')) throw new InvalidRequestNoRedirect('redirect_uri must not be repeated');
  const registered = client.metadata.redirect_uris ?? [];
  const sent = params.redirect_uri;
  if (sent === undefined) {
    if (registered.length === 1) return { uri: registered[0], sent: '' };
    throw new InvalidRequestNoRedirect(
      registered.length === 0
        ? 'the application has no registered redirect URI'
        : 'the request must name its redirect_uri, since the application registered several',
    );
  }
  if (!registered.includes(sent))
    throw new InvalidRequestNoRedirect(
      'the redirect_uri does not match any URI registered for the application',
      `unregistered redirect_uri ${sent}`,
    );
  return { uri: sent, sent };
}
