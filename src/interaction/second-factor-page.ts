import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';

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
  error?: string;
  /** The passkey button and its script, when the person has passkeys (src/interaction/passkey-script.ts). */
  passkey?: SafeHtml;
}

/**
 * The second step of a sign-in: a code from an authenticator app, or a recovery code in the same
 * field, or a passkey. Field `code` and button class `second-factor-submit` are stable for tests.
 */
export function renderSecondFactorPage(options: SecondFactorPageOptions): SafeHtml {
  const forApp = options.clientName && html`<p class="muted">to continue to <strong>${options.clientName}</strong></p>`;
  const why = options.stepUp
    ? html`<p>This needs a stronger sign-in. Confirm it is you, <strong>${options.username}</strong>, with your second factor.</p>`
    : html`<p>Signing in as <strong>${options.username}</strong>.</p>`;
  const error = options.error && html`<div class="alert" role="alert">${options.error}</div>`;
  const returnTo = options.returnTo && html`<input type="hidden" name="return_to" value="${options.returnTo}">`;
  const label = options.totp ? 'Code from your authenticator app' : 'Recovery code';
  return renderPage({
    title: 'Two-step verification',
    body: html`<div class="brand">Tessera</div><h1>Two-step verification</h1>${forApp}${why}${error}
${options.passkey}
<form method="post" action="${options.action}" class="second-factor-form">
${csrfField(options.csrf)}${returnTo}
<label for="code">${label}</label>
<input type="text" id="code" name="code" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" required autofocus>
<p class="muted">${options.totp ? 'Lost your phone? Enter one of your recovery codes instead.' : 'Enter one of the recovery codes you saved.'}</p>
<button type="submit" class="second-factor-submit">Verify</button>
</form>`,
  });
}
