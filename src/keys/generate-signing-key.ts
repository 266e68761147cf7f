import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { signingAlgorithm, type SigningAlgorithm } from '../jose/algorithms.js';

export interface GeneratedKey {
  kid: string;
  alg: SigningAlgorithm;
  publicJwk: JWK;
  privateJwk: JWK;
}

/** A fresh key pair of the algorithm's key type; its `kid` is the RFC 7638 thumbprint, unique per key. */
export async function generateSigningKey(alg: SigningAlgorithm): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { ...signingAlgorithm(alg).generate, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const publicPart: JWK = { ...publicJwk, kid, alg, use: 'sig' };
  return { kid, alg, publicJwk: publicPart, privateJwk: { ...privateJwk, kid, alg } };
}
