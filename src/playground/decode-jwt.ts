import { createHash } from 'node:crypto';
import { compactVerify, createLocalJWKSet, decodeJwt as readClaims, decodeProtectedHeader, type JSONWebKeySet } from 'jose';

/** A JWT of a response, as the playground shows it: decoded, its key named, its signature and at_hash checked. */
export interface DecodedJwt {
  /** The response member it came from (id_token, access_token). */
  name: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  kid: string | undefined;
  /** Checked against the JWKS fetched from this server. */
  signature: 'verified' | 'does not verify' | 'no key with this kid' | 'not a decodable JWT';
  /** OIDC Core §3.1.3.6: for an ID token issued with an access token. */
  atHash?: 'matches the access token' | 'does not match the access token' | 'absent';
}

export function looksLikeJwt(value: unknown): value is string {
  return typeof value === 'string' && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(value);
}

/** The hash of `alg` that at_hash uses (OIDC Core §3.1.3.6; EdDSA with Ed25519: SHA-512). */
function atHashAlgorithm(alg: unknown): string | undefined {
  if (typeof alg !== 'string') return undefined;
  if (alg === 'EdDSA' || alg === 'Ed25519') return 'sha512';
  const bits = /(256|384|512)$/.exec(alg)?.[1];
  return bits ? `sha${bits}` : undefined;
}

/** base64url of the left half of the hash of the access token, as at_hash carries it. */
export function computeAtHash(alg: unknown, accessToken: string): string | undefined {
  const hash = atHashAlgorithm(alg);
  if (!hash) return undefined;
  const digest = createHash(hash).update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export async function decodeJwt(name: string, token: string, jwks: JSONWebKeySet, accessToken?: string): Promise<DecodedJwt> {
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
    claims = readClaims(token) as Record<string, unknown>;
  } catch {
    return { name, header: {}, claims: {}, kid: undefined, signature: 'not a decodable JWT' };
  }
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  let signature: DecodedJwt['signature'];
  if (!jwks.keys.some((key) => key.kid === kid)) signature = 'no key with this kid';
  else {
    try {
      await compactVerify(token, createLocalJWKSet(jwks));
      signature = 'verified';
    } catch {
      signature = 'does not verify';
    }
  }
  const decoded: DecodedJwt = { name, header, claims, kid, signature };
  if (name === 'id_token' && accessToken !== undefined) {
    if (typeof claims.at_hash !== 'string') decoded.atHash = 'absent';
    else
      decoded.atHash =
        computeAtHash(header.alg, accessToken) === claims.at_hash ? 'matches the access token' : 'does not match the access token';
  }
  return decoded;
}
