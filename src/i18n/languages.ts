/**
 * The languages Tessera's pages and mails speak, as BCP 47 tags. English is the fallback: a key
 * missing in another language (which the catalogue test forbids) would show in English.
 * Adding a language: a folder `locales/<tag>/` with every namespace file of `locales/en/`, and its
 * tag here (docs/translations.md).
 */
export const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];
export const FALLBACK_LANGUAGE: Language = 'en';

/** Languages written right to left: their pages carry `dir="rtl"`. */
const RIGHT_TO_LEFT: ReadonlySet<string> = new Set(['ar']);

export function directionOf(language: Language): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(language) ? 'rtl' : 'ltr';
}

export function isLanguage(tag: string): tag is Language {
  return (LANGUAGES as readonly string[]).includes(tag);
}
