import { KeyObject, sign, type SignKeyObjectInput, type webcrypto } from 'node:crypto';
import type { ActiveKey } from '../keys/key-set.js';

const keyObjects = new WeakMap<object, SignKeyObjectInput | KeyObject>();

/** The key as node:crypto takes it; ES256 signatures are R || S (RFC 7518 §3.4), not DER. */
function signingInput(key: ActiveKey): SignKeyObjectInput | KeyObject {
  let prepared = keyObjects.get(key.privateKey);
  if (!prepared) {
    const keyObject = key.privateKey instanceof KeyObject ? key.privateKey : KeyObject.from(key.privateKey as webcrypto.CryptoKey);
    prepared = key.alg === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : keyObject;
    keyObjects.set(key.privateKey, prepared);
  }
  return prepared;
}

/**
 * A JWT in JWS Compact Serialization (RFC 7515 §7.1, RFC 7519 §7.1), signed with `key`.
 *
 * Why not jose's SignJWT: jose signs through WebCrypto, whose per-call cost in Node 20 is
 * high (WebCrypto's entry was 13% of the token endpoint's event loop in `npm run bench --
 * --profile 1`). From one process jose makes 5,028 RS256 and 20,945 ES256 signatures/s on
 * the bench machine, node:crypto's callback form 6,150 and 45,460/s, on libuv's thread pool
 * so that the event loop stays free for requests (bench/RESULTS.md, ceiling). Members whose
 * value is undefined are left out, as jose does.
 */
export function signJwt(key: ActiveKey, typ: string, claims: Record<string, unknown>): Promise<string> {
  const header = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${header}.${payload}`;
  // RFC 7518 §3.3, §3.4: RS256 and ES256 sign SHA-256; RFC 8037 §3.1: EdDSA takes no digest.
  const digest = key.alg === 'EdDSA' ? null : 'sha256';
  return new Promise((resolve, reject) => {
    sign(digest, Buffer.from(input), signingInput(key), (err, signature) => (err ? reject(err) : resolve(`${input}.${signature.toString('base64url')}`)));
  });
}
