import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { negotiateLanguage, uiLocalesList } from '../../src/i18n/negotiate-language.js';

describe('negotiateLanguage', () => {
  it('takes the first ui_locales tag Tessera speaks, matching regional tags to their language', () => {
    assert.equal(negotiateLanguage({ uiLocales: 'fr-CA de', acceptLanguage: 'ja' }), 'fr');
    assert.equal(negotiateLanguage({ uiLocales: 'pt-BR de' }), 'de', 'a tag without a match is skipped, not an error');
    assert.equal(negotiateLanguage({ uiLocales: 'ar-EG' }), 'ar');
  });

  it('falls back to Accept-Language by q-value, then to the default', () => {
    assert.equal(negotiateLanguage({ uiLocales: 'xx zz', acceptLanguage: 'ja,en;q=0.5' }), 'ja');
    assert.equal(negotiateLanguage({ acceptLanguage: 'en;q=0.1, es-419;q=0.9' }), 'es');
    assert.equal(negotiateLanguage({ acceptLanguage: 'zh, *;q=0.1', defaultLanguage: 'de' }), 'de');
    assert.equal(negotiateLanguage({}), 'en');
  });

  it('drops malformed and oversized ui_locales values', () => {
    assert.deepEqual(uiLocalesList('de <script> en-GB'), ['de', 'en-GB']);
    assert.deepEqual(uiLocalesList(`de ${'x'.repeat(300)}`), []);
    assert.equal(negotiateLanguage({ uiLocales: '"><img', acceptLanguage: 'x-private, fr' }), 'fr');
  });
});
