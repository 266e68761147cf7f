import { createHash } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { DPOP_ALGORITHMS } from '../jose/algorithms.js';
import { InvalidDpopProof, UseDpopNonce } from '../protocol/oauth-errors.js';
import type { UsedJtisStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import type { DpopNonces } from './dpop-nonces.js';
import type { DpopExpectation, DpopProof } from './dpop-proof.js';
import { htuMatches } from './htu.js';
import { verifyProofSignature } from './verify-proof-signature.js';
import { jsonObject } from '../jose/verify-own.js';

export interface DpopProofChecks {
  /** Seconds `iat` may be off, either way (config dpop.proofWindow). */
  proofWindow: number;
  /** Require a server nonce (config dpop.requireNonce). */
  requireNonce: boolean;
  nonces: DpopNonces;
  /** Replay state shared by every instance (the client-assertion store, keys prefixed `dpop:`). */
  usedJtis: Pick<UsedJtisStore, 'remember'>;
  clock: Clock;
}

/** Members of a private or symmetric JWK (RFC 7518 §6.2.2, §6.3.2, §6.4, RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_PROOF_LENGTH = 8192;

/**
 * RFC 9449 §4.3: checks one DPoP proof against the request it came with. Every refusal is
 * `invalid_dpop_proof`, except a missing or stale server nonce: `use_dpop_nonce` with a new one.
 */
export async function checkDpopProof(checks: DpopProofChecks, proof: string, expected: DpopExpectation): Promise<DpopProof> {
  // §4.3 step 2: a well-formed JWT (a JWS in compact serialisation).
  const header = proof.length <= MAX_PROOF_LENGTH && proof.split('.').length === 3 ? jsonObject(proof.split('.')[0]) : undefined;
  if (!header) throw new InvalidDpopProof('the DPoP proof is not a JWT');
  // RFC 7515 §4.1.11: no critical extension is understood here.
  if (header.crit !== undefined) throw new InvalidDpopProof('the DPoP proof has a crit header');
  // §4.3 step 4: typ is dpop+jwt.
  if (header.typ !== 'dpop+jwt') throw new InvalidDpopProof('the DPoP proof must have typ dpop+jwt');
  // §4.3 step 5: an asymmetric algorithm this server supports; never none, never a MAC.
  if (typeof header.alg !== 'string' || !DPOP_ALGORITHMS.includes(header.alg))
    throw new InvalidDpopProof(`the DPoP proof algorithm must be one of ${DPOP_ALGORITHMS.join(' ')}`);
  // §4.3 step 7: the jwk header is a public key, without a private part.
  const jwk = header.jwk as JsonWebKey | undefined;
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) throw new InvalidDpopProof('the DPoP proof has no jwk header');
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) throw new InvalidDpopProof('the DPoP proof jwk must be a public key');

  // §4.3 step 6: the signature verifies with that key.
  const verified = verifyProofSignature(proof, header.alg, jwk);
  if (!verified) throw new InvalidDpopProof('the DPoP proof signature does not verify with its jwk');
  const { payload, jkt } = verified;

  // §4.3 step 3, §4.2: the required claims.
  const { jti, htm, htu, iat } = payload;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw new InvalidDpopProof('the DPoP proof needs a jti');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new InvalidDpopProof('the DPoP proof needs an iat');
  // §4.3 step 8: htm is the request's method.
  if (htm !== expected.method) throw new InvalidDpopProof(`the DPoP proof htm must be ${expected.method}`);
  // §4.3 step 9: htu is this endpoint's URI, without query and fragment.
  if (!htuMatches(htu, expected.url)) throw new InvalidDpopProof(`the DPoP proof htu must be ${expected.url}`);
  // §4.3 step 11: created within the acceptable window (§11.1 allows for clock skew).
  const now = checks.clock.nowSeconds();
  if (Math.abs(now - iat) > checks.proofWindow) throw new InvalidDpopProof('the DPoP proof iat is outside the acceptable window');
  // §4.3 step 12: at a protected resource, ath is the hash of the access token presented.
  if (expected.accessToken !== undefined) {
    const ath = createHash('sha256').update(expected.accessToken).digest('base64url');
    if (payload.ath !== ath) throw new InvalidDpopProof('the DPoP proof ath does not match the access token');
  }
  // §4.3 step 10, §8: the server nonce, when the server requires one.
  if (checks.requireNonce && !checks.nonces.accepts(payload.nonce)) {
    const description = payload.nonce === undefined ? 'a DPoP nonce is required' : 'the DPoP nonce is stale or invalid';
    throw new UseDpopNonce(description, checks.nonces.current());
  }

  // §11.1: a proof is used once. The state is in the shared database, so a replay at another instance is seen too.
  const fresh = await checks.usedJtis.remember(`dpop:${jkt}:${jti}`, Math.floor(iat) + checks.proofWindow + 1, now);
  if (!fresh) throw new InvalidDpopProof('the DPoP proof has been used before');
  return { jkt, jti, iat };
}
