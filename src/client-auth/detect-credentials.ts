import type { FastifyRequest } from 'fastify';
import { InvalidClient, InvalidRequest } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import type { PresentedCredentials } from './client-auth-method.js';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Works out which authentication method the request used. RFC 6749 §2.3: a client MUST NOT
 * use more than one method in a request. Returns undefined when no credential and no
 * client_id was sent at all.
 */
export function detectCredentials(request: FastifyRequest, params: Params): PresentedCredentials | undefined {
  const header = request.headers.authorization;
  const used: string[] = [];
  let presented: PresentedCredentials | undefined;

  // RFC 7617 §2: the scheme name is case-insensitive; a bare "Basic" is a malformed attempt, not no attempt.
  if (header !== undefined && /^basic(\s|$)/i.test(header)) {
    used.push('client_secret_basic');
    const { clientId, secret } = parseBasic(header.slice(5).trim());
    if (params.client_id !== undefined && params.client_id !== clientId) {
      throw new InvalidRequest('client_id in the body differs from the one in the Authorization header');
    }
    presented = { method: 'client_secret_basic', clientId, secret, basic: true };
  }
  if (params.client_assertion !== undefined || params.client_assertion_type !== undefined) {
    used.push('jwt');
    if (params.client_assertion_type !== JWT_BEARER_ASSERTION) {
      throw new InvalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
    }
    if (params.client_assertion === undefined) throw new InvalidRequest('missing client_assertion');
    const clientId = assertionSubject(params.client_assertion);
    if (params.client_id !== undefined && params.client_id !== clientId) {
      throw new InvalidClient('client_id differs from the client assertion subject');
    }
    presented = { method: assertionMethod(params.client_assertion), clientId, assertion: params.client_assertion, basic: false };
  }
  if (params.client_secret !== undefined) {
    used.push('client_secret_post');
    if (params.client_id === undefined) throw new InvalidRequest('client_secret was sent without client_id');
    presented = { method: 'client_secret_post', clientId: params.client_id, secret: params.client_secret, basic: false };
  }
  if (used.length > 1) throw new InvalidRequest('more than one client authentication method was used (RFC 6749 §2.3)');
  if (!presented && params.client_id !== undefined) presented = { method: 'none', clientId: params.client_id, basic: false };
  return presented;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before being joined and base64-encoded. */
function parseBasic(encoded: string): { clientId: string; secret: string } {
  const fail = () => new InvalidClient('malformed Basic authorization header', undefined, true);
  if (!/^[A-Za-z0-9+/]+=*$/.test(encoded)) throw fail();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw fail();
  try {
    const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
    const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    return { clientId, secret };
  } catch {
    throw fail();
  }
}

function decodePart(assertion: string, index: number): Record<string, unknown> {
  const part = assertion.split('.')[index];
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
    if (value && typeof value === 'object') return value as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new InvalidClient('client_assertion is not a valid JWT');
}

/** RFC 7523 §3: the client is the assertion's `sub` (and `iss`). */
function assertionSubject(assertion: string): string {
  const payload = decodePart(assertion, 1);
  if (typeof payload.sub !== 'string' || !payload.sub) throw new InvalidClient('client_assertion has no sub');
  return payload.sub;
}

/** HMAC-signed assertions are client_secret_jwt; asymmetric ones private_key_jwt (OIDC Core §9). */
function assertionMethod(assertion: string): string {
  const header = decodePart(assertion, 0);
  return typeof header.alg === 'string' && header.alg.startsWith('HS') ? 'client_secret_jwt' : 'private_key_jwt';
}
