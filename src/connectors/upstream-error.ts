/**
 * Why an upstream sign-in did not give an identity. Each becomes a readable page, never a 500,
 * and nobody is signed in:
 * - denied: the person (or the upstream) said no (`error=access_denied` and the like): 400;
 * - invalid: the answer is not to be trusted (bad or replayed state, a refused or replayed code,
 *   an ID token for another audience, a wrong nonce, no subject): 400;
 * - unavailable: the upstream could not be reached or answered nonsense: 502.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly kind: 'denied' | 'invalid' | 'unavailable',
    /** For the log only: what went wrong, in the library's words. */
    readonly detail: string,
    /** The upstream's own `error` code, when it gave one. */
    readonly upstreamError?: string,
  ) {
    super(`${kind}: ${detail}`);
  }
}

/** A network failure on the way to the upstream (refused by the outbound rules, timed out, cut off). */
export class UpstreamUnreachable extends Error {
  override readonly name = 'UpstreamUnreachable';
}
