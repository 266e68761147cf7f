import type { FastifyBaseLogger } from 'fastify';
import { toOAuthError } from '../protocol/to-oauth-error.js';
import type { RedirectTarget } from './authorization-request.js';
import { authorizationError, type AuthorizationResponse } from './authorization-response.js';

/**
 * RFC 6749 §4.1.2.1: once the redirect URI is trusted, errors go back to the client
 * (with `iss`, RFC 9207). Errors that must not be redirected are rethrown to become a page.
 */
export function redirectError(log: FastifyBaseLogger, issuer: string, target: RedirectTarget, err: unknown): AuthorizationResponse {
  const error = toOAuthError(err);
  if (!error.redirectable) throw err;
  if (error.status >= 500) log.error({ err }, 'authorization failed');
  else log.info({ error: error.error, detail: error.detail ?? error.description }, 'authorization refused');
  return authorizationError(target, issuer, error);
}
