import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';
import type { PageContext } from './page-context.js';
import { translateHtml } from './translate-html.js';

export interface LogoutConfirmationOptions {
  /** Where the form posts (the issuer's /session/end/confirm). */
  action: string;
  csrf: string;
  /** The logout parameters, carried to the confirmation as hidden fields and checked again there. */
  params: Record<string, string>;
  /** The app that asked, when known and verified. */
  clientName?: string;
  /** Whether the browser goes back to the app afterwards. */
  returnsToApp: boolean;
}

/**
 * RP-Initiated Logout §2: the OP asks the person before ending the session when the request
 * does not prove it comes from an app of this very session. A plain form without JavaScript;
 * the button class `logout-submit` is stable for automated tests.
 */
export function renderLogoutConfirmation(ui: PageContext, options: LogoutConfirmationOptions): SafeHtml {
  const { t } = ui;
  const who =
    options.clientName && html`<p>${translateHtml(t, 'logout:app_asks', { app: html`<strong>${options.clientName}</strong>` })}</p>`;
  const after = options.returnsToApp ? t('logout:back_to_app') : t('logout:not_back_to_app');
  const hidden = Object.entries(options.params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return renderPage({
    ui,
    title: t('logout:title'),
    body: html`<h1>${t('logout:heading')}</h1>${who}
<p class="muted">${t('logout:everywhere')} ${after}</p>
<form method="post" action="${options.action}" class="logout-form">
${csrfField(options.csrf)}${hidden}
<div class="actions"><button type="submit" name="logout" value="no" class="secondary">${t('logout:stay')}</button>
<button type="submit" name="logout" value="yes" class="logout-submit">${t('logout:title')}</button></div>
</form>`,
  });
}

/** The page after a logout that does not go back to an app. */
export function renderSignedOut(ui: PageContext): SafeHtml {
  const { t } = ui;
  return renderPage({
    ui,
    title: t('logout:signed_out_title'),
    body: html`<h1 id="signed-out">${t('logout:signed_out_heading')}</h1><p class="muted">${t('common:close_window')}</p>`,
  });
}

/** The page after the person chose to stay signed in. */
export function renderStillSignedIn(ui: PageContext, accountUrl?: string): SafeHtml {
  const { t } = ui;
  return renderPage({
    ui,
    title: t('logout:still_title'),
    body: html`<h1 id="still-signed-in">${t('logout:still_heading')}</h1>
<p class="muted">${t('logout:nothing_changed')} ${t('common:close_window')}</p>
${accountUrl && html`<p class="links"><a href="${accountUrl}">${t('common:manage_account')}</a></p>`}`,
  });
}
