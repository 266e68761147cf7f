import { OAuthError, sanitizeDescription } from '../protocol/oauth-errors.js';
import { DPOP_ALGORITHMS } from '../jose/algorithms.js';

/** RFC 9449 §7.1: the DPoP challenge's `algs` parameter. */
export const DPOP_CHALLENGE = `DPoP algs="${DPOP_ALGORITHMS.join(' ')}"`;

/**
 * A refusal at a protected resource with the DPoP scheme (RFC 9449 §7.1): 401 and
 * `WWW-Authenticate: DPoP error=..., algs=...`. `bearer` adds the Bearer challenge too, for a
 * request that used the Bearer scheme (§7.2: a DPoP-bound token sent as a bearer token).
 * A `use_dpop_nonce` refusal carries the new nonce (§9).
 */
export class DpopResourceError extends OAuthError {
  readonly error: string;
  override readonly status: number;
  override readonly redirectable = false;
  constructor(error: string, description: string, options: { nonce?: string; bearer?: string; status?: number } = {}) {
    super(description);
    this.error = error;
    this.status = options.status ?? 401;
    const dpop = `DPoP error="${error}", error_description="${sanitizeDescription(description)}", algs="${DPOP_ALGORITHMS.join(' ')}"`;
    this.headers['www-authenticate'] = options.bearer ? `${dpop}, ${options.bearer}` : dpop;
    if (options.nonce) this.headers['dpop-nonce'] = options.nonce;
  }
}

/**
 * An error of the token-endpoint family (invalid_dpop_proof, use_dpop_nonce, invalid_token,
 * insufficient_scope...) restated for a resource that was called with the DPoP scheme.
 */
export function asDpopChallenge(err: unknown): unknown {
  if (!(err instanceof OAuthError) || err instanceof DpopResourceError) return err;
  if (!['invalid_dpop_proof', 'use_dpop_nonce', 'invalid_token', 'insufficient_scope'].includes(err.error)) return err;
  // RFC 6750 §3.1: insufficient_scope is 403, the rest 401.
  const status = err.error === 'insufficient_scope' ? 403 : 401;
  return new DpopResourceError(err.error, err.description, { nonce: err.headers['dpop-nonce'], status });
}
