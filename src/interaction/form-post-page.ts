import { escapeHtml } from './html.js';
import { renderPage, scriptHash } from './layout.js';

const SCRIPT = 'document.getElementById("form-post").submit();';
/** CSP source of the one inline script (the auto-submit). */
export const FORM_POST_SCRIPT_HASH = scriptHash(SCRIPT);

/**
 * OAuth 2.0 Form Post Response Mode §2: an HTML form that POSTs the response parameters to
 * the redirect URI, submitted by script, or by the button when scripts do not run.
 */
export function renderFormPost(redirectUri: string, params: URLSearchParams): string {
  const inputs = [...params].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
  return renderPage({
    title: 'Returning to the application',
    body: `<div class="brand">Tessera</div><h1>Returning to the application</h1>
<form method="post" action="${escapeHtml(redirectUri)}" id="form-post">${inputs}
<p class="muted">If nothing happens, press Continue.</p><button type="submit">Continue</button></form>
<script>${SCRIPT}</script>`,
  });
}
