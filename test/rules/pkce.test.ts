import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { checkCodeVerifier } from '../../src/rules/pkce.js';
import { InvalidGrant } from '../../src/protocol/oauth-errors.js';

const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const s256 = createHash('sha256').update(verifier).digest('base64url');

describe('code verifier (RFC 7636 §4.6)', () => {
  it('accepts the verifier of an S256 or plain challenge', () => {
    assert.equal(s256, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'RFC 7636 appendix B');
    checkCodeVerifier(s256, 'S256', verifier);
    checkCodeVerifier(verifier, 'plain', verifier);
    checkCodeVerifier(verifier, null, verifier);
    checkCodeVerifier(null, null, undefined);
  });

  it('refuses a wrong, missing, unexpected or malformed verifier with invalid_grant', () => {
    assert.throws(() => checkCodeVerifier(s256, 'S256', verifier.replace('d', 'e')), InvalidGrant);
    assert.throws(() => checkCodeVerifier(s256, 'S256', undefined), InvalidGrant);
    assert.throws(() => checkCodeVerifier(null, null, verifier), InvalidGrant);
    assert.throws(() => checkCodeVerifier('a'.repeat(42), 'plain', 'a'.repeat(42)), InvalidGrant, 'shorter than 43');
    assert.throws(() => checkCodeVerifier(`${'a'.repeat(42)}=`, 'plain', `${'a'.repeat(42)}=`), InvalidGrant, 'outside unreserved');
    assert.throws(() => checkCodeVerifier(verifier, 'S384', verifier), InvalidGrant);
  });
});
