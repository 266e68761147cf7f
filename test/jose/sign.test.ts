import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import { SIGNING_ALGORITHMS } from '../../src/jose/algorithms.js';
import { signJwt, type SigningKey } from '../../src/jose/sign.js';

describe('signJwt (RFC 7515 compact JWS on the thread pool)', () => {
  for (const alg of SIGNING_ALGORITHMS) {
    it(`${alg}: verifies with the public key, header carries alg, kid and typ`, async () => {
      const generated = await generateSigningKey(alg);
      const key: SigningKey = {
        kid: generated.kid,
        alg,
        privateKey: (await importJWK(generated.privateJwk, alg)) as SigningKey['privateKey'],
      };
      const token = await signJwt(key, 'at+jwt', {
        iss: 'https://issuer.example',
        sub: 'alice',
        aud: 'urn:api',
        iat: 1,
        exp: 4102444800,
        scope: undefined,
      });
      assert.deepEqual(decodeProtectedHeader(token), { alg, kid: generated.kid, typ: 'at+jwt' });
      const { payload } = await jwtVerify(token, await importJWK(generated.publicJwk, alg), {
        typ: 'at+jwt',
        issuer: 'https://issuer.example',
        audience: 'urn:api',
      });
      assert.equal(payload.sub, 'alice');
      // Members whose value is undefined are left out, as jose leaves them out.
      assert.equal('scope' in payload, false);
    });
  }

  it('ES256 signatures are 64 bytes of R || S, not DER (RFC 7518 §3.4)', async () => {
    const generated = await generateSigningKey('ES256');
    const key: SigningKey = {
      kid: generated.kid,
      alg: 'ES256',
      privateKey: (await importJWK(generated.privateJwk, 'ES256')) as SigningKey['privateKey'],
    };
    const token = await signJwt(key, 'JWT', { sub: 'x' });
    assert.equal(Buffer.from(token.split('.')[2], 'base64url').length, 64);
  });
});
