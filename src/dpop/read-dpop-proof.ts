import type { FastifyRequest } from 'fastify';
import { InvalidDpopProof } from '../protocol/oauth-errors.js';
import { checkDpopProof, type DpopProofChecks } from './check-dpop-proof.js';
import type { DpopExpectation, DpopProof } from './dpop-proof.js';

/**
 * The DPoP proof of a request, checked (RFC 9449 §4.3), or undefined when the request has no
 * `DPoP` header. `url` is the endpoint's own URI (issuer + path); the method is the request's.
 * Used by the token endpoint, userinfo and the pushed authorization request endpoint.
 */
export async function readDpopProof(
  checks: DpopProofChecks,
  request: FastifyRequest,
  expected: Omit<DpopExpectation, 'method'>,
): Promise<DpopProof | undefined> {
  const values = headerValues(request.raw.rawHeaders, 'dpop');
  if (values.length === 0) return undefined;
  // §4.3 step 1: exactly one DPoP header, holding one JWT (a comma means a folded second one).
  if (values.length > 1 || values[0].includes(',')) throw new InvalidDpopProof('send exactly one DPoP header');
  return checkDpopProof(checks, values[0].trim(), { ...expected, method: request.method });
}

function headerValues(rawHeaders: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === name) values.push(rawHeaders[i + 1]);
  return values;
}
