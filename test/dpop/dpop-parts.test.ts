import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { htuMatches, normalizeHtu } from '../../src/dpop/htu.js';
import { dpopNonces } from '../../src/dpop/dpop-nonces.js';
import { pushedRequestDpopJkt, checkDpopJktParam } from '../../src/dpop/dpop-jkt-param.js';
import { verifyProofSignature } from '../../src/dpop/verify-proof-signature.js';
import { DPOP_ALGORITHMS } from '../../src/jose/algorithms.js';
import { dpopKey, dpopProof } from '../support/dpop-fixtures.js';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import type { JsonWebKey } from 'node:crypto';

describe('htu comparison (RFC 9449 §4.3)', () => {
  it('normalises scheme and host case and the default port, and drops query and fragment', () => {
    assert.equal(normalizeHtu('HTTPS://Login.Example:443/token?a=1#x'), 'https://login.example/token');
    assert.ok(htuMatches('http://LOCALHOST:80/token', 'http://localhost/token'));
  });

  it('keeps the path and a non-default port, and refuses what is not an http(s) URL', () => {
    assert.ok(!htuMatches('https://login.example/Token', 'https://login.example/token'));
    assert.ok(!htuMatches('https://login.example:8443/token', 'https://login.example/token'));
    assert.ok(!htuMatches('urn:x:token', 'https://login.example/token'));
    assert.ok(!htuMatches(42, 'https://login.example/token'));
  });
});

describe('DPoP nonces (RFC 9449 §8)', () => {
  const key = Buffer.alloc(32, 7);
  let now = 1_000_000;
  const nonces = dpopNonces(key, 300, { nowSeconds: () => now });

  it('accepts the current and the previous window, not older ones nor another key', () => {
    const issued = nonces.current();
    assert.ok(nonces.accepts(issued));
    now += 300;
    assert.ok(nonces.accepts(issued));
    assert.notEqual(nonces.current(), issued);
    now += 300;
    assert.ok(!nonces.accepts(issued));
    assert.ok(!dpopNonces(Buffer.alloc(32, 8), 300, { nowSeconds: () => now }).accepts(nonces.current()));
    assert.ok(!nonces.accepts(undefined));
    assert.ok(!nonces.accepts(42));
  });
});

describe('dpop_jkt (RFC 9449 §10)', () => {
  const jkt = 'a'.repeat(43);
  it('reads a thumbprint, refuses anything else, and is ignored when DPoP is off', () => {
    assert.equal(checkDpopJktParam({ dpop_jkt: jkt }, true), jkt);
    assert.equal(checkDpopJktParam({ dpop_jkt: 'short' }, false), undefined);
    assert.throws(() => checkDpopJktParam({ dpop_jkt: 'short' }, true), { error: 'invalid_request' });
  });

  it('binds a pushed request to the proof key, which must agree with dpop_jkt (§10.1)', () => {
    const proof = { jkt, jti: 'j', iat: 1 };
    assert.equal(pushedRequestDpopJkt({}, proof), jkt);
    assert.equal(pushedRequestDpopJkt({ dpop_jkt: jkt }, undefined), jkt);
    assert.equal(pushedRequestDpopJkt({}, undefined), undefined);
    assert.throws(() => pushedRequestDpopJkt({ dpop_jkt: 'b'.repeat(43) }, proof), { error: 'invalid_dpop_proof' });
  });
});

describe('proof signatures: node:crypto agrees with jose (RFC 9449 §4.3 step 6)', () => {
  it('accepts what jose accepts and refuses what it refuses, with the same thumbprint, for every algorithm', async () => {
    for (const alg of DPOP_ALGORITHMS) {
      const key = await dpopKey(alg);
      const proof = await dpopProof(key, { htu: 'https://login.example/token' });
      const [h, p, s] = proof.split('.');
      const tampered = [
        `${h}.${p}.${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
        `${h}.${Buffer.from(JSON.stringify({ htm: 'GET' })).toString('base64url')}.${s}`,
      ];
      for (const [token, expected] of [[proof, true], ...tampered.map((t) => [t, false] as const)] as const) {
        const ours = verifyProofSignature(token, alg, key.publicJwk as JsonWebKey);
        const theirs = await jwtVerify(token, EmbeddedJWK, { algorithms: [alg] }).then(
          () => true,
          () => false,
        );
        assert.equal(ours !== undefined, theirs, `${alg} ${expected}`);
        assert.equal(theirs, expected, alg);
        if (ours) assert.equal(ours.jkt, await calculateJwkThumbprint(key.publicJwk, 'sha256'));
      }
      // The key of another algorithm's family never verifies.
      const foreign = alg.startsWith('ES') ? 'RS256' : 'ES256';
      assert.equal(verifyProofSignature(proof, foreign, key.publicJwk as JsonWebKey), undefined);
    }
  });

  it('refuses RSA keys under 2048 bits', async () => {
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = publicKey.export({ format: 'jwk' });
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${part({ typ: 'dpop+jwt', alg: 'RS256', jwk })}.${part({ htm: 'POST', htu: 'https://login.example/token', iat: 1, jti: 'j' })}`;
    const proof = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    assert.equal(verifyProofSignature(proof, 'RS256', jwk), undefined);
  });
});
