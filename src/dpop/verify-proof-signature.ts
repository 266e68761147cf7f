import { constants, createHash, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { base64url, jsonObject } from '../jose/verify-own.js';

/** How node:crypto checks each algorithm a proof may use (RFC 7518 §3, RFC 8037 §3.1); the list is DPOP_ALGORITHMS. */
interface ProofAlgorithm {
  keyTypes: string[];
  curve?: string;
  digest: string | null;
  pss?: boolean;
  ecdsa?: boolean;
}

const rsa = (digest: string, pss = false): ProofAlgorithm => ({ keyTypes: ['rsa'], digest, pss });
const ec = (curve: string, digest: string): ProofAlgorithm => ({ keyTypes: ['ec'], curve, digest, ecdsa: true });

const PROOF_ALGORITHMS: Record<string, ProofAlgorithm> = {
  RS256: rsa('sha256'),
  RS384: rsa('sha384'),
  RS512: rsa('sha512'),
  PS256: rsa('sha256', true),
  PS384: rsa('sha384', true),
  PS512: rsa('sha512', true),
  ES256: ec('prime256v1', 'sha256'),
  ES384: ec('secp384r1', 'sha384'),
  ES512: ec('secp521r1', 'sha512'),
  EdDSA: { keyTypes: ['ed25519', 'ed448'], digest: null },
};

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Record<string, string[]> = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'], OKP: ['crv', 'kty', 'x'] };

export interface VerifiedProof {
  payload: Record<string, unknown>;
  /** RFC 7638 SHA-256 thumbprint of the header's jwk. */
  jkt: string;
}

/**
 * RFC 9449 §4.3 step 6: the proof's signature verifies with the public key of its `jwk` header
 * under its `alg` (which the caller has checked is allowed). node:crypto's one-shot verify, on the
 * event loop (docs/decisions.md#dpop-proof-verifier), as for Tessera's own JWTs: WebCrypto's
 * importKey, verify and digest cost more per proof. Undefined when anything is wrong.
 */
export function verifyProofSignature(proof: string, alg: string, jwk: JsonWebKey): VerifiedProof | undefined {
  const spec = PROOF_ALGORITHMS[alg];
  const members = typeof jwk.kty === 'string' ? THUMBPRINT_MEMBERS[jwk.kty] : undefined;
  if (!spec || !members || members.some((m) => typeof jwk[m as keyof JsonWebKey] !== 'string')) return undefined;
  const canonical = JSON.stringify(Object.fromEntries(members.map((m) => [m, jwk[m as keyof JsonWebKey]])));
  const key = publicKeyOf(canonical);
  if (!key) return undefined;
  // RFC 8725 §3.1: the algorithm must be the key's own; RSA keys of at least 2048 bits (RFC 7518 §3.3).
  if (!spec.keyTypes.includes(key.asymmetricKeyType ?? '')) return undefined;
  if (spec.curve && key.asymmetricKeyDetails?.namedCurve !== spec.curve) return undefined;
  if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
  const [header, payload, signature] = proof.split('.');
  const signatureBytes = base64url(signature);
  if (!signatureBytes) return undefined;
  const input = spec.pss
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : spec.ecdsa
      ? { key, dsaEncoding: 'ieee-p1363' as const }
      : key;
  let valid = false;
  try {
    valid = verify(spec.digest, Buffer.from(`${header}.${payload}`), input, signatureBytes);
  } catch {
    valid = false;
  }
  const claims = valid ? jsonObject(payload) : undefined;
  if (!claims) return undefined;
  return { payload: claims, jkt: createHash('sha256').update(canonical).digest('base64url') };
}

/**
 * A client signs every proof with the same key: its KeyObject is kept (importing a JWK costs
 * more than verifying with it). Keyed by the RFC 7638 members, which are the whole public key.
 */
const publicKeys = new Map<string, KeyObject | null>();
const MAX_CACHED_KEYS = 1024;

function publicKeyOf(canonical: string): KeyObject | undefined {
  let key = publicKeys.get(canonical);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: JSON.parse(canonical) as JsonWebKey, format: 'jwk' });
    } catch {
      key = null;
    }
    if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.clear();
    publicKeys.set(canonical, key);
  }
  return key ?? undefined;
}
