import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';

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
export function renderLogoutConfirmation(options: LogoutConfirmationOptions): SafeHtml {
  const who = options.clientName && html`<p><strong>${options.clientName}</strong> asks to sign you out.</p>`;
  const after = options.returnsToApp ? 'You will then be sent back to the app.' : 'You will not be sent back to any app.';
  const hidden = Object.entries(options.params).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return renderPage({
    title: 'Sign out',
    body: html`<div class="brand">Tessera</div><h1>Sign out?</h1>${who}
<p class="muted">This signs you out of every app that uses this account in this browser. ${after}</p>
<form method="post" action="${options.action}" class="logout-form">
${csrfField(options.csrf)}${hidden}
<div class="actions"><button type="submit" name="logout" value="no" class="secondary">Stay signed in</button>
<button type="submit" name="logout" value="yes" class="logout-submit">Sign out</button></div>
</form>`,
  });
}

/** The page after a logout that does not go back to an app. */
export function renderSignedOut(): SafeHtml {
  return renderPage({
    title: 'Signed out',
    body: html`<div class="brand">Tessera</div><h1 id="signed-out">You are signed out</h1><p class="muted">You can close this window.</p>`,
  });
}

/** The page after the person chose to stay signed in. */
export function renderStillSignedIn(accountUrl?: string): SafeHtml {
  return renderPage({
    title: 'Still signed in',
    body: html`<div class="brand">Tessera</div><h1 id="still-signed-in">You are still signed in</h1>
<p class="muted">Nothing was changed. You can close this window.</p>
${accountUrl && html`<p class="links"><a href="${accountUrl}">Manage your account</a></p>`}`,
  });
}
