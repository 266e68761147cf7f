import { KeyObject, sign, type SignKeyObjectInput, type webcrypto } from 'node:crypto';
import type { CryptoKey, KeyObject as JoseKeyObject } from 'jose';
import { signingAlgorithm, type SigningAlgorithm } from './algorithms.js';

/** The `typ` of each JWT Tessera signs: ID tokens, RFC 9068 access tokens, Back-Channel Logout §2.4 logout tokens. */
export type OwnJwtType = 'JWT' | 'at+jwt' | 'logout+jwt';

/** A private key that signs for one algorithm, named by its `kid` in the JWKS. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  privateKey: CryptoKey | JoseKeyObject;
}

const keyObjects = new WeakMap<object, SignKeyObjectInput | KeyObject>();

/** The key as node:crypto takes it, converted once per key. */
function signingInput(key: SigningKey): SignKeyObjectInput | KeyObject {
  let prepared = keyObjects.get(key.privateKey);
  if (!prepared) {
    const keyObject = key.privateKey instanceof KeyObject ? key.privateKey : KeyObject.from(key.privateKey as webcrypto.CryptoKey);
    const { dsaEncoding } = signingAlgorithm(key.alg);
    prepared = dsaEncoding ? { key: keyObject, dsaEncoding } : keyObject;
    keyObjects.set(key.privateKey, prepared);
  }
  return prepared;
}

/**
 * A JWT in JWS Compact Serialization (RFC 7515 §7.1, RFC 7519 §7.1), signed with `key`; the
 * only signer of Tessera's own tokens. It signs with node:crypto on libuv's thread pool rather
 * than through jose (docs/decisions.md#node-crypto-signer).
 * Members whose value is undefined are left out, as jose does.
 */
export function signJwt(key: SigningKey, typ: OwnJwtType, claims: Record<string, unknown>): Promise<string> {
  const header = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${header}.${payload}`;
  return new Promise((resolve, reject) => {
    sign(signingAlgorithm(key.alg).digest, Buffer.from(input), signingInput(key), (err, signature) =>
      err ? reject(err) : resolve(`${input}.${signature.toString('base64url')}`),
    );
  });
}
