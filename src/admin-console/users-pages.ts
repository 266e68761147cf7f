import { html, type SafeHtml } from '../interaction/html.js';
import { csrfField } from '../interaction/csrf-field.js';
import { segment } from './admin-api-client.js';
import { nextPageLink } from './clients-pages.js';
import { text, when } from './format.js';
import type { ConsoleContext } from './console-context.js';
import type { ConsolePage } from './console-layout.js';

/** A user as the admin API returns it. */
export interface ConsoleUser {
  id: string;
  username: string;
  claims: Record<string, unknown>;
  created_at?: string | number;
  disabled: boolean;
  roles?: string[];
  mfa?: { totp?: boolean; passkeys?: number; recovery_codes?: number };
}

/** A browser session, a grant (consent) and a linked upstream identity, as far as the console shows them. */
export type Row = Record<string, unknown>;

export interface UserDetails {
  user: ConsoleUser;
  etag: string;
  sessions: Row[];
  grants: Row[];
  identities: Row[];
}

type Ctx = Pick<ConsoleContext, 'admin' | 'csrf'>;

function status(disabled: boolean): SafeHtml {
  return disabled ? html`<span class="status off">Disabled</span>` : html`<span class="status on">Active</span>`;
}

function factors(mfa: ConsoleUser['mfa']): string {
  const parts: string[] = [];
  if (mfa?.totp) parts.push('authenticator app');
  if (mfa?.passkeys) parts.push(`${mfa.passkeys} passkey${mfa.passkeys === 1 ? '' : 's'}`);
  if (mfa?.recovery_codes) parts.push(`${mfa.recovery_codes} recovery code${mfa.recovery_codes === 1 ? '' : 's'}`);
  return parts.join(', ') || 'none';
}

export function usersListPage(ctx: Ctx, users: ConsoleUser[], q: string, nextCursor: string | null): ConsolePage {
  const rows = users.map(
    (user) => html`<tr><td><a href="/admin/users/${segment(user.id)}">${user.username}</a></td><td>${text(user.claims.name)}</td>
<td>${text(user.claims.email)}</td><td>${status(user.disabled)}</td><td>${(user.roles ?? []).join(', ')}</td><td>${when(user.created_at)}</td></tr>`,
  );
  return {
    title: 'Users',
    section: 'users',
    admin: ctx.admin,
    body: html`<h1>Users</h1><p class="muted">The people who sign in with Tessera.</p>
<form method="get" action="/admin/users" class="toolbar" role="search"><div><label for="q">Search users</label>
<input type="search" id="q" name="q" value="${q}" placeholder="Username, name or email"></div><button type="submit" class="secondary">Search</button>
<a class="button new-user" href="/admin/users/new">New user</a></form>
${
  users.length
    ? html`<table class="users"><thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Status</th>
<th scope="col">Roles</th><th scope="col">Created</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="notice">${q ? 'No user matches this search.' : 'No users yet.'}</p>`
}
${nextPageLink('/admin/users', { q }, nextCursor)}`,
  };
}

export interface NewUserValues {
  username: string;
  name: string;
  email: string;
}

export function newUserPage(ctx: Ctx, values: NewUserValues, problem?: SafeHtml): ConsolePage {
  return {
    title: 'New user',
    section: 'users',
    admin: ctx.admin,
    narrow: true,
    body: html`<h1>New user</h1>${problem ?? ''}<form method="post" action="/admin/users" class="user-form">${csrfField(ctx.csrf)}
<label for="username">Username</label><input type="text" id="username" name="username" value="${values.username}" required autocomplete="off">
<label for="name">Full name</label><input type="text" id="name" name="name" value="${values.name}" autocomplete="off">
<label for="email">Email</label><input type="email" id="email" name="email" value="${values.email}" autocomplete="off">
<label for="password">Password</label><input type="password" id="password" name="password" required minlength="8" autocomplete="new-password" aria-describedby="password_hint">
<p class="hint" id="password_hint">At least 8 characters. Hand it to the person over a safe channel; they can change it on their account page.</p>
<button type="submit">Create user</button></form><p><a href="/admin/users">Back to the users</a></p>`,
  };
}

/** One row's revoke button: a small form that posts to `action`. */
function revokeButton(ctx: Ctx, action: string, label: string, className: string): SafeHtml {
  return html`<form method="post" action="${action}" class="inline">${csrfField(ctx.csrf)}<button type="submit" class="secondary ${className}">${label}</button></form>`;
}

