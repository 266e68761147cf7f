/**
 * HTML that escapes by default. Every page is written as an `html` tagged template: each
 * interpolated value is escaped unless it is itself HTML (an `html` fragment, or text marked
 * with `raw`), and arrays of values join. A forgotten escape cannot happen; an unescaped
 * insertion is visible as `raw(...)` at the place it is made.
 */

/** Markup that is safe to insert as is: made by `html`, or marked by `raw`. */
export class SafeHtml {
  constructor(private readonly markup: string) {}

  toString(): string {
    return this.markup;
  }
}

/** What a template may interpolate: text and numbers (escaped), fragments, lists, or nothing. */
export type HtmlValue = SafeHtml | string | number | false | null | undefined | readonly HtmlValue[];

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(value: HtmlValue): string {
  if (value instanceof SafeHtml) return value.toString();
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** The tag: `html\`<p>${text}</p>\``. Attribute values must be quoted in the template. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let markup = strings[0];
  for (let i = 0; i < values.length; i++) markup += render(values[i]) + strings[i + 1];
  return new SafeHtml(markup);
}

/**
 * Marks trusted markup that is not a template (the stylesheet, an inline script whose CSP hash
 * is computed from this very text). Never for anything that came from a request or a store.
 */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
