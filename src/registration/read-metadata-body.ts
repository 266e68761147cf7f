import type { FastifyRequest } from 'fastify';
import { InvalidClientMetadata, InvalidRequest } from '../protocol/oauth-errors.js';
import { JSON_MEDIA_TYPE, mediaType } from '../rules/media-type.js';

/**
 * RFC 7591 §3.1 / RFC 7592 §2.2: the body is a JSON object of client metadata sent as
 * application/json. The registration plugin hands the body over as unparsed text so that
 * every mistake gets this spec-shaped answer.
 */
export function readMetadataBody(request: FastifyRequest): Record<string, unknown> {
  if (mediaType(request.headers['content-type']) !== JSON_MEDIA_TYPE)
    throw new InvalidRequest('the request body must be application/json client metadata');
  let value: unknown;
  try {
    value = JSON.parse(typeof request.body === 'string' ? request.body : '');
  } catch {
    throw new InvalidClientMetadata('the request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InvalidClientMetadata('the request body must be a JSON object');
  return value as Record<string, unknown>;
}
