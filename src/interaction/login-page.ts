import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';
import type { PageContext } from './page-context.js';

export interface LoginPageOptions {
  /** Where the form posts (the issuer's /login). */
  action: string;
  csrf: string;
  returnTo?: string;
  /** Prefills the username (OIDC Core login_hint). */
  loginHint?: string;
  /** The app asking, when known. */
  clientName?: string;
  /** A readable reason the last attempt failed, already translated. */
  error?: string;
  /** The "Sign in with a passkey" form, when passkeys are on (src/passkeys/passkey-fragments.ts). */
  passkey?: SafeHtml;
  /** Why the person is asked to sign in (again), when there is more to say than the title. */
  notice?: string;
  /** "Sign in with ..." buttons of the other identity providers (src/connectors/connector-pages.ts). */
  connectors?: SafeHtml;
}

/**
 * The sign-in page: a plain form that works without JavaScript. The field names `login` and
 * `password` and the button class `login-submit` are stable (the conformance suite uses them).
 */
export function renderLoginPage(ui: PageContext, options: LoginPageOptions): SafeHtml {
  const { t } = ui;
  const forApp = options.clientName && html`<p class="muted">${t('sign_in:to_continue_to')} <strong>${options.clientName}</strong></p>`;
  const error = options.error && html`<div class="alert" role="alert">${options.error}</div>`;
  const notice = options.notice && html`<p class="notice" role="status">${options.notice}</p>`;
  const returnTo = options.returnTo && html`<input type="hidden" name="return_to" value="${options.returnTo}">`;
  // The username field, or the password field once the username is known.
  const autofocus = html` autofocus`;
  return renderPage({
    ui,
    title: t('sign_in:title'),
    body: html`<h1>${t('sign_in:title')}</h1>${forApp}${notice}${error}
<form method="post" action="${options.action}" class="login-form">
${csrfField(options.csrf)}${returnTo}
<label for="login">${t('sign_in:username')}</label>
<input type="text" id="login" name="login" autocomplete="${options.passkey ? 'username webauthn' : 'username'}" autocapitalize="none" spellcheck="false" required
  dir="auto" value="${options.loginHint ?? ''}"${options.loginHint ? null : autofocus}>
<label for="password">${t('sign_in:password')}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${options.loginHint ? autofocus : null}>
<button type="submit" class="login-submit">${t('sign_in:submit')}</button>
</form>${options.passkey}${options.connectors}`,
  });
}

/** After a sign-in that has no app to go back to. */
export function renderSignedInPage(ui: PageContext, username: string, accountUrl: string): SafeHtml {
  const { t } = ui;
  return renderPage({
    ui,
    title: t('sign_in:signed_in_title'),
    body: html`<h1>${t('sign_in:signed_in_heading')}</h1>
<p>${t('sign_in:signed_in_as')} <strong>${username}</strong>. ${t('common:close_window')}</p>
<p class="links"><a href="${accountUrl}">${t('common:manage_account')}</a></p>`,
  });
}
