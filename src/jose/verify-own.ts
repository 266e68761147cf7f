import { isUtf8 } from 'node:buffer';
import { KeyObject, verify, type VerifyKeyObjectInput, type webcrypto } from 'node:crypto';
import type { CryptoKey, JWTPayload, KeyObject as JoseKeyObject } from 'jose';
import { isSigningAlgorithm, signingAlgorithm } from './algorithms.js';

export type VerificationKey = CryptoKey | JoseKeyObject;

/** Where the public keys of Tessera's own tokens come from, by `kid`. */
export interface VerificationKeys {
  verificationKey(kid: string): Promise<VerificationKey | undefined>;
}

/**
 * Which of Tessera's tokens a JWT must be. `access`: an RFC 9068 access token. `id`: an ID
 * token (OIDC Core §2), as an id_token_hint is; never an access or logout token.
 */
export type OwnJwtKind = 'access' | 'id';

/** The claims each kind of token is sure to have once verified. */
export interface OwnJwtClaims {
  access: JWTPayload & { iss: string; exp: number; jti: string; client_id: string; sub: string };
  id: JWTPayload & { iss: string; exp: number; sub: string; aud: string | string[]; iat: number };
}

export interface OwnJwtExpectations<K extends OwnJwtKind = OwnJwtKind> {
  issuer: string;
  kind: K;
  /** The current time in epoch seconds, for `exp` and `nbf`. */
  now: number;
  /** Accept a token whose `exp` has passed (an id_token_hint is still a hint then: OIDC Core §3.1.2.1). */
  allowExpired?: boolean;
}

/**
 * The claims of a JWT that Tessera signed as a token of the expected kind (RFC 7515 §5.2,
 * RFC 7519 §7.2, RFC 8725), or undefined when anything about it is wrong. Signatures are
 * checked with node:crypto's one-shot verify on the event loop (docs/decisions.md#own-jwt-verifier).
 * A differential test holds this to jose's `jwtVerify`.
 */
export async function verifyOwnJwt<K extends OwnJwtKind>(
  token: string,
  keys: VerificationKeys,
  expect: OwnJwtExpectations<K>,
): Promise<OwnJwtClaims[K] | undefined> {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = jsonObject(parts[0]);
  if (!header) return undefined;
  // RFC 7515 §4.1.11: no critical extension is understood here.
  if (header.crit !== undefined) return undefined;
  // RFC 8725 §3.1: only the algorithms Tessera signs with (never `none`, never HMAC).
  const alg = header.alg;
  if (!isSigningAlgorithm(alg)) return undefined;
  // RFC 8725 §3.11, RFC 9068 §4: explicit typing keeps one kind of token from passing as another.
  if (!TYP_ACCEPTED[expect.kind](header.typ)) return undefined;
  if (typeof header.kid !== 'string') return undefined;
  const key = await keys.verificationKey(header.kid);
  if (!key) return undefined;
  const keyObject = keyObjectOf(key);
  const spec = signingAlgorithm(alg);
  // RFC 8725 §3.1: the algorithm must be the key's own.
  if (keyObject.asymmetricKeyType !== spec.keyType || (spec.curve && keyObject.asymmetricKeyDetails?.namedCurve !== spec.curve))
    return undefined;
  const signature = base64url(parts[2]);
  if (!signature) return undefined;
  const input: VerifyKeyObjectInput | KeyObject = spec.dsaEncoding ? { key: keyObject, dsaEncoding: spec.dsaEncoding } : keyObject;
  let valid = false;
  try {
    valid = verify(spec.digest, Buffer.from(`${parts[0]}.${parts[1]}`), input, signature);
  } catch {
    valid = false;
  }
  if (!valid) return undefined;
  const claims = jsonObject(parts[1]);
  if (!claims || !claimsHold(claims, expect)) return undefined;
  return claims as OwnJwtClaims[K];
}

/** RFC 7519 §4.1: our issuer, an expiry that has not passed, not before its time. */
function claimsHold(claims: Record<string, unknown>, expect: OwnJwtExpectations): boolean {
  if (claims.iss !== expect.issuer) return false;
  // Every token Tessera signs expires (RFC 9068 §2.2, OIDC Core §2).
  if (typeof claims.exp !== 'number') return false;
  if (!expect.allowExpired && claims.exp <= expect.now) return false;
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > expect.now)) return false;
  if (claims.iat !== undefined && typeof claims.iat !== 'number') return false;
  return SHAPE_HOLDS[expect.kind](claims);
}

const TYP_ACCEPTED: Record<OwnJwtKind, (typ: unknown) => boolean> = {
  // RFC 9068 §2.1: at+jwt, or application/at+jwt (RFC 7515 §4.1.9: the prefix may be left out).
  access: (typ) => typeof typ === 'string' && mediaType(typ) === 'application/at+jwt',
  // OIDC Core §2 leaves typ out of ID tokens; Tessera's carry JWT. Any other typ is another kind of token.
  id: (typ) => typ === undefined || (typeof typ === 'string' && mediaType(typ) === 'application/jwt'),
};

const SHAPE_HOLDS: Record<OwnJwtKind, (claims: Record<string, unknown>) => boolean> = {
  // RFC 9068 §2.2: jti, client_id and sub identify the token, its client and its subject.
  access: (claims) => typeof claims.jti === 'string' && typeof claims.client_id === 'string' && typeof claims.sub === 'string',
  // OIDC Core §2: an ID token names its subject and its audience, and says when it was issued.
  id: (claims) => typeof claims.sub === 'string' && isAudience(claims.aud) && typeof claims.iat === 'number',
};

function isAudience(aud: unknown): boolean {
  return typeof aud === 'string' || (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string'));
}

/** RFC 7515 §4.1.9: a `typ` without a slash stands for application/<typ>; compared case-insensitively. */
function mediaType(typ: string): string {
  const lower = typ.toLowerCase();
  return typ.includes('/') ? lower : `application/${lower}`;
}

/**
 * RFC 7515 §2: base64url without padding, strictly. Buffer's decoder reads `+` and `/` as well
 * and skips characters outside the alphabet, and each skipped character shortens the result.
 */
export function base64url(part: string): Buffer | undefined {
  if (part.length % 4 === 1 || part.includes('+') || part.includes('/')) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.length === (part.length * 3) >> 2 ? bytes : undefined;
}

/** RFC 7515 §5.2 steps 2-4, 7-8: a base64url part holding a UTF-8 JSON object. */
export function jsonObject(part: string): Record<string, unknown> | undefined {
  const bytes = base64url(part);
  if (!bytes || !isUtf8(bytes)) return undefined;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const keyObjects = new WeakMap<object, KeyObject>();

function keyObjectOf(key: VerificationKey): KeyObject {
  if (key instanceof KeyObject) return key;
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = KeyObject.from(key as webcrypto.CryptoKey);
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}
