import { html, type SafeHtml } from '../interaction/html.js';
import { csrfField } from '../interaction/csrf-field.js';
import { segment } from './admin-api-client.js';
import type { ConsolePage } from './console-layout.js';
import { when } from './format.js';
import type { ConsoleContext } from './console-context.js';

/** A client as the admin API returns it: RFC 7591 metadata, its id, where it came from and when. */
export interface ConsoleClient {
  client_id: string;
  client_name?: string;
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  grant_types?: string[];
  token_endpoint_auth_method?: string;
  scope?: string;
  origin?: string;
  created_at?: string | number;
}

export const GRANT_TYPES: [string, string][] = [
  ['authorization_code', 'Authorization code'],
  ['refresh_token', 'Refresh token'],
  ['client_credentials', 'Client credentials'],
  ['urn:ietf:params:oauth:grant-type:device_code', 'Device code'],
  ['urn:ietf:params:oauth:grant-type:token-exchange', 'Token exchange'],
];

export const AUTH_METHODS: [string, string][] = [
  ['client_secret_basic', 'Secret in the Authorization header (client_secret_basic)'],
  ['client_secret_post', 'Secret in the form (client_secret_post)'],
  ['private_key_jwt', 'Signed assertion with its own key (private_key_jwt)'],
  ['none', 'Public client, no secret (none)'],
];

type Ctx = Pick<ConsoleContext, 'admin' | 'csrf'>;

export function clientsListPage(ctx: Ctx, clients: ConsoleClient[], q: string, nextCursor: string | null): ConsolePage {
  const rows = clients.map(
    (client) => html`<tr><td><a href="/admin/clients/${segment(client.client_id)}">${client.client_name || client.client_id}</a></td>
<td><code>${client.client_id}</code></td><td>${client.token_endpoint_auth_method ?? ''}</td><td>${(client.grant_types ?? []).join(', ')}</td>
<td>${client.origin ?? ''}</td><td>${when(client.created_at)}</td></tr>`,
  );
  return {
    title: 'Clients',
    section: 'clients',
    admin: ctx.admin,
    body: html`<h1>Clients</h1><p class="muted">The applications that may ask Tessera to sign people in or issue tokens.</p>
<form method="get" action="/admin/clients" class="toolbar" role="search"><div><label for="q">Search clients</label>
<input type="search" id="q" name="q" value="${q}" placeholder="Name or client ID"></div><button type="submit" class="secondary">Search</button>
<a class="button new-client" href="/admin/clients/new">New client</a></form>
${
  clients.length
    ? html`<table class="clients"><caption class="muted">${clients.length} shown</caption><thead><tr><th scope="col">Name</th><th scope="col">Client ID</th>
<th scope="col">Authentication</th><th scope="col">Grant types</th><th scope="col">From</th><th scope="col">Created</th></tr></thead><tbody>${rows}</tbody></table>`
    : html`<p class="notice">${q ? 'No client matches this search.' : 'No clients yet.'}</p>`
}
${nextPageLink('/admin/clients', { q }, nextCursor)}`,
  };
}

/** The link to the next page of a cursor-paginated list, if there is one. */
export function nextPageLink(path: string, query: Record<string, string>, cursor: string | null): SafeHtml | '' {
  if (!cursor) return '';
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
  search.set('cursor', cursor);
  return html`<p class="pager"><a class="next-page" href="${path}?${search.toString()}">Next page</a></p>`;
}

export interface ClientFormValues {
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  token_endpoint_auth_method: string;
  scope: string;
}

export function clientFormValues(client?: ConsoleClient): ClientFormValues {
  return {
    client_name: client?.client_name ?? '',
    redirect_uris: client?.redirect_uris ?? [],
    post_logout_redirect_uris: client?.post_logout_redirect_uris ?? [],
    grant_types: client?.grant_types ?? ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: client?.token_endpoint_auth_method ?? 'client_secret_basic',
    scope: client?.scope ?? '',
  };
}

