import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, sanitizeDescription } from '../protocol/oauth-errors.js';

/** RFC 9457 §3: the media type of a problem details answer. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/**
 * An admin API refusal as RFC 9457 problem details: `type` about:blank (§4.2.1: the status
 * says it all), `title` the status phrase, `detail` what this request did wrong, and extension
 * members (`field`, `errors`) where they help the caller fix it.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export const notFound = (what: string) => new Problem(404, `${what} does not exist`);
export const conflict = (detail: string) => new Problem(409, detail);
export const badRequest = (detail: string, field?: string) => new Problem(400, detail, field ? { field } : {});

/** The body of a problem answer (RFC 9457 §3.1). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

/** Any error thrown in the admin API, as problem details: never internals, 500 for the unexpected. */
export function toProblem(err: unknown): Problem {
  if (err instanceof Problem) return err;
  const validation = (err as FastifyError).validation;
  if (validation && validation.length > 0) {
    // Fastify's schema check: name the failing field the way a caller wrote it (body.redirect_uris).
    const where = (err as FastifyError).validationContext ?? 'body';
    const errors = validation.map((v) => {
      const missing = v.keyword === 'required' ? `/${String((v.params as { missingProperty?: string }).missingProperty)}` : '';
      const path = `${v.instancePath}${missing}`.split('/').filter(Boolean).join('.');
      return { field: path ? `${where}.${path}` : where, message: v.message ?? 'is invalid' };
    });
    return new Problem(400, `${errors[0].field} ${errors[0].message}`, { field: errors[0].field, errors });
  }
  if (err instanceof OAuthError) {
    // invalid_client_metadata and friends: the one validator's words; 401/403 keep their challenge.
    return new Problem(err.status, sanitizeDescription(err.description), { error: err.error }, err.headers);
  }
  const status = (err as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return new Problem(status, (err as Error).message);
  return new Problem(500, 'the server could not complete the request');
}

/** The admin API's one error handler: logs, then answers `application/problem+json`. */
export async function problemHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const problem = toProblem(err);
  if (problem.status >= 500) request.log.error({ err }, 'admin API request failed');
  else request.log.info({ status: problem.status, detail: problem.detail }, 'admin API request refused');
  const body: ProblemBody = {
    type: 'about:blank',
    title: STATUS_CODES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    ...problem.extensions,
  };
  reply.status(problem.status).headers(problem.headers).header('cache-control', 'no-store').type(PROBLEM_MEDIA_TYPE).send(body);
}
