import type { FastifyReply, FastifyRequest } from 'fastify';
import { sanitizeDescription } from '../protocol/oauth-errors.js';
import { toOAuthError } from '../protocol/to-oauth-error.js';
import { renderErrorPage } from '../interaction/error-page.js';
import { setPageHeaders } from '../interaction/layout.js';

/** The one serializer: JSON for API endpoints, an HTML page for routes a person sees. */
export async function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const oauth = toOAuthError(err);
  if (oauth.status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ error: oauth.error, detail: oauth.detail ?? oauth.description }, 'request refused');
  reply.status(oauth.status).headers(oauth.headers);
  if (oauth.status === 401 || oauth.status >= 500) reply.header('cache-control', 'no-store');
  if ((request.routeOptions.config as { html?: boolean } | undefined)?.html) {
    setPageHeaders(reply);
    reply.type('text/html; charset=utf-8').send(renderErrorPage(oauth));
    return;
  }
  reply.header('cache-control', 'no-store').type('application/json').send({ error: oauth.error, error_description: sanitizeDescription(oauth.description) });
}
