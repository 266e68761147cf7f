import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importJWK } from 'jose';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import type { SigningAlgorithm } from '../../src/jose/algorithms.js';
import { signJwt, type SigningKey } from '../../src/jose/sign.js';
import { verifyJwt } from '../../src/tokens/verify-jwt.js';

const ISSUER = 'https://issuer.example';
const expect = { issuer: ISSUER, typ: 'at+jwt', algorithms: ['RS256', 'ES256', 'EdDSA'] };
const now = () => Math.floor(Date.now() / 1000);

async function keyPair(alg: SigningAlgorithm) {
  const generated = await generateSigningKey(alg);
  const signing: SigningKey = { kid: generated.kid, alg, privateKey: (await importJWK(generated.privateJwk, alg)) as SigningKey['privateKey'] };
  return { signing, verifying: (await importJWK(generated.publicJwk, alg)) as SigningKey['privateKey'] };
}

/** A token with a header of our choosing, signed by `signing` (as an attacker with a key of ours cannot, but tests can). */
function reheader(token: string, header: Record<string, unknown>): string {
  const [, payload, signature] = token.split('.');
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;
}

describe('verifyJwt (RFC 7515 §5.2, RFC 7519 §7.2, RFC 8725)', () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    it(`${alg}: accepts a token of ours; application/at+jwt is the same type`, async () => {
      const { signing, verifying } = await keyPair(alg);
      const token = await signJwt(signing, 'at+jwt', { iss: ISSUER, sub: 'alice', iat: now(), exp: now() + 60 });
      assert.equal((await verifyJwt(token, verifying, expect))?.sub, 'alice');
      assert.equal((await verifyJwt(token, verifying, { ...expect, typ: 'application/at+jwt' }))?.sub, 'alice');
    });
  }

  it('refuses a changed payload, another issuer, expiry reached or missing, nbf in the future', async () => {
    const { signing, verifying } = await keyPair('RS256');
    const good = await signJwt(signing, 'at+jwt', { iss: ISSUER, sub: 'alice', exp: now() + 60 });
    const [h, , s] = good.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'mallory', exp: now() + 60 })).toString('base64url')}.${s}`;
    assert.equal(await verifyJwt(forged, verifying, expect), undefined, 'changed payload');
    assert.equal(await verifyJwt(await signJwt(signing, 'at+jwt', { iss: 'https://other.example', exp: now() + 60 }), verifying, expect), undefined, 'issuer');
    assert.equal(await verifyJwt(await signJwt(signing, 'at+jwt', { iss: ISSUER, exp: now() }), verifying, expect), undefined, 'exp reached');
    assert.equal(await verifyJwt(await signJwt(signing, 'at+jwt', { iss: ISSUER }), verifying, expect), undefined, 'no exp');
    assert.equal(await verifyJwt(await signJwt(signing, 'at+jwt', { iss: ISSUER, exp: now() + 60, nbf: now() + 30 }), verifying, expect), undefined, 'nbf');
    assert.equal(await verifyJwt(await signJwt(signing, 'JWT', { iss: ISSUER, exp: now() + 60 }), verifying, expect), undefined, 'typ JWT');
    assert.equal(await verifyJwt('not.a-jwt', verifying, expect), undefined, 'garbage');
  });

  it('refuses alg none, an algorithm not of the key, and critical headers', async () => {
    const { signing, verifying } = await keyPair('ES256');
    const token = await signJwt(signing, 'at+jwt', { iss: ISSUER, exp: now() + 60 });
    assert.equal(await verifyJwt(reheader(token, { alg: 'none', typ: 'at+jwt' }), verifying, expect), undefined, 'none');
    assert.equal(await verifyJwt(reheader(token, { alg: 'RS256', typ: 'at+jwt' }), verifying, expect), undefined, 'RS256 header, EC key');
    assert.equal(await verifyJwt(reheader(token, { alg: 'ES256', typ: 'at+jwt', crit: ['exp'] }), verifying, expect), undefined, 'crit');
    assert.equal(await verifyJwt(token, verifying, { ...expect, algorithms: ['RS256'] }), undefined, 'algorithm not allowed');
  });
});
