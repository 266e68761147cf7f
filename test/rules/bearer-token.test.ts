import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bearerToken, isBearerTokenSyntax } from '../../src/rules/bearer-token.js';
import { InvalidToken } from '../../src/protocol/oauth-errors.js';

describe('Bearer Authorization header (RFC 6750 §2.1)', () => {
  it('reads the b64token of the Bearer scheme, whatever the scheme name case', () => {
    assert.equal(bearerToken('Bearer abc.DEF-_~+/=='), 'abc.DEF-_~+/==');
    assert.equal(bearerToken('bearer abc'), 'abc');
    assert.equal(bearerToken('BEARER   abc  '), 'abc');
  });

  it('is undefined without a header or with another scheme', () => {
    assert.equal(bearerToken(undefined), undefined);
    assert.equal(bearerToken('Basic Zm9vOmJhcg=='), undefined);
    assert.equal(bearerToken('Bearerabc'), undefined);
    assert.equal(bearerToken('Digest x'), undefined);
  });

  it('refuses a Bearer header whose credentials break the grammar with invalid_token', () => {
    for (const header of ['Bearer', 'Bearer ', 'Bearer  ', 'Bearer a b', 'Bearer a=b', 'Bearer a!', 'Bearer ä']) {
      assert.throws(() => bearerToken(header), InvalidToken, header);
    }
  });

  it('tells which values can be sent as a Bearer token', () => {
    assert.equal(isBearerTokenSyntax('0123456789abcdef'), true);
    assert.equal(isBearerTokenSyntax('abc=='), true);
    assert.equal(isBearerTokenSyntax('a b'), false);
    assert.equal(isBearerTokenSyntax('abc!'), false);
    assert.equal(isBearerTokenSyntax(''), false);
  });
});