function clientFields(values: ClientFormValues): SafeHtml {
  return html`<label for="client_name">Name</label><input type="text" id="client_name" name="client_name" value="${values.client_name}" required>
<label for="redirect_uris">Redirect URIs</label><textarea id="redirect_uris" name="redirect_uris" aria-describedby="redirect_uris_hint">${values.redirect_uris.join('\n')}</textarea>
<p class="hint" id="redirect_uris_hint">One per line. https, or http only for loopback addresses.</p>
<label for="post_logout_redirect_uris">Addresses after sign-out</label><textarea id="post_logout_redirect_uris" name="post_logout_redirect_uris" aria-describedby="post_logout_hint">${values.post_logout_redirect_uris.join('\n')}</textarea>
<p class="hint" id="post_logout_hint">One per line; optional.</p>
<fieldset><legend>Grant types</legend>${GRANT_TYPES.map(
    ([value, label]) =>
      html`<label><input type="checkbox" name="grant_types" value="${value}"${values.grant_types.includes(value) ? html` checked` : ''}> ${label}</label>`,
  )}</fieldset>
<label for="token_endpoint_auth_method">Client authentication</label><select id="token_endpoint_auth_method" name="token_endpoint_auth_method">${AUTH_METHODS.map(
    ([value, label]) =>
      html`<option value="${value}"${values.token_endpoint_auth_method === value ? html` selected` : ''}>${label}</option>`,
  )}</select>
<label for="scope">Scopes it may ask for</label><input type="text" id="scope" name="scope" value="${values.scope}" aria-describedby="scope_hint">
<p class="hint" id="scope_hint">Space-separated; empty for the server's default.</p>`;
}

export function newClientPage(ctx: Ctx, values: ClientFormValues, problem?: SafeHtml): ConsolePage {
  return {
    title: 'New client',
    section: 'clients',
    admin: ctx.admin,
    narrow: true,
    body: html`<h1>New client</h1>${problem ?? ''}
<form method="post" action="/admin/clients" class="client-form">${csrfField(ctx.csrf)}${clientFields(values)}
<button type="submit">Create client</button></form><p><a href="/admin/clients">Back to the clients</a></p>`,
  };
}

export function clientPage(ctx: Ctx, client: ConsoleClient, etag: string, values: ClientFormValues, problem?: SafeHtml): ConsolePage {
  const path = `/admin/clients/${segment(client.client_id)}`;
  const confidential = client.token_endpoint_auth_method !== 'none' && client.token_endpoint_auth_method !== 'private_key_jwt';
  return {
    title: client.client_name || client.client_id,
    section: 'clients',
    admin: ctx.admin,
    narrow: true,
    body: html`<p><a href="/admin/clients">Clients</a></p><h1>${client.client_name || client.client_id}</h1>
<dl class="facts"><dt>Client ID</dt><dd><code>${client.client_id}</code></dd><dt>From</dt><dd>${client.origin ?? ''}</dd>
<dt>Created</dt><dd>${when(client.created_at)}</dd></dl>${problem ?? ''}
<form method="post" action="${path}" class="client-form">${csrfField(ctx.csrf)}<input type="hidden" name="etag" value="${etag}">
${clientFields(values)}<button type="submit">Save changes</button></form>
${
  confidential
    ? html`<section><h2>Client secret</h2><p class="muted">A new secret replaces the current one at once: the app needs it before its next request.</p>
<form method="post" action="${path}/secret">${csrfField(ctx.csrf)}<button type="submit" class="secondary rotate-secret">Generate a new secret</button></form></section>`
    : ''
}
<section><h2>Delete</h2><p><a class="delete-client" href="${path}/delete">Delete this client…</a></p></section>`,
  };
}

export function secretOncePage(ctx: Ctx, clientId: string, secret: string | undefined): ConsolePage {
  const path = `/admin/clients/${segment(clientId)}`;
  return {
    title: 'Client secret',
    section: 'clients',
    admin: ctx.admin,
    narrow: true,
    body: secret
      ? html`<div class="secret-once"><h1 id="secret-title">Copy the client secret now</h1>
<p>This is the only time it is shown: Tessera keeps only a hash of it. Store it in the app's configuration or your vault.</p>
<label for="client-secret">Secret of <code>${clientId}</code></label>
<input type="text" id="client-secret" class="secret" readonly value="${secret}" autocomplete="off" spellcheck="false">
<p><a class="button" href="${path}">I have copied it</a></p></div>`
      : html`<h1>The secret is no longer shown</h1><p>A client secret is shown once, right after it is made. If it was not copied, generate a new one.</p>
<p><a href="${path}">Back to the client</a></p>`,
  };
}

export function deleteClientPage(ctx: Ctx, client: ConsoleClient): ConsolePage {
  const path = `/admin/clients/${segment(client.client_id)}`;
  return {
    title: 'Delete client',
    section: 'clients',
    admin: ctx.admin,
    narrow: true,
    body: html`<h1>Delete ${client.client_name || client.client_id}?</h1>
<p>The app can no longer sign people in or get tokens, and its tokens stop working. This cannot be undone.</p>
<form method="post" action="${path}/delete">${csrfField(ctx.csrf)}<div class="actions">
<a class="button" href="${path}">Keep it</a><button type="submit" class="danger confirm-delete">Delete the client</button></div></form>`,
  };
}
