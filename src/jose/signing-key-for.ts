import { DEFAULT_SIGNING_ALGORITHM, isSigningAlgorithm, type SigningAlgorithm } from './algorithms.js';
import type { SigningKey } from './sign.js';

/** What choosing a client's signing key needs of the key set. */
export interface SigningKeySource {
  algorithms(): SigningAlgorithm[];
  signingKey(alg: SigningAlgorithm): SigningKey;
  reload(): Promise<void>;
  addKey(alg: SigningAlgorithm): Promise<string>;
}

/**
 * The key that signs a client's ID tokens (OIDC Registration §2 id_token_signed_response_alg,
 * RS256 by default) and its logout tokens (Back-Channel Logout §2.4: signed like its ID tokens).
 * Registration accepts only algorithms Tessera signs with; a key for one that has none yet
 * (another process may have made it) is created once and published in the JWKS like any other.
 */
export async function signingKeyFor(keys: SigningKeySource, registeredAlg: string | undefined): Promise<SigningKey> {
  const alg = registeredAlg || DEFAULT_SIGNING_ALGORITHM;
  if (!isSigningAlgorithm(alg)) throw new Error(`unsupported signing algorithm ${alg}`);
  if (!keys.algorithms().includes(alg)) {
    await keys.reload();
    if (!keys.algorithms().includes(alg)) {
      await keys.addKey(alg);
      await keys.reload();
    }
  }
  return keys.signingKey(alg);
}
