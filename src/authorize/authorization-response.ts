import type { FastifyReply } from 'fastify';
import { sanitizeDescription, type OAuthError } from '../protocol/oauth-errors.js';
import type { RedirectTarget } from './authorization-request.js';
import { renderFormPost, FORM_POST_SCRIPT_HASH } from '../interaction/form-post-page.js';
import { sendPage } from '../interaction/layout.js';

/**
 * Sends the authorization response to the client (RFC 6749 §4.1.2): in the query, the
 * fragment, or as an auto-submitted form (OAuth 2.0 Form Post Response Mode). Every response,
 * success or error, carries `iss` (RFC 9207 §2).
 */
export function sendAuthorizationResponse(reply: FastifyReply, target: RedirectTarget, issuer: string, values: Record<string, string | undefined>): FastifyReply {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined) params.set(name, value);
  // RFC 6749 §4.1.2: state exactly as received.
  if (target.state !== undefined) params.set('state', target.state);
  params.set('iss', issuer);
  if (target.responseMode === 'form_post') {
    return sendPage(reply, renderFormPost(target.redirectUri, params), { scriptHashes: [FORM_POST_SCRIPT_HASH] });
  }
  const location = target.responseMode === 'fragment' ? `${target.redirectUri}#${params}` : withQuery(target.redirectUri, params);
  return reply.status(303).header('location', location).header('cache-control', 'no-store').send();
}

/** RFC 6749 §4.1.2.1: an error goes back with error, error_description and state. */
export function sendAuthorizationError(reply: FastifyReply, target: RedirectTarget, issuer: string, error: OAuthError): FastifyReply {
  return sendAuthorizationResponse(reply, target, issuer, { error: error.error, error_description: sanitizeDescription(error.description) });
}

/** RFC 6749 §3.1.2: keep the redirect URI's own query and add ours to it. */
function withQuery(uri: string, params: URLSearchParams): string {
  if (!uri.includes('?')) return `${uri}?${params}`;
  return uri.endsWith('?') || uri.endsWith('&') ? `${uri}${params}` : `${uri}&${params}`;
}
