import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import type { PageContext } from './page-context.js';
import { translateHtml } from './translate-html.js';
import { describeClaim, describeScope } from './describe-access.js';
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
  /** Linked sign-in providers (src/connectors/), when any connector is configured. */
  identities?: string;
}

export interface AccountHomeOptions {
  urls: AccountUrls;
  username: string;
  claims: Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

/** `2026-12-07 19:30 UTC`, in a <time> element carrying the exact instant (ISO digits read the same in every language). */
function when(seconds: number): SafeHtml {
  const iso = new Date(seconds * 1000).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

function back(ui: PageContext, urls: AccountUrls): SafeHtml {
  return html`<p class="links"><a href="${urls.home}" class="account-home">${ui.direction === 'rtl' ? '→' : '←'} ${ui.t('account:your_account')}</a></p>`;
}

function notice(message: string | undefined): SafeHtml | undefined {
  return message ? html`<p class="notice" role="status">${message}</p>` : undefined;
}

/** The account's front page: who is signed in, and the places to manage the account. */
export function renderAccountHome(ui: PageContext, { urls, username, claims }: AccountHomeOptions): SafeHtml {
  const name = text(claims.name);
  const email = text(claims.email);
  const { t } = ui;
  const facts = [
    html`<dt>${t('sign_in:username')}</dt><dd class="account-username">${username}</dd>`,
    name && html`<dt>${t('account:name')}</dt><dd>${name}</dd>`,
    email && html`<dt>${t('account:email')}</dt><dd>${email}</dd>`,
  ];
  return renderPage({
    ui,
    title: t('account:your_account'),
    body: html`<h1>${t('account:your_account')}</h1>
<dl class="facts">${facts}</dl>
<nav aria-label="${t('account:menu')}"><ul class="menu">
<li><a href="${urls.password}" class="account-password">${t('sign_in:password')}</a><span class="muted">${t('account:change_password')}</span></li>
<li><a href="${urls.sessions}" class="account-sessions">${t('account:sessions')}</a><span class="muted">${t('account:sessions_what')}</span></li>
<li><a href="${urls.applications}" class="account-applications">${t('account:applications')}</a><span class="muted">${t('account:applications_what')}</span></li>
<li><a href="${urls.security}" class="account-security">${t('account:security')}</a><span class="muted">${t('account:security_what')}</span></li>
${urls.identities && html`<li><a href="${urls.identities}" class="account-identities">${t('connectors:account_menu')}</a><span class="muted">${t('connectors:account_menu_what')}</span></li>`}
</ul></nav>
<p class="links"><a href="${urls.signOut}">${t('logout:title')}</a></p>`,
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
  const { t } = ui;
  return renderPage({
    ui,
    title: t('account:change_password'),
    body: html`<h1>${t('account:change_password')}</h1>
${error && html`<div class="alert" role="alert">${error}</div>`}
<form method="post" action="${urls.password}" class="password-form">
${csrfField(csrf)}<input type="text" name="username" value="${username}" autocomplete="username" hidden>
<label for="current_password">${t('account:current_password')}</label>
<input type="password" id="current_password" name="current_password" autocomplete="current-password" required autofocus>
<label for="new_password">${t('account:new_password')}</label>
<input type="password" id="new_password" name="new_password" autocomplete="new-password" minlength="8" maxlength="1024" required
  aria-describedby="password-rules">
<p class="muted" id="password-rules">${t('account:password_rules')}</p>
<label for="confirm_password">${t('account:new_password_again')}</label>
<input type="password" id="confirm_password" name="confirm_password" autocomplete="new-password" required>
<button type="submit" class="password-submit">${t('account:change_password_submit')}</button>
</form>
${back(ui, urls)}`,
  });
}

/** After a password change. */
export function renderPasswordChanged(ui: PageContext, urls: AccountUrls, endedSessions: number): SafeHtml {
  const { t } = ui;
  const others =
    endedSessions === 0
      ? t('account:stay_signed_in_here')
      : endedSessions === 1
        ? t('account:signed_out_one_other')
        : t('account:signed_out_others', { count: endedSessions });
  return renderPage({
    ui,
    title: t('account:password_changed'),
    body: html`<h1 id="password-changed">${t('account:password_changed')}</h1><p>${others}</p>${back(ui, urls)}`,
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
  const { t } = ui;
  const others = sessions.filter((s) => !s.current).length;
  const items = sessions.map(
    (s) => html`<li class="session${s.current ? ' current' : ''}" data-sid="${s.sid}">
<strong>${describeBrowser(s.userAgent, t)}</strong>${s.current ? html` <span class="badge">${t('account:this_browser')}</span>` : null}
<div class="muted">${s.address ?? t('account:unknown_address')} · ${translateHtml(t, 'account:signed_in_at', { when: when(s.authTime) })} · ${translateHtml(
      t,
      'account:last_seen_at',
      { when: when(s.lastSeenAt) },
    )}</div>
${
  s.current
    ? null
    : html`<form method="post" action="${urls.sessions}/end" class="inline">${csrfField(csrf)}<input type="hidden" name="sid" value="${s.sid}">
<button type="submit" class="secondary session-end" aria-label="${t('account:sign_out_session', { browser: describeBrowser(s.userAgent, t), address: s.address ?? t('account:unknown_address') })}">${t('logout:title')}</button></form>`
}</li>`,
  );
  const endOthers =
    others > 0
      ? html`<form method="post" action="${urls.sessions}/end-others">${csrfField(csrf)}
<button type="submit" class="sessions-end-others">${t('account:sign_out_others')}</button></form>`
      : html`<p class="muted">${t('account:nowhere_else')}</p>`;
  return renderPage({
    ui,
    title: t('account:your_sessions'),
    body: html`<h1>${t('account:your_sessions')}</h1>${notice(message)}
<p class="muted">${t('account:sessions_intro')}</p>
<ul class="items sessions">${items}</ul>${endOthers}${back(ui, urls)}`,
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
  const { t } = ui;
  const items = applications.map(
    (a) => html`<li class="application" data-client-id="${a.clientId}">
<strong class="application-name">${a.name}</strong>
<ul class="scopes">${a.scopes.map((s) => html`<li data-scope="${s.name}">${describeScope(t, s)}</li>`)}${a.claims.map(
      (c) => html`<li data-claim="${c}">${describeClaim(t, c, c)}</li>`,
    )}</ul>
<div class="muted">${translateHtml(t, 'account:allowed_at', { when: when(a.createdAt) })}${
      a.updatedAt !== a.createdAt ? html`, ${translateHtml(t, 'account:changed_at', { when: when(a.updatedAt) })}` : null
    }</div>
<form method="post" action="${urls.applications}/revoke" class="inline">${csrfField(csrf)}<input type="hidden" name="client_id" value="${a.clientId}">
<button type="submit" class="secondary application-revoke" aria-label="${t('account:remove_access_of', { app: a.name })}">${t('account:remove_access')}</button></form></li>`,
  );
  return renderPage({
    ui,
    title: t('account:applications'),
    body: html`<h1>${t('account:applications')}</h1>${notice(message)}
<p class="muted">${t('account:applications_intro')}</p>
${applications.length > 0 ? html`<ul class="items applications">${items}</ul>` : html`<p>${t('account:no_applications')}</p>`}
${back(ui, urls)}`,
  });
}
