import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '../protocol/oauth-errors.js';
import { singleParams, type Params } from '../protocol/params.js';
import { FORM_MEDIA_TYPE, mediaType } from '../rules/media-type.js';

/** The parameters of RP-Initiated Logout §2 that Tessera reads; anything else is ignored. */
export const LOGOUT_PARAMS = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales', 'logout_hint'] as const;

/**
 * RP-Initiated Logout §2: the end_session_endpoint takes its parameters in the query (GET)
 * or as a form (POST), each at most once (RFC 6749 §3.1).
 */
export function readLogoutParams(request: FastifyRequest): Params {
  if (request.method !== 'POST') return singleParams(request.query, 'query');
  if (request.body !== undefined && request.body !== null && mediaType(request.headers['content-type']) !== FORM_MEDIA_TYPE) {
    throw new InvalidRequest('a logout request sent with POST must be a form (application/x-www-form-urlencoded)');
  }
  return singleParams(request.body, 'request body');
}
