import type { Translate } from '../i18n/translator.js';

/** Browser families, most specific first: Edge and Opera also say Chrome, Chrome also says Safari. */
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(HeadlessChrome|Chrome|Chromium|CriOS)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/**
 * "Firefox on Windows": enough for a person to tell their sessions apart. A User-Agent is a claim
 * of the browser, shown and never used for a decision, so a plain look for well-known tokens
 * does (no library, nothing to keep up to date for security).
 */
export function describeBrowser(userAgent: string | null, t: Translate = english): string {
  if (!userAgent) return t('account:unknown_browser');
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return t('account:browser_on_system', { browser, system });
  return browser ?? (system ? t('account:a_browser_on', { system }) : t('account:unknown_browser'));
}

/** The English sentences, for callers without a reader's language. */
const ENGLISH: Record<string, string> = {
  'account:unknown_browser': 'Unknown browser',
  'account:browser_on_system': '{{browser}} on {{system}}',
  'account:a_browser_on': 'A browser on {{system}}',
};
function english(key: string, vars: Record<string, string | number> = {}): string {
  return ENGLISH[key].replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name]));
}
