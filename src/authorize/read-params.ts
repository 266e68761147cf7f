import type { FastifyRequest } from 'fastify';
import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import { FORM_MEDIA_TYPE, mediaType } from '../rules/media-type.js';

export interface RawAuthorizationParams {
  /** Each parameter sent once, empty values treated as omitted (RFC 6749 §3.1). */
  params: Params;
  /** Names sent more than once: refused once the redirect URI is known to be safe. */
  repeated: string[];
  /** RFC 8707 §2.1: `resource` may be repeated, one indicator each. */
  resources: string[];
}

/**
 * OIDC Core §3.1.2.1: the request comes as a GET query or a POST form. Repeated parameters
 * are collected rather than refused at once, so the refusal can go back to the client when
 * client_id and redirect_uri themselves are unambiguous (RFC 6749 §4.1.2.1).
 */
export function readAuthorizationParams(request: FastifyRequest): RawAuthorizationParams {
  let raw: unknown = request.query;
  if (request.method === 'POST') {
    if (mediaType(request.headers['content-type']) !== FORM_MEDIA_TYPE)
      throw new InvalidRequestNoRedirect('the authorization request body must be application/x-www-form-urlencoded');
    raw = request.body;
  }
  const params = Object.create(null) as Params;
  const repeated: string[] = [];
  const resources: string[] = [];
  for (const [name, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (name === 'resource') resources.push(...values.filter(Boolean));
    if (values.length > 1 && name !== 'resource') repeated.push(name);
    else if (values.length === 1 && values[0] !== '') params[name] = values[0];
  }
  return { params, repeated, resources };
}

/**
 * The resource indicators of parameters that arrive already read: a pushed request keeps its
 * resources as one space-separated value (src/endpoints/pushed-authorization.ts; an absolute
 * URI has no space), a request object names one.
 */
export function resourcesOf(params: Params): string[] {
  return params.resource ? params.resource.split(' ').filter(Boolean) : [];
}
