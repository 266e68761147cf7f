import i18next, { type i18n } from 'i18next';
import { readCatalogues, type Catalogues } from './catalogues.js';
import { FALLBACK_LANGUAGE, LANGUAGES, directionOf, type Language } from './languages.js';

/** Translates `namespace:key` (e.g. `common:sign_in`), putting `vars` in for `{{name}}`. */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** What a page or a mail needs to speak one language. */
export interface Translator {
  language: Language;
  /** For `<html dir>`: `rtl` for Arabic. */
  direction: 'ltr' | 'rtl';
  t: Translate;
}

/**
 * Translators for every language, over one i18next instance loaded once from the catalogues.
 * Values are not HTML-escaped here: pages escape everything they render (interaction/html.ts),
 * mails' plain text must not be escaped, and their HTML bodies use the same template tag.
 */
export class Translations {
  private readonly i18n: i18n;
  private readonly translators = new Map<Language, Translator>();

  constructor(catalogues: Catalogues = readCatalogues()) {
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      initAsync: false,
      resources: catalogues,
      lng: FALLBACK_LANGUAGE,
      fallbackLng: FALLBACK_LANGUAGE,
      supportedLngs: [...LANGUAGES],
      ns: Object.keys(catalogues[FALLBACK_LANGUAGE]),
      defaultNS: 'common',
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  }

  for(language: Language): Translator {
    let translator = this.translators.get(language);
    if (!translator) {
      const fixed = this.i18n.getFixedT(language);
      translator = { language, direction: directionOf(language), t: (key, vars) => fixed(key, vars) };
      this.translators.set(language, translator);
    }
    return translator;
  }
}
