import { html, raw, type SafeHtml } from './html.js';
import { renderPage, scriptHash } from './layout.js';
import type { PageContext } from './page-context.js';

const SCRIPT = 'document.getElementById("form-post").submit();';
/** CSP source of the one inline script (the auto-submit). */
export const FORM_POST_SCRIPT_HASH = scriptHash(SCRIPT);

/**
 * OAuth 2.0 Form Post Response Mode §2: an HTML form that POSTs the response parameters to
 * the redirect URI, submitted by script, or by the button when scripts do not run.
 */
export function renderFormPost(ui: PageContext, redirectUri: string, params: URLSearchParams): SafeHtml {
  const { t } = ui;
  const inputs = [...params].map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return renderPage({
    ui,
    title: t('common:returning_to_app'),
    body: html`<h1>${t('common:returning_to_app')}</h1>
<form method="post" action="${redirectUri}" id="form-post">${inputs}
<p class="muted">${t('common:if_nothing_happens')}</p><button type="submit">${t('common:continue')}</button></form>
<script>${raw(SCRIPT)}</script>`,
  });
}
