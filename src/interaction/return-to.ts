import { InvalidRequestNoRedirect } from '../protocol/oauth-errors.js';

/**
 * Where the sign-in page may send a person back to: a path on this server only, never
 * another origin (no open redirect). Refuses `//host`, `/\host`, schemes and control
 * characters, which browsers would read as another site.
 */
export function isSafeReturnTo(value: string | undefined): value is string {
  if (!value || value.length > 4096) return false;
  if (!value.startsWith('/') || value.startsWith('//')) return false;
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\\\x00-\x1f\x7f]/.test(value)) return false;
  try {
    const base = 'http://return-to.invalid';
    const url = new URL(value, base);
    return url.origin === base && url.pathname.startsWith('/') && !url.pathname.startsWith('//');
  } catch {
    return false;
  }
}

/** return_to from a query or form: absent, or a safe local path (else invalid_request, shown as a page). */
export function checkedReturnTo(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isSafeReturnTo(value)) throw new InvalidRequestNoRedirect('return_to must be a path on this server');
  return value;
}

/** What a return_to says about the request it resumes: the app's name, and the languages it asked for (ui_locales). */
export interface ReturnToContext {
  clientName?: string;
  uiLocales?: string;
}
