import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from './oauth-errors.js';
import { FORM_MEDIA_TYPE, mediaType } from '../rules/media-type.js';

/** Request parameters after the RFC 6749 §3.1 checks: each present once, each a string. */
export type Params = Record<string, string>;

/**
 * RFC 6749 §3.1 / §3.2: parameters sent without a value are treated as omitted, and none may
 * be repeated. Returns a plain record of strings.
 */
export function singleParams(raw: unknown, where: string): Params {
  const out = Object.create(null) as Params;
  if (raw === null || raw === undefined) return out;
  if (typeof raw !== 'object') throw new InvalidRequest(`the ${where} must be form parameters`);
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      if (value.length > 1) throw new InvalidRequest(`parameter ${name} must not be repeated`);
      if (value.length === 1 && typeof value[0] === 'string' && value[0] !== '') out[name] = value[0];
      continue;
    }
    if (typeof value !== 'string') throw new InvalidRequest(`parameter ${name} must be a string`);
    if (value !== '') out[name] = value;
  }
  return out;
}

/** The body of a POST that must be a form (token, introspection, revocation, device authorization). */
export function formParams(request: FastifyRequest): Params {
  if (mediaType(request.headers['content-type']) !== FORM_MEDIA_TYPE)
    throw new InvalidRequest(`the request body must be ${FORM_MEDIA_TYPE}`);
  return singleParams(request.body, 'request body');
}

export function requireParam(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined) throw new InvalidRequest(`missing required parameter ${name}`);
  return value;
}
