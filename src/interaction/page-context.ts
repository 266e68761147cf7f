import type { FastifyRequest } from 'fastify';
import type { Language } from '../i18n/languages.js';
import { negotiateLanguage } from '../i18n/negotiate-language.js';
import type { Translations, Translator } from '../i18n/translator.js';
import { DEFAULT_BRAND, type Brand } from './brand.js';

/** What every page renders with: the reader's language (t, lang, dir) and the operator's brand. */
export interface PageContext extends Translator {
  brand: Brand;
}

export interface PageContexts {
  /**
   * The context of one page: in the language of `uiLocales` (the pending authorization request's
   * `ui_locales`, OIDC Core §3.1.2.1) when Tessera has one of them, else of the browser's
   * Accept-Language, else `ui.defaultLanguage`.
   */
  for(request: Pick<FastifyRequest, 'headers'>, uiLocales?: string): PageContext;
  /** The context of a page whose texts are not in the catalogues yet: that language whatever the reader asks. */
  inLanguage(language: Language): PageContext;
}

export interface PageContextsOptions {
  translations: Pick<Translations, 'for'>;
  brand?: Brand;
  defaultLanguage?: Language;
}

export function pageContexts({ translations, brand = DEFAULT_BRAND, defaultLanguage }: PageContextsOptions): PageContexts {
  return {
    for(request, uiLocales) {
      const header = request.headers['accept-language'];
      const language = negotiateLanguage({ uiLocales, acceptLanguage: typeof header === 'string' ? header : undefined, defaultLanguage });
      return { ...translations.for(language), brand };
    },
    inLanguage(language) {
      return { ...translations.for(language), brand };
    },
  };
}
