import { InvalidToken } from '../protocol/oauth-errors.js';

/** RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme name is case-insensitive (RFC 9110 §11.1). */
const CREDENTIALS = /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** RFC 9449 §7.1: credentials = "DPoP" 1*SP token68, the same syntax as Bearer's. */
const DPOP_CREDENTIALS = /^dpop +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Whether `value` can be sent as a Bearer token at all (RFC 6750 §2.1 b64token). */
export function isBearerTokenSyntax(value: string): boolean {
  return B64TOKEN.test(value);
}

/**
 * The token of an `Authorization: Bearer` header (RFC 6750 §2.1), or undefined when the
 * header is absent or names another scheme. A Bearer header whose credentials break the
 * grammar is refused with 401 invalid_token.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !/^bearer(?: |$)/i.test(authorization)) return undefined;
  const match = CREDENTIALS.exec(authorization);
  if (!match) throw new InvalidToken('malformed Authorization header: send Bearer <token>');
  return match[1];
}

/**
 * The token of an `Authorization: DPoP` header (RFC 9449 §7.1), or undefined when the header
 * is absent or names another scheme. A DPoP header whose credentials break the grammar is
 * refused with 401 invalid_token.
 */
export function dpopToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !/^dpop(?: |$)/i.test(authorization)) return undefined;
  const match = DPOP_CREDENTIALS.exec(authorization);
  if (!match) throw new InvalidToken('malformed Authorization header: send DPoP <token>');
  return match[1];
}
