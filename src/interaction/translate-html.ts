import type { Translate } from '../i18n/translator.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';

/**
 * A translated sentence with markup inside, e.g. `{{app}} wants access to your account` with the
 * app's name in a <span>: the message is escaped like any text, and each `{{name}}` becomes its
 * fragment (escaped too unless it is an `html` fragment). Translators move the placeholder
 * where their language needs it; no markup lives in the catalogues.
 */
export function translateHtml(t: Translate, key: string, fragments: Record<string, HtmlValue>): SafeHtml {
  const names = Object.keys(fragments);
  // Markers a message cannot contain, so splitting finds only the placeholders.
  const marked = t(key, Object.fromEntries(names.map((name, i) => [name, `\u0000${i}\u0000`])));
  // eslint-disable-next-line no-control-regex -- the NUL markers set just above are what this finds
  const parts = marked.split(/\u0000(\d+)\u0000/);
  return html`${parts.map((part, i) => (i % 2 === 0 ? part : html`${fragments[names[Number(part)]]}`))}`;
}
