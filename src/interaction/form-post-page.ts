import { html, raw, type SafeHtml } from './html.js';
import { renderPage, scriptHash } from './layout.js';

const SCRIPT = 'document.getElementById("form-post").submit();';
/** CSP source of the one inline script (the auto-submit). */
export const FORM_POST_SCRIPT_HASH = scriptHash(SCRIPT);

/**
 * OAuth 2.0 Form Post Response Mode §2: an HTML form that POSTs the response parameters to
 * the redirect URI, submitted by script, or by the button when scripts do not run.
 */
export function renderFormPost(redirectUri: string, params: URLSearchParams): SafeHtml {
  const inputs = [...params].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return renderPage({
    title: 'Returning to the application',
    body: html`<div class="brand">Tessera</div><h1>Returning to the application</h1>
<form method="post" action="${redirectUri}" id="form-post">${inputs}
<p class="muted">If nothing happens, press Continue.</p><button type="submit">Continue</button></form>
<script>${raw(SCRIPT)}</script>`,
  });
}
