import { sanitizeDescription, type OAuthError } from '../protocol/oauth-errors.js';
import type { RedirectTarget } from './authorization-request.js';

/** How the parameters travel: in the query, the fragment, or a form posted by the browser. */
export type Delivery = 'query' | 'fragment' | 'form_post';

/** An authorization response, as the route must send it. */
export type AuthorizationResponse =
  | { mode: 'redirect'; location: string }
  /** OAuth 2.0 Form Post Response Mode §2: a page that POSTs `params` to `redirectUri`. */
  | { mode: 'form_post'; redirectUri: string; params: URLSearchParams }
  /** JARM §2.3: `params` still to be signed into one `response` JWT for `clientId`, then delivered. */
  | { mode: 'jwt'; clientId: string; redirectUri: string; delivery: Delivery; params: URLSearchParams };

/**
 * The authorization response to the client (RFC 6749 §4.1.2): in the query, the fragment,
 * or as an auto-submitted form (OAuth 2.0 Form Post Response Mode). Every response, success
 * or error, carries `iss` (RFC 9207 §2; inside the JWT with JARM, §2.1).
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
  const [delivery, jwt] = target.responseMode.split('.') as [Delivery, string | undefined];
  if (jwt) return { mode: 'jwt', clientId: target.clientId, redirectUri: target.redirectUri, delivery, params };
  return deliver(target.redirectUri, delivery, params);
}

/** The parameters on their way: a 303 to the redirect URI with them in the query or fragment, or a form. */
export function deliver(redirectUri: string, delivery: Delivery, params: URLSearchParams): AuthorizationResponse {
  if (delivery === 'form_post') return { mode: 'form_post', redirectUri, params };
  const location = delivery === 'fragment' ? `${redirectUri}#${params}` : withQuery(redirectUri, params);
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
