import type { FastifyReply, FastifyRequest } from 'fastify';
import { toOAuthError } from '../protocol/to-oauth-error.js';
import type { RedirectTarget } from './authorization-request.js';
import { sendAuthorizationError } from './authorization-response.js';

/**
 * RFC 6749 §4.1.2.1: once the redirect URI is trusted, errors go back to the client
 * (with `iss`, RFC 9207). Errors that must not be redirected are rethrown to become a page.
 */
export function redirectError(request: FastifyRequest, reply: FastifyReply, issuer: string, target: RedirectTarget, err: unknown): FastifyReply {
  const error = toOAuthError(err);
  if (!error.redirectable) throw err;
  if (error.status >= 500) request.log.error({ err }, 'authorization failed');
  else request.log.info({ error: error.error, detail: error.detail ?? error.description }, 'authorization refused');
  return sendAuthorizationError(reply, target, issuer, error);
}
