import { createHash } from 'node:crypto';

/**
 * OIDC Core §3.1.3.6 (at_hash) and §3.3.2.11 (c_hash): the left-most half of the hash of
 * the token's ASCII octets, base64url-encoded, with the hash of the JWS `alg`
 * (SHA-256 for RS256/ES256/PS256, and so on). EdDSA with Ed25519 uses SHA-512, as the
 * OpenID Foundation's EdDSA guidance for ID tokens specifies.
 */
export function tokenHash(token: string, alg: string): string {
  const digest = createHash(hashFor(alg)).update(token, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

function hashFor(alg: string): string {
  if (alg === 'EdDSA' || alg === 'Ed25519') return 'sha512';
  const bits = alg.slice(-3);
  if (bits === '256' || bits === '384' || bits === '512') return `sha${bits}`;
  throw new TypeError(`no token hash is defined for alg ${alg}`);
}
