import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importJWK, SignJWT } from 'jose';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import type { SigningAlgorithm } from '../../src/jose/algorithms.js';
import { signJwt, type SigningKey } from '../../src/jose/sign.js';
import { verifyOwnJwt, type OwnJwtExpectations, type VerificationKeys } from '../../src/jose/verify-own.js';

const ISSUER = 'https://issuer.example';
const now = () => Math.floor(Date.now() / 1000);
const expect = (): OwnJwtExpectations<'access'> => ({ issuer: ISSUER, kind: 'access', now: now() });
/** The members that make a JWT an access token (RFC 9068 §2.2). */
const access = { client_id: 'web', jti: 'jti-1' };

async function keyPair(alg: SigningAlgorithm) {
  const generated = await generateSigningKey(alg);
  const signing: SigningKey = {
    kid: generated.kid,
    alg,
    privateKey: (await importJWK(generated.privateJwk, alg)) as SigningKey['privateKey'],
  };
  const verifying = (await importJWK(generated.publicJwk, alg)) as SigningKey['privateKey'];
  const keys: VerificationKeys = { verificationKey: async (kid) => (kid === generated.kid ? verifying : undefined) };
  return { signing, keys };
}

/** A token with a header of our choosing, signed by `signing` (as an attacker with a key of ours cannot, but tests can). */
function reheader(token: string, header: Record<string, unknown>): string {
  const [, payload, signature] = token.split('.');
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;
}

describe('verifyOwnJwt (RFC 7515 §5.2, RFC 7519 §7.2, RFC 8725)', () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
    it(`${alg}: accepts a token of ours; application/at+jwt is the same type`, async () => {
      const { signing, keys } = await keyPair(alg);
      const claims = { ...access, iss: ISSUER, sub: 'alice', iat: now(), exp: now() + 60 };
      assert.equal((await verifyOwnJwt(await signJwt(signing, 'at+jwt', claims), keys, expect()))?.sub, 'alice');
      assert.equal((await verifyOwnJwt(await signJwt(signing, 'application/at+jwt' as 'at+jwt', claims), keys, expect()))?.sub, 'alice');
    });
  }

  it('refuses a changed payload, another issuer, expiry reached or missing, nbf in the future', async () => {
    const { signing, keys } = await keyPair('RS256');
    const good = await signJwt(signing, 'at+jwt', { ...access, iss: ISSUER, sub: 'alice', exp: now() + 60 });
    const [h, , s] = good.split('.');
    const payload = Buffer.from(JSON.stringify({ ...access, iss: ISSUER, sub: 'mallory', exp: now() + 60 })).toString('base64url');
    const forged = `${h}.${payload}.${s}`;
    assert.equal(await verifyOwnJwt(forged, keys, expect()), undefined, 'changed payload');
    const sign = (claims: Record<string, unknown>, typ: 'at+jwt' | 'JWT' = 'at+jwt') =>
      signJwt(signing, typ, { ...access, sub: 'alice', ...claims });
    assert.equal(await verifyOwnJwt(await sign({ iss: 'https://other.example', exp: now() + 60 }), keys, expect()), undefined, 'issuer');
    assert.equal(await verifyOwnJwt(await sign({ iss: ISSUER, exp: now() }), keys, expect()), undefined, 'exp reached');
    assert.equal(await verifyOwnJwt(await sign({ iss: ISSUER }), keys, expect()), undefined, 'no exp');
    assert.equal(await verifyOwnJwt(await sign({ iss: ISSUER, exp: now() + 60, nbf: now() + 30 }), keys, expect()), undefined, 'nbf');
    assert.equal(await verifyOwnJwt(await sign({ iss: ISSUER, exp: now() + 60 }, 'JWT'), keys, expect()), undefined, 'typ JWT');
    assert.equal(await verifyOwnJwt('not.a-jwt', keys, expect()), undefined, 'garbage');
  });

  it('refuses alg none, an algorithm not of the key, critical headers, and an algorithm Tessera does not sign with', async () => {
    const { signing, keys } = await keyPair('ES256');
    const token = await signJwt(signing, 'at+jwt', { ...access, iss: ISSUER, sub: 'alice', exp: now() + 60 });
    const kid = signing.kid;
    assert.equal(await verifyOwnJwt(reheader(token, { alg: 'none', kid, typ: 'at+jwt' }), keys, expect()), undefined, 'none');
    assert.equal(
      await verifyOwnJwt(reheader(token, { alg: 'RS256', kid, typ: 'at+jwt' }), keys, expect()),
      undefined,
      'RS256 header, EC key',
    );
    assert.equal(
      await verifyOwnJwt(reheader(token, { alg: 'ES256', kid, typ: 'at+jwt', crit: ['exp'] }), keys, expect()),
      undefined,
      'crit',
    );
    assert.equal(
      await verifyOwnJwt(reheader(token, { alg: 'ES384', kid, typ: 'at+jwt' }), keys, expect()),
      undefined,
      'algorithm not allowed',
    );
    assert.ok(
      await verifyOwnJwt(reheader(token, { alg: 'ES256', kid, typ: 'at+jwt' }), keys, expect()),
      'the same header, re-encoded, still verifies',
    );
  });

  it('keeps each kind of token to its use: an access token is never an ID token, and the reverse (RFC 8725 §3.11)', async () => {
    const { signing, keys } = await keyPair('RS256');
    const claims = { ...access, iss: ISSUER, sub: 'alice', aud: 'web', iat: now(), exp: now() + 60 };
    const id = (token: string) => verifyOwnJwt(token, keys, { issuer: ISSUER, kind: 'id', now: now() });
    assert.equal((await id(await signJwt(signing, 'JWT', claims)))?.sub, 'alice', 'an ID token');
    const untyped = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: signing.kid }).sign(signing.privateKey);
    assert.equal((await id(untyped))?.sub, 'alice', 'no typ');
    assert.equal(await id(await signJwt(signing, 'at+jwt', claims)), undefined, 'an access token as an ID token');
    assert.equal(await id(await signJwt(signing, 'logout+jwt', claims)), undefined, 'a logout token as an ID token');
    assert.equal(await verifyOwnJwt(await signJwt(signing, 'JWT', claims), keys, expect()), undefined, 'an ID token as an access token');
    assert.equal(
      await verifyOwnJwt(await signJwt(signing, 'logout+jwt', claims), keys, expect()),
      undefined,
      'a logout token as an access token',
    );
    for (const missing of ['sub', 'aud', 'iat']) {
      assert.equal(await id(await signJwt(signing, 'JWT', { ...claims, [missing]: undefined })), undefined, `an ID token needs ${missing}`);
    }
  });

  it('accepts an expired ID token only when told to (id_token_hint), still refusing a future nbf', async () => {
    const { signing, keys } = await keyPair('EdDSA');
    const expired = await signJwt(signing, 'JWT', { iss: ISSUER, sub: 'alice', aud: 'web', iat: now() - 7200, exp: now() - 3600 });
    assert.equal(await verifyOwnJwt(expired, keys, { issuer: ISSUER, kind: 'id', now: now() }), undefined);
    assert.equal((await verifyOwnJwt(expired, keys, { issuer: ISSUER, kind: 'id', now: now(), allowExpired: true }))?.sub, 'alice');
    const early = await signJwt(signing, 'JWT', { iss: ISSUER, sub: 'alice', aud: 'web', iat: now(), nbf: now() + 60, exp: now() - 3600 });
    assert.equal(await verifyOwnJwt(early, keys, { issuer: ISSUER, kind: 'id', now: now(), allowExpired: true }), undefined);
  });
});
