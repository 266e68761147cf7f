import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Problem } from './problem.js';

/** RFC 9110 §8.8.3: a strong entity tag of a resource's JSON representation. */
export function etagOf(representation: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(representation)).digest('base64url').slice(0, 27)}"`;
}

/**
 * RFC 9110 §13.1.1 and RFC 6585 §3: an update names the version it was made from. Without
 * If-Match the answer is 428; when no listed tag is the current one (another administrator
 * changed it since), 412, and nothing changes.
 */
export function checkIfMatch(request: FastifyRequest, current: string): void {
  const header = request.headers['if-match'];
  if (header === undefined || header.trim() === '')
    throw new Problem(428, 'send If-Match with the ETag of the version you read, so that no other change is overwritten');
  if (header.trim() === '*') return;
  const tags = header.split(',').map((tag) => tag.trim());
  if (!tags.includes(current))
    throw new Problem(
      412,
      'it changed since you read it: read it again (its ETag is now another) and repeat the change',
      {},
      { etag: current },
    );
}
