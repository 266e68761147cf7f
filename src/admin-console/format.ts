/** How the console's pages write the values the admin API returns. */

/** A time (ISO string or epoch seconds) as `YYYY-MM-DD HH:MM:SS UTC`; '' when absent. */
export function when(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') return '';
  if (value === '') return '';
  const date = new Date(typeof value === 'number' ? value * 1000 : value);
  return Number.isNaN(date.getTime())
    ? String(value)
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

/** Any value as text: strings and numbers as they are, objects as JSON, nothing as ''. */
export function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
