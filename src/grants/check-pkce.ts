import { createHash } from 'node:crypto';
import { InvalidGrant } from '../http/oauth-errors.js';
import { safeEqual } from '../util/hashing.js';

// RFC 7636 §4.1: code-verifier = 43*128unreserved, unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * RFC 7636 §4.6: the token request's code_verifier against the challenge bound to the code.
 * `method` null means plain (§4.3: an omitted method defaults to plain).
 */
export function checkPkce(challenge: string | null, method: string | null, verifier: string | undefined): void {
  if (challenge === null) {
    // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is a downgrade attempt.
    if (verifier !== undefined) throw new InvalidGrant('code_verifier was sent but the authorization request had no code_challenge');
    return;
  }
  // RFC 7636 §4.6: the challenge was sent, so the verifier must be.
  if (verifier === undefined) throw new InvalidGrant('code_verifier is required for this code');
  if (!VERIFIER.test(verifier)) throw new InvalidGrant('code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
  if (method !== null && method !== 'S256' && method !== 'plain') throw new InvalidGrant('the code was issued with an unsupported code_challenge_method');
  const expected = method === 'S256' ? createHash('sha256').update(verifier, 'ascii').digest('base64url') : verifier;
  // Compared in constant time: the challenge is a secret-derived value.
  if (!safeEqual(expected, challenge)) throw new InvalidGrant('code_verifier does not match the code_challenge');
}