export interface UserPageMessages {
  claimsText?: string;
  problem?: SafeHtml;
  notice?: string;
}

export function userPage(ctx: Ctx, details: UserDetails, messages: UserPageMessages = {}): ConsolePage {
  const { user } = details;
  const path = `/admin/users/${segment(user.id)}`;
  const claimsText = messages.claimsText ?? JSON.stringify(user.claims, null, 2);
  return {
    title: user.username,
    section: 'users',
    admin: ctx.admin,
    body: html`<p><a href="/admin/users">Users</a></p><h1>${user.username} ${status(user.disabled)}</h1>
${messages.notice ? html`<p class="notice" role="status">${messages.notice}</p>` : ''}${messages.problem ?? ''}
<dl class="facts"><dt>ID</dt><dd><code>${user.id}</code></dd><dt>Created</dt><dd>${when(user.created_at)}</dd>
<dt>Roles</dt><dd>${(user.roles ?? []).join(', ') || 'none'}</dd><dt>Second factors</dt><dd class="factors">${factors(user.mfa)}</dd></dl>
<div class="toolbar">
<form method="post" action="${path}/${user.disabled ? 'enable' : 'disable'}">${csrfField(ctx.csrf)}<button type="submit" class="${user.disabled ? '' : 'danger'} toggle-disabled">${user.disabled ? 'Enable the account' : 'Disable the account'}</button></form>
<form method="post" action="${path}/mfa/reset">${csrfField(ctx.csrf)}<button type="submit" class="secondary reset-mfa">Reset second factors</button></form>
</div>
<section><h2>Claims</h2><form method="post" action="${path}" class="claims-form">${csrfField(ctx.csrf)}<input type="hidden" name="etag" value="${details.etag}">
<label for="claims">Claims (JSON object)</label><textarea id="claims" name="claims" rows="8" aria-describedby="claims_hint">${claimsText}</textarea>
<p class="hint" id="claims_hint">Standard claims such as name, email, email_verified; released to apps by scope.</p>
<button type="submit">Save claims</button></form></section>
<section><h2>Password</h2><form method="post" action="${path}/password" class="password-form">${csrfField(ctx.csrf)}
<label for="new-password">New password</label><input type="password" id="new-password" name="password" required minlength="8" autocomplete="new-password">
<button type="submit" class="secondary">Set password</button></form></section>
<section><h2>Sessions</h2>${
      details.sessions.length
        ? html`<table class="sessions"><thead><tr><th scope="col">Signed in</th><th scope="col">Last seen</th><th scope="col">Browser</th><th scope="col">Address</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>${details.sessions.map(
            (s) => html`<tr class="session"><td>${when(s.created_at)}</td><td>${when(s.last_seen_at ?? s.expires_at)}</td>
<td>${text(s.browser ?? s.user_agent)}</td><td>${text(s.address ?? s.ip)}</td><td>${revokeButton(ctx, `${path}/sessions/${segment(text(s.id ?? s.sid))}/revoke`, 'Sign out', 'revoke-session')}</td></tr>`,
          )}</tbody></table>`
        : html`<p class="muted">No open sessions.</p>`
    }</section>
<section><h2>Apps with consent</h2>${
      details.grants.length
        ? html`<table class="grants"><thead><tr><th scope="col">Client</th><th scope="col">Scopes</th><th scope="col">Since</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>${details.grants.map(
            (
              g,
            ) => html`<tr class="grant"><td><code>${text(g.client_id)}</code></td><td>${text(g.scope ?? (Array.isArray(g.scopes) ? g.scopes.join(' ') : ''))}</td>
<td>${when(g.created_at)}</td><td>${revokeButton(ctx, `${path}/grants/${segment(text(g.id))}/revoke`, 'Revoke', 'revoke-grant')}</td></tr>`,
          )}</tbody></table>`
        : html`<p class="muted">No app holds a grant from this user.</p>`
    }</section>
<section><h2>Linked identities</h2>${
      details.identities.length
        ? html`<table class="identities"><thead><tr><th scope="col">Connector</th><th scope="col">Upstream subject</th><th scope="col">Linked</th></tr></thead><tbody>${details.identities.map(
            (i) =>
              html`<tr><td>${text(i.connector_id)}</td><td><code>${text(i.upstream_subject ?? i.subject)}</code></td><td>${when(i.created_at)}</td></tr>`,
          )}</tbody></table>`
        : html`<p class="muted">No identity from another provider is linked.</p>`
    }</section>`,
  };
}
