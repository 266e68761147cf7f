import { CSRF_FIELD } from '../session/csrf.js';

/** The hidden input carrying the CSRF token (its alphabet is base64url: nothing to escape). */
export function csrfField(token: string): string {
  return `<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}
