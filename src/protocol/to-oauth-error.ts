import type { FastifyError } from 'fastify';
import { InvalidRequest, OAuthError, PayloadTooLarge, ServerError, TemporarilyUnavailable } from './oauth-errors.js';

/** Fastify's own errors for bad input (body too large, bad media type), mapped to the OAuth family. */
function fromFastifyError(err: FastifyError): OAuthError | undefined {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new PayloadTooLarge('the request body is too large');
  if (err.validation) return new InvalidRequest(`invalid parameters: ${err.message}`);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new InvalidRequest(err.message.replace(/^FST_\w+:\s*/, ''));
  return undefined;
}

/** What the PostgreSQL and Redis drivers say when their server is away. */
const UNAVAILABLE_MESSAGE = new RegExp(
  [
    'Connection terminated',
    'timeout exceeded when trying to connect',
    'connect ECONNREFUSED',
    'Client has encountered a connection error',
    'max retries per request limit',
    'Connection is closed',
  ].join('|'),
  'i',
);

/** A database that does not answer is a 503 the client can retry, not a 500. */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (!e) return false;
  if ((err as Error).name === 'MaxRetriesPerRequestError') return true; // Redis (rate limits) away
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      '57P01',
      '57P03',
      '08000',
      '08003',
      '08006',
      '08001',
      '53300',
      'SQLITE_BUSY',
    ].includes(e.code ?? '')
  )
    return true;
  return UNAVAILABLE_MESSAGE.test(e.message ?? '');
}

/** Turns anything thrown into a spec-shaped error; internals are logged, never sent. */
export function toOAuthError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err;
  const fastifyErr = fromFastifyError(err as FastifyError);
  if (fastifyErr) return fastifyErr;
  if (isUnavailable(err)) return new TemporarilyUnavailable('the service is temporarily unavailable, try again shortly');
  // PostgreSQL refuses text it cannot store (a NUL byte in any parameter, header or cookie): the input was bad, not the server.
  if (['22021', '22P05'].includes((err as { code?: string })?.code ?? ''))
    return new InvalidRequest('the request contains characters that are not allowed');
  return new ServerError('the server could not complete the request');
}
