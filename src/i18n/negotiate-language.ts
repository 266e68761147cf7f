import { match } from '@formatjs/intl-localematcher';
import Negotiator from 'negotiator';
import { FALLBACK_LANGUAGE, LANGUAGES, type Language } from './languages.js';

/** What a page knows about the language its reader wants, most binding first. */
export interface LanguageWishes {
  /** OIDC Core §3.1.2.1 `ui_locales`: space-separated BCP 47 tags, in order of preference, from the app. */
  uiLocales?: string;
  /** The browser's Accept-Language header (RFC 9110 §12.5.4), with q-values. */
  acceptLanguage?: string;
  /** The operator's `ui.defaultLanguage`. */
  defaultLanguage?: Language;
}

/** Longest ui_locales value read: a handful of tags, never a megabyte of them. */
const MAX_UI_LOCALES_LENGTH = 200;
const TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/**
 * The language a page speaks: the first of the app's `ui_locales` Tessera has (OIDC Core §3.1.2.1:
 * "not an error" when none is), else the best match of Accept-Language, else the default.
 * Matching is by BCP 47 best fit: `de-CH` is served by `de`, `ar-EG` by `ar`.
 */
export function negotiateLanguage({ uiLocales, acceptLanguage, defaultLanguage = FALLBACK_LANGUAGE }: LanguageWishes): Language {
  return (
    bestMatch(uiLocalesList(uiLocales)) ??
    bestMatch(acceptLanguage ? new Negotiator({ headers: { 'accept-language': acceptLanguage } }).languages() : []) ??
    defaultLanguage
  );
}

/** The tags of a `ui_locales` value, malformed ones dropped. */
export function uiLocalesList(value: string | undefined): string[] {
  if (!value || value.length > MAX_UI_LOCALES_LENGTH) return [];
  return value.split(' ').filter((tag) => TAG.test(tag));
}

/** The language of ours that best fits one of `requested` (in order), or undefined when none does. */
function bestMatch(requested: string[]): Language | undefined {
  // Each tag alone, in order: the first tag that any language of ours fits wins, whatever a later tag would fit better.
  for (const tag of requested) {
    if (tag === '*' || !TAG.test(tag)) continue;
    let found: string;
    try {
      found = match([tag], LANGUAGES, '', { algorithm: 'best fit' });
    } catch {
      continue; // a tag Intl cannot canonicalise (e.g. `x-private`) is skipped, never an error
    }
    if (found) return found as Language;
  }
  return undefined;
}
