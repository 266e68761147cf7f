import { InvalidDpopProof, InvalidRequest } from '../protocol/oauth-errors.js';
import type { Params } from '../protocol/params.js';
import type { DpopProof } from './dpop-proof.js';

/** A base64url SHA-256 JWK thumbprint (RFC 7638): 32 bytes, 43 characters. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/**
 * RFC 9449 §10: `dpop_jkt` at the authorization endpoint binds the code to a key; the token
 * request must then carry a proof made with it. Returns the thumbprint, or undefined when the
 * request has none (or DPoP is off, `enabled` false: the parameter is then ignored).
 */
export function checkDpopJktParam(params: Params, enabled: boolean): string | undefined {
  if (!enabled || params.dpop_jkt === undefined) return undefined;
  if (!THUMBPRINT.test(params.dpop_jkt)) throw new InvalidRequest('dpop_jkt must be a base64url SHA-256 JWK thumbprint');
  return params.dpop_jkt;
}

/**
 * RFC 9449 §10.1, for the pushed authorization request endpoint (RFC 9126): a DPoP proof sent
 * with the pushed request binds the code as `dpop_jkt` would; when both are sent they must name
 * the same key. Returns the thumbprint to store as the request's `dpop_jkt`, if any.
 */
export function pushedRequestDpopJkt(params: Params, proof: DpopProof | undefined): string | undefined {
  const requested = checkDpopJktParam(params, true);
  if (proof && requested !== undefined && requested !== proof.jkt)
    throw new InvalidDpopProof('dpop_jkt does not match the key of the DPoP proof');
  return proof?.jkt ?? requested;
}
