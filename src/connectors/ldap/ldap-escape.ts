import { Filter } from 'ldapts';

/**
 * A filter template with each `{{name}}` replaced by its value escaped as an assertion value
 * (RFC 4515 §3: `*`, `(`, `)`, `\` and NUL as `\XX`), so `*)(uid=*` matches only itself.
 */
export function fillFilter(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (mark, name: string) => (name in values ? Filter.escape(values[name]) : mark));
}

/**
 * A DN template with `{{username}}` replaced by the value escaped as an attribute value
 * (RFC 4514 §2.4), so `alice,ou=admins` stays one RDN value instead of naming another entry.
 */
export function fillDnTemplate(template: string, username: string): string {
  return template.replaceAll('{{username}}', escapeDnValue(username));
}

/** RFC 4514 §2.4: `"` `+` `,` `;` `<` `>` `\` anywhere, `#` or space first, space last, NUL as \00. */
export function escapeDnValue(value: string): string {
  let escaped = value.replace(/["+,;<>\\]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (value.startsWith('#') || value.startsWith(' ')) escaped = `\\${escaped}`;
  // The last character of `escaped` is that space, unescaped (a space is escaped only here).
  if (value.length > 1 && value.endsWith(' ')) escaped = `${escaped.slice(0, -1)}\\ `;
  return escaped;
}
