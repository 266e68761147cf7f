import type { EnrolledFactors } from '../authn/enrolled-factors.js';
import type { PasskeyRecord } from '../storage/ports.js';
import { csrfField } from '../interaction/csrf-field.js';
import { html, type SafeHtml } from '../interaction/html.js';
import { renderPage } from '../interaction/layout.js';
import type { PageContext } from '../interaction/page-context.js';

export interface SecurityPageOptions {
  base: string;
  csrf: string;
  username: string;
  factors: EnrolledFactors;
  totpOffered: boolean;
  /** Undefined when passkeys are off. */
  passkeys?: PasskeyRecord[];
  /** The passkey registration button and script, when passkeys are on. */
  addPasskey?: SafeHtml;
  /** Set when a sign-in waits for a second factor to be set up (a policy requires it). */
  returnTo?: string;
  notice?: string;
  error?: string;
}

const hidden = (returnTo: string | undefined) => returnTo && html`<input type="hidden" name="return_to" value="${returnTo}">`;

/** `/account/security`: the second factors of the signed-in person, each with what can be done to it. */
export function renderSecurityPage(ui: PageContext, o: SecurityPageOptions): SafeHtml {
  const post = (path: string, label: string, cls: string, extra: SafeHtml | null = null) =>
    html`<form method="post" action="${o.base}${path}">${csrfField(o.csrf)}${hidden(o.returnTo)}${extra}<button type="submit" class="${cls}">${label}</button></form>`;
  const required =
    o.returnTo &&
    html`<div class="alert" role="status">Two-step verification is required to continue. Set up a second factor below; you will be taken back afterwards.</div>`;
  const totp = !o.totpOffered
    ? null
    : o.factors.totp
      ? html`<h2>Authenticator app</h2><p class="totp-status">On: sign-ins ask for a code from your app.</p>${post('/totp/remove', 'Remove authenticator app', 'secondary totp-remove')}`
      : html`<h2>Authenticator app</h2><p class="totp-status">Off.</p>${post('/totp/start', 'Set up an authenticator app', 'totp-start')}`;
  const codes = html`<h2>Recovery codes</h2><p class="recovery-status">${o.factors.recoveryCodes} unused recovery code${o.factors.recoveryCodes === 1 ? '' : 's'}.</p>
${post('/recovery-codes', o.factors.recoveryCodes > 0 ? 'Make new recovery codes' : 'Make recovery codes', 'secondary recovery-regenerate')}`;
  const passkeys =
    o.passkeys &&
    html`<h2>Passkeys</h2>${o.passkeys.length === 0 ? html`<p class="muted">No passkeys yet.</p>` : null}
<ul class="scopes passkey-list">${o.passkeys.map(
      (p) => html`<li data-credential="${p.credentialId}"><strong class="passkey-name">${p.name}</strong>
<span class="muted">added ${new Date(p.createdAt * 1000).toISOString().slice(0, 10)}${p.backedUp ? ', synced' : ''}</span>
${post('/passkeys/rename', 'Rename', 'secondary passkey-rename', html`<input type="hidden" name="credential_id" value="${p.credentialId}"><label>New name<input type="text" name="name" maxlength="60" required value="${p.name}"></label>`)}
${post('/passkeys/remove', 'Remove', 'secondary passkey-remove', html`<input type="hidden" name="credential_id" value="${p.credentialId}">`)}</li>`,
    )}</ul>${o.addPasskey}`;
  return renderPage({
    ui,
    title: 'Sign-in security',
    body: html`<h1>Sign-in security</h1><p class="muted">Signed in as <strong>${o.username}</strong>.</p>
${required}${o.notice && html`<div class="alert notice" role="status">${o.notice}</div>`}${o.error && html`<div class="alert" role="alert">${o.error}</div>`}
${passkeys}${totp}${codes}
<p class="links"><a href="/account">Account</a></p>`,
  });
}

export interface TotpEnrollPageOptions {
  action: string;
  csrf: string;
  secret: string;
  /** data: URL of the QR code of the otpauth:// URI. */
  qrCode: string;
  returnTo?: string;
  error?: string;
}

/** Enrollment: scan or type the secret, then prove it works with one code. */
export function renderTotpEnrollPage(ui: PageContext, o: TotpEnrollPageOptions): SafeHtml {
  const spaced = o.secret.replace(/(.{4})/g, '$1 ').trim();
  return renderPage({
    ui,
    title: 'Set up an authenticator app',
    body: html`<h1>Set up an authenticator app</h1>
<p>Scan this code with your authenticator app, or type the key by hand.</p>
<p><img src="${o.qrCode}" alt="QR code for your authenticator app" width="200" height="200" class="totp-qr"></p>
<p>Key: <code class="totp-secret">${spaced}</code></p>
${o.error && html`<div class="alert" role="alert">${o.error}</div>`}
<form method="post" action="${o.action}">${csrfField(o.csrf)}${hidden(o.returnTo)}
<label for="code">Enter the 6-digit code the app shows</label>
<input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit" class="totp-confirm">Turn on</button></form>`,
  });
}

/** New recovery codes, shown this once. */
export function renderRecoveryCodesPage(ui: PageContext, o: { codes: string[]; next: string; intro: string }): SafeHtml {
  return renderPage({
    ui,
    title: 'Your recovery codes',
    body: html`<h1>Your recovery codes</h1><p>${o.intro}</p>
<p>Keep them somewhere safe. Each code works once, in place of a code from your app. They are shown only now; any earlier codes no longer work.</p>
<ul class="scopes recovery-codes">${o.codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
<p class="links"><a class="continue" href="${o.next}">I have saved them, continue</a></p>`,
  });
}
