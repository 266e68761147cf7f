import { sanitizeDescription, type OAuthError } from '../protocol/oauth-errors.js';
import type { RedirectTarget } from './authorization-request.js';

/** An authorization response, as the route must send it. */
export type AuthorizationResponse =
  | { mode: 'redirect'; location: string }
  /** OAuth 2.0 Form Post Response Mode §2: a page that POSTs `params` to `redirectUri`. */
  | { mode: 'form_post'; redirectUri: string; params: URLSearchParams };

/**
 * The authorization response to the client (RFC 6749 §4.1.2): in the query, the fragment,
 * or as an auto-submitted form (OAuth 2.0 Form Post Response Mode). Every response, success
 * or error, carries `iss` (RFC 9207 §2).
 */
export function authorizationResponse(
  target: RedirectTarget,
  issuer: string,
  values: Record<string, string | undefined>,
): AuthorizationResponse {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined) params.set(name, value);
  // RFC 6749 §4.1.2: state exactly as received.
  if (target.state !== undefined) params.set('state', target.state);
  params.set('iss', issuer);
  if (target.responseMode === 'form_post') return { mode: 'form_post', redirectUri: target.redirectUri, params };
  const location = target.responseMode === 'fragment' ? `${target.redirectUri}#${params}` : withQuery(target.redirectUri, params);
  return { mode: 'redirect', location };
}

/** RFC 6749 §4.1.2.1: an error goes back with error, error_description and state. */
export function authorizationError(target: RedirectTarget, issuer: string, error: OAuthError): AuthorizationResponse {
  return authorizationResponse(target, issuer, { error: error.error, error_description: sanitizeDescription(error.description) });
}

/** RFC 6749 §3.1.2: keep the redirect URI's own query and add ours to it. */
function withQuery(uri: string, params: URLSearchParams): string {
  if (!uri.includes('?')) return `${uri}?${params}`;
  return uri.endsWith('?') || uri.endsWith('&') ? `${uri}${params}` : `${uri}&${params}`;
}
