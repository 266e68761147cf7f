/**
 * The one list of JWS algorithms (RFC 7518 §3) Tessera deals in. Signing keys, discovery,
 * config and client-metadata validation, the signer and every verifier read it from here.
 */

/** What an algorithm needs of its key, and how node:crypto signs with it. */
export interface SigningAlgorithmSpec {
  /** node:crypto's `asymmetricKeyType` of the only key type this algorithm may use (RFC 8725 §3.1). */
  keyType: 'rsa' | 'ec' | 'ed25519';
  /** The named curve of an EC key (OpenSSL name). */
  curve?: 'prime256v1';
  /** The digest node:crypto hashes the signing input with; EdDSA takes none (RFC 8037 §3.1). */
  digest: 'sha256' | null;
  /** RFC 7518 §3.4: an ECDSA signature is R || S, not DER. */
  dsaEncoding?: 'ieee-p1363';
  /** Options for jose's generateKeyPair. */
  generate: { modulusLength?: number; crv?: string };
}

/** The algorithms Tessera signs its own JWTs with (ID, access and logout tokens). */
const SIGNING = {
  // RFC 7518 §3.3: RSASSA-PKCS1-v1_5 with SHA-256 on an RSA key of at least 2048 bits.
  RS256: { keyType: 'rsa', digest: 'sha256', generate: { modulusLength: 2048 } },
  // RFC 7518 §3.4: ECDSA on P-256 with SHA-256.
  ES256: { keyType: 'ec', curve: 'prime256v1', digest: 'sha256', dsaEncoding: 'ieee-p1363', generate: {} },
  // RFC 8037 §3.1: EdDSA, here only with Ed25519.
  EdDSA: { keyType: 'ed25519', digest: null, generate: { crv: 'Ed25519' } },
} as const satisfies Record<string, SigningAlgorithmSpec>;

export type SigningAlgorithm = keyof typeof SIGNING;

/** RS256 first: OIDC Core §15.1 makes it the one algorithm every OP supports. */
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = Object.freeze(Object.keys(SIGNING) as SigningAlgorithm[]);

/** OIDC Registration §2: id_token_signed_response_alg defaults to RS256. */
export const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = 'RS256';

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return typeof value === 'string' && Object.hasOwn(SIGNING, value);
}

export function signingAlgorithm(alg: SigningAlgorithm): SigningAlgorithmSpec {
  return SIGNING[alg];
}

/** private_key_jwt assertions (OIDC Core §9); asymmetric only (RFC 9700 §2.5 prefers asymmetric client auth). */
export const ASYMMETRIC_ASSERTION_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
]);

/** RFC 9449 §4.2: DPoP proofs are signed with an asymmetric algorithm (`dpop_signing_alg_values_supported`). */
export const DPOP_ALGORITHMS: readonly string[] = ASYMMETRIC_ASSERTION_ALGORITHMS;

/**
 * Request objects (RFC 9101 §4): signed by the client with a key of its registered `jwks` or
 * `jwks_uri`, so asymmetric only; never `none` (RFC 9101 §10.1 lets a server refuse unsigned ones).
 */
export const REQUEST_OBJECT_ALGORITHMS: readonly string[] = ASYMMETRIC_ASSERTION_ALGORITHMS;

/** client_secret_jwt assertions (OIDC Core §9): HMAC under the client secret. */
export const HMAC_ASSERTION_ALGORITHMS: readonly string[] = Object.freeze(['HS256', 'HS384', 'HS512']);

/** Every algorithm a client assertion may use (`token_endpoint_auth_signing_alg_values_supported`). */
export const ASSERTION_ALGORITHMS: readonly string[] = Object.freeze([...ASYMMETRIC_ASSERTION_ALGORITHMS, ...HMAC_ASSERTION_ALGORITHMS]);

/**
 * The algorithms one assertion may use: the method's family, narrowed to the client's
 * registered `token_endpoint_auth_signing_alg` when it has one (OIDC Registration §2).
 */
export function assertionAlgorithms(family: readonly string[], registered: string | undefined): string[] {
  return registered ? family.filter((alg) => alg === registered) : [...family];
}
