import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import type { PageContext } from './page-context.js';
import { csrfField } from './csrf-field.js';
import { describeBrowser } from './describe-browser.js';

/** Where the account pages link and post. */
export interface AccountUrls {
  home: string;
  password: string;
  sessions: string;
  applications: string;
  /** Passkeys and one-time codes (served by the security pages). */
  security: string;
  signOut: string;
}

export interface AccountHomeOptions {
  urls: AccountUrls;
  username: string;
  claims: Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

/** `2026-12-07 19:30 UTC`, in a <time> element carrying the exact instant. */
function when(seconds: number): SafeHtml {
  const iso = new Date(seconds * 1000).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function back(urls: AccountUrls): SafeHtml {
  return html`<p class="links"><a href="${urls.home}" class="account-home">← Your account</a></p>`;
}

function notice(message: string | undefined): SafeHtml | undefined {
  return message ? html`<p class="notice" role="status">${message}</p>` : undefined;
}

/** The account's front page: who is signed in, and the places to manage the account. */
export function renderAccountHome(ui: PageContext, { urls, username, claims }: AccountHomeOptions): SafeHtml {
  const name = text(claims.name);
  const email = text(claims.email);
  const facts = [
    html`<dt>Username</dt><dd class="account-username">${username}</dd>`,
    name && html`<dt>Name</dt><dd>${name}</dd>`,
    email && html`<dt>Email</dt><dd>${email}</dd>`,
  ];
  return renderPage({
    ui,
    title: 'Your account',
    body: html`<h1>Your account</h1>
<dl class="facts">${facts}</dl>
<nav aria-label="Account"><ul class="menu">
<li><a href="${urls.password}" class="account-password">Password</a><span class="muted">Change your password</span></li>
<li><a href="${urls.sessions}" class="account-sessions">Sessions</a><span class="muted">Where you are signed in</span></li>
<li><a href="${urls.applications}" class="account-applications">Applications</a><span class="muted">Apps you gave access to</span></li>
<li><a href="${urls.security}" class="account-security">Security</a><span class="muted">Passkeys, one-time codes</span></li>
</ul></nav>
<p class="links"><a href="${urls.signOut}">Sign out</a></p>`,
  });
}

export interface PasswordPageOptions {
  urls: AccountUrls;
  csrf: string;
  username: string;
  error?: string;
}

/** Change password: the current one, then the new one twice. */
export function renderPasswordPage(ui: PageContext, { urls, csrf, username, error }: PasswordPageOptions): SafeHtml {
  return renderPage({
    ui,
    title: 'Change your password',
    body: html`<h1>Change your password</h1>
${error && html`<div class="alert" role="alert">${error}</div>`}
<form method="post" action="${urls.password}" class="password-form">
${csrfField(csrf)}<input type="text" name="username" value="${username}" autocomplete="username" hidden>
<label for="current_password">Current password</label>
<input type="password" id="current_password" name="current_password" autocomplete="current-password" required autofocus>
<label for="new_password">New password</label>
<input type="password" id="new_password" name="new_password" autocomplete="new-password" minlength="8" maxlength="1024" required
  aria-describedby="password-rules">
<p class="muted" id="password-rules">At least 8 characters.</p>
<label for="confirm_password">New password again</label>
<input type="password" id="confirm_password" name="confirm_password" autocomplete="new-password" required>
<button type="submit" class="password-submit">Change password</button>
</form>
${back(urls)}`,
  });
}

/** After a password change. */
export function renderPasswordChanged(ui: PageContext, urls: AccountUrls, endedSessions: number): SafeHtml {
  const others =
    endedSessions > 0
      ? `You were signed out everywhere else (${endedSessions} other session${endedSessions === 1 ? '' : 's'}), and apps must ask you to sign in again.`
      : 'You stay signed in here.';
  return renderPage({
    ui,
    title: 'Password changed',
    body: html`<h1 id="password-changed">Password changed</h1><p>${others}</p>${back(urls)}`,
  });
}

export interface SessionView {
  sid: string;
  userAgent: string | null;
  address: string | null;
  authTime: number;
  lastSeenAt: number;
  current: boolean;
}

export interface SessionsPageOptions {
  urls: AccountUrls;
  csrf: string;
  sessions: SessionView[];
  notice?: string;
}

/** The person's sessions: this one marked, each other one with its own sign-out button. */
export function renderSessionsPage(ui: PageContext, { urls, csrf, sessions, notice: message }: SessionsPageOptions): SafeHtml {
  const others = sessions.filter((s) => !s.current).length;
  const items = sessions.map(
    (s) => html`<li class="session${s.current ? ' current' : ''}" data-sid="${s.sid}">
<strong>${describeBrowser(s.userAgent)}</strong>${s.current ? html` <span class="badge">This browser</span>` : null}
<div class="muted">${s.address ?? 'Unknown address'} · signed in ${when(s.authTime)} · last seen ${when(s.lastSeenAt)}</div>
${
  s.current
    ? null
    : html`<form method="post" action="${urls.sessions}/end" class="inline">${csrfField(csrf)}<input type="hidden" name="sid" value="${s.sid}">
<button type="submit" class="secondary session-end" aria-label="Sign out ${describeBrowser(s.userAgent)} (${s.address ?? 'unknown address'})">Sign out</button></form>`
}</li>`,
  );
  const endOthers =
    others > 0
      ? html`<form method="post" action="${urls.sessions}/end-others">${csrfField(csrf)}
<button type="submit" class="sessions-end-others">Sign out all other sessions</button></form>`
      : html`<p class="muted">You are not signed in anywhere else.</p>`;
  return renderPage({
    ui,
    title: 'Your sessions',
    body: html`<h1>Your sessions</h1>${notice(message)}
<p class="muted">Where you are signed in. Signing a session out also signs it out of the apps it was used for.</p>
<ul class="items sessions">${items}</ul>${endOthers}${back(urls)}`,
  });
}

export interface ApplicationView {
  clientId: string;
  name: string;
  scopes: { name: string; description: string }[];
  claims: string[];
  createdAt: number;
  updatedAt: number;
}

export interface ApplicationsPageOptions {
  urls: AccountUrls;
  csrf: string;
  applications: ApplicationView[];
  notice?: string;
}

/** The apps the person gave access to, each with what it may do and a button to take it back. */
export function renderApplicationsPage(ui: PageContext, { urls, csrf, applications, notice: message }: ApplicationsPageOptions): SafeHtml {
  const items = applications.map(
    (a) => html`<li class="application" data-client-id="${a.clientId}">
<strong class="application-name">${a.name}</strong>
<ul class="scopes">${a.scopes.map((s) => html`<li data-scope="${s.name}">${s.description}</li>`)}${a.claims.map(
      (c) => html`<li data-claim="${c}">See: ${c}</li>`,
    )}</ul>
<div class="muted">Allowed ${when(a.createdAt)}${a.updatedAt !== a.createdAt ? html`, last changed ${when(a.updatedAt)}` : null}</div>
<form method="post" action="${urls.applications}/revoke" class="inline">${csrfField(csrf)}<input type="hidden" name="client_id" value="${a.clientId}">
<button type="submit" class="secondary application-revoke" aria-label="Remove access of ${a.name}">Remove access</button></form></li>`,
  );
  return renderPage({
    ui,
    title: 'Applications',
    body: html`<h1>Applications</h1>${notice(message)}
<p class="muted">Apps you allowed to use your account. Removing access signs the app out: its tokens stop working and it must ask
  you again.</p>
${applications.length > 0 ? html`<ul class="items applications">${items}</ul>` : html`<p>You have not given any app access.</p>`}
${back(urls)}`,
  });
}
