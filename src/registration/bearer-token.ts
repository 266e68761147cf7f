import type { FastifyRequest } from 'fastify';

/**
 * The token of an `Authorization: Bearer` header (RFC 6750 §2.1), or undefined when the
 * header is absent or uses another scheme. The scheme name is case-insensitive (RFC 7235 §2.1).
 */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match ? match[1] : undefined;
}
