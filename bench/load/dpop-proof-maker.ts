import { createPrivateKey, randomBytes, sign, type JsonWebKey } from 'node:crypto';

/** What a load step needs to send a fresh DPoP proof (RFC 9449 §4.2) with every request. */
export interface DpopStep {
  /** A private P-256 JWK (ES256). */
  privateJwk: JsonWebKey;
  /** The `htu`: the URL the request goes to. */
  htu: string;
}

/**
 * Makes proofs synchronously, as autocannon's setupRequest needs: one per request, each with
 * its own `jti`, signed with node:crypto (ES256, R || S).
 */
export function dpopProofMaker(step: DpopStep, htm: string): () => string {
  const key = createPrivateKey({ key: step.privateJwk, format: 'jwk' });
  const { kty, crv, x, y } = step.privateJwk;
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } });
  return () => {
    const claims = encode({ jti: randomBytes(16).toString('base64url'), htm, htu: step.htu, iat: Math.floor(Date.now() / 1000) });
    const input = `${header}.${claims}`;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    return `${input}.${signature}`;
  };
}
