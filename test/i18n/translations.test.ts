import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readCatalogues } from '../../src/i18n/catalogues.js';
import { FALLBACK_LANGUAGE, LANGUAGES } from '../../src/i18n/languages.js';
import { Translations } from '../../src/i18n/translator.js';

describe('message catalogues', () => {
  const catalogues = readCatalogues();

  it('every language has every namespace and every key of English, and no key English lacks', () => {
    const english = catalogues[FALLBACK_LANGUAGE];
    for (const language of LANGUAGES) {
      assert.deepEqual(Object.keys(catalogues[language]).sort(), Object.keys(english).sort(), `${language}: namespaces`);
      for (const [namespace, messages] of Object.entries(english)) {
        const translated = catalogues[language][namespace];
        assert.deepEqual(Object.keys(translated).sort(), Object.keys(messages).sort(), `${language}/${namespace}.json: keys`);
        for (const [key, message] of Object.entries(messages)) {
          assert.equal(typeof translated[key], 'string', `${language}/${namespace}.json: ${key}`);
          assert.notEqual(translated[key].trim(), '', `${language}/${namespace}.json: ${key} is empty`);
          const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
          assert.deepEqual(placeholders(translated[key]), placeholders(message), `${language}/${namespace}.json: ${key} placeholders`);
        }
      }
    }
  });

  it('translates per language, puts values in unescaped (pages escape), and writes Arabic right to left', () => {
    const translations = new Translations({
      ...catalogues,
      en: { ...catalogues.en, test: { hello: 'Hello, {{name}}' } },
      de: { ...catalogues.de, test: { hello: 'Hallo, {{name}}' } },
    });
    assert.equal(translations.for('de').t('test:hello', { name: '<Ada>' }), 'Hallo, <Ada>');
    assert.equal(translations.for('fr').t('test:hello', { name: 'Ada' }), 'Hello, Ada', 'a missing key falls back to English');
    assert.equal(translations.for('ja').t('common:language_name'), '日本語');
    assert.equal(translations.for('ar').direction, 'rtl');
    assert.equal(translations.for('en').direction, 'ltr');
  });
});
