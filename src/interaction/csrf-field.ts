import { CSRF_FIELD } from '../session/csrf.js';
import { html, type SafeHtml } from './html.js';

/** The hidden input carrying the CSRF token. */
export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}
