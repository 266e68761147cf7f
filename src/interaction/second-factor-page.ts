import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';
import type { PageContext } from './page-context.js';
import { translateHtml } from './translate-html.js';

export interface SecondFactorPageOptions {
  action: string;
  csrf: string;
  returnTo?: string;
  username: string;
  clientName?: string;
  /** The person has a TOTP authenticator (else only a recovery code or a passkey will do). */
  totp: boolean;
  /** A step-up: the person is signed in, and the request asks for more. */
  stepUp: boolean;
  /** Translated already. */
  error?: string;
  /** The passkey button and its script, when the person has passkeys (src/passkeys/passkey-fragments.ts). */
  passkey?: SafeHtml;
}

/**
 * The second step of a sign-in: a code from an authenticator app, or a recovery code in the same
 * field, or a passkey. Field `code` and button class `second-factor-submit` are stable for tests.
 */
export function renderSecondFactorPage(ui: PageContext, options: SecondFactorPageOptions): SafeHtml {
  const { t } = ui;
  const forApp = options.clientName && html`<p class="muted">${t('sign_in:to_continue_to')} <strong>${options.clientName}</strong></p>`;
  const why = options.stepUp
    ? html`<p>${translateHtml(t, 'mfa:step_up', { username: html`<strong>${options.username}</strong>` })}</p>`
    : html`<p>${t('mfa:signing_in_as')} <strong>${options.username}</strong>.</p>`;
  const error = options.error && html`<div class="alert" role="alert">${options.error}</div>`;
  const returnTo = options.returnTo && html`<input type="hidden" name="return_to" value="${options.returnTo}">`;
  const label = options.totp ? t('mfa:code_from_app') : t('mfa:recovery_code');
  return renderPage({
    ui,
    title: t('mfa:title'),
    body: html`<h1>${t('mfa:title')}</h1>${forApp}${why}${error}
${options.passkey}
<form method="post" action="${options.action}" class="second-factor-form">
${csrfField(options.csrf)}${returnTo}
<label for="code">${label}</label>
<input type="text" id="code" name="code" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required autofocus>
<p class="muted">${options.totp ? t('mfa:lost_phone') : t('mfa:enter_recovery_code')}</p>
<button type="submit" class="second-factor-submit">${t('mfa:verify')}</button>
</form>`,
  });
}
