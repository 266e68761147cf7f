import { escapeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';

export interface LoginPageOptions {
  /** Where the form posts (the issuer's /login). */
  action: string;
  csrf: string;
  returnTo?: string;
  /** Prefills the username (OIDC Core login_hint). */
  loginHint?: string;
  /** The app asking, when known. */
  clientName?: string;
  /** A readable reason the last attempt failed. */
  error?: string;
}

/**
 * The sign-in page: a plain form that works without JavaScript. The field names `login` and
 * `password` and the button class `login-submit` are stable (the conformance suite uses them).
 */
export function renderLoginPage(options: LoginPageOptions): string {
  const forApp = options.clientName ? `<p class="muted">to continue to <strong>${escapeHtml(options.clientName)}</strong></p>` : '';
  const error = options.error ? `<div class="alert" role="alert">${escapeHtml(options.error)}</div>` : '';
  const returnTo = options.returnTo ? `<input type="hidden" name="return_to" value="${escapeHtml(options.returnTo)}">` : '';
  const autofocus = options.loginHint ? ['', ' autofocus'] : [' autofocus', ''];
  return renderPage({
    title: 'Sign in',
    body: `<div class="brand">Tessera</div><h1>Sign in</h1>${forApp}${error}
<form method="post" action="${escapeHtml(options.action)}" class="login-form">
${csrfField(options.csrf)}${returnTo}
<label for="login">Username</label>
<input type="text" id="login" name="login" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(options.loginHint ?? '')}"${autofocus[0]}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required${autofocus[1]}>
<button type="submit" class="login-submit">Sign in</button>
</form>`,
  });
}
