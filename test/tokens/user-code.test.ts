import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatUserCode, generateUserCode, normaliseUserCode, USER_CODE_ALPHABET } from '../../src/tokens/user-code.js';

describe('user codes (RFC 8628 §6.1)', () => {
  it('are 8 characters of the 20-consonant alphabet, shown as XXXX-XXXX', () => {
    assert.equal(USER_CODE_ALPHABET, 'BCDFGHJKLMNPQRSTVWXZ');
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = generateUserCode();
      assert.match(code, /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
      assert.match(formatUserCode(code), /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      seen.add(code);
    }
    assert.ok(seen.size > 1990);
    // every letter is used: the code space is the whole 20^8
    assert.equal(new Set([...seen].join('')).size, 20);
  });

  it('accept what people type: any case, with or without dash and spaces', () => {
    for (const typed of ['MMQH-NCTW', 'mmqh-nctw', 'MMQHNCTW', ' mmqh nctw ', 'Mm-Qh Nc-Tw', 'ｍｍｑｈ－ＮＣＴＷ'])
      assert.equal(normaliseUserCode(typed), 'MMQHNCTW', typed);
  });

  it('refuse what cannot be a user code', () => {
    for (const typed of ['', 'MMQH-NCT', 'MMQH-NCTWX', 'AEIO-UAEI', 'MMQH_NCTW', 'MMQH-NCT1'])
      assert.equal(normaliseUserCode(typed), undefined, typed);
  });
});
