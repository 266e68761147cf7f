import type { FastifyReply, FastifyRequest } from 'fastify';
import { sanitizeDescription, type OAuthError } from '../protocol/oauth-errors.js';
import { toOAuthError } from '../protocol/to-oauth-error.js';

export type ErrorHandler = (err: unknown, request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Logs what went wrong (internals only here) and sets the status and headers of the answer. */
function prepare(err: unknown, request: FastifyRequest, reply: FastifyReply): OAuthError {
  const oauth = toOAuthError(err);
  if (oauth.status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ error: oauth.error, detail: oauth.detail ?? oauth.description }, 'request refused');
  reply.status(oauth.status).headers(oauth.headers);
  if (oauth.status === 401 || oauth.status >= 500) reply.header('cache-control', 'no-store');
  return oauth;
}

/** The one serializer of API endpoints: the RFC 6749 §5.2 JSON body, never internals. */
export async function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const oauth = prepare(err, request, reply);
  reply
    .header('cache-control', 'no-store')
    .type('application/json')
    .send({ error: oauth.error, error_description: sanitizeDescription(oauth.description) });
}

/**
 * The same handling for the routes a person sees, answering with a page that `render` sends.
 * Page plugins set it on their own scope, so this folder never imports the pages.
 */
export function pageErrorHandler(render: (request: FastifyRequest, reply: FastifyReply, error: OAuthError) => void): ErrorHandler {
  return async (err, request, reply) => render(request, reply, prepare(err, request, reply));
}
