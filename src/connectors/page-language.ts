import { FALLBACK_LANGUAGE, isLanguage, type Language } from '../i18n/languages.js';

/**
 * The language of a connector page: the first of the browser's Accept-Language (RFC 9110
 * §12.5.4, by weight) that Tessera speaks, matched by primary subtag; English otherwise.
 */
export function pageLanguage(acceptLanguage: string | undefined): Language {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { primary: tag.trim().toLowerCase().split('-')[0], weight: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.primary && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return ranked.map((entry) => entry.primary).find(isLanguage) ?? FALLBACK_LANGUAGE;
}
