import { html } from '../interaction/html.js';
import { csrfField } from '../interaction/csrf-field.js';
import { segment } from './admin-api-client.js';
import { nextPageLink } from './clients-pages.js';
import { text, when } from './format.js';
import type { ConsoleContext } from './console-context.js';
import type { ConsolePage } from './console-layout.js';
import type { Row } from './users-pages.js';

type Ctx = Pick<ConsoleContext, 'admin' | 'csrf'>;
const time = when;

export function keysPage(ctx: Ctx, keys: Row[], notice?: string): ConsolePage {
  return {
    title: 'Signing keys',
    section: 'keys',
    admin: ctx.admin,
    body: html`<h1>Signing keys</h1>
<p class="muted">The keys that sign ID tokens and JWT access tokens. A rotated key stays published until every token it signed has expired.</p>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<form method="post" action="/admin/keys/rotate">${csrfField(ctx.csrf)}<button type="submit" class="rotate-key">Rotate: sign with a new key</button></form>
<table class="keys"><thead><tr><th scope="col">Key ID</th><th scope="col">Algorithm</th><th scope="col">Status</th><th scope="col">Created</th>
<th scope="col">Retired</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>${keys.map((key) => {
      const status = text(key.status);
      return html`<tr class="key"><td><code>${text(key.kid)}</code></td><td>${text(key.alg)}</td>
<td><span class="status ${status === 'retired' ? 'off' : 'on'} key-status">${status}</span></td><td>${time(key.created_at)}</td><td>${time(key.retired_at)}</td>
<td>${
        status === 'retired'
          ? ''
          : html`<form method="post" action="/admin/keys/${segment(text(key.kid))}/retire" class="inline">${csrfField(ctx.csrf)}<button type="submit" class="secondary retire-key">Retire</button></form>`
      }</td></tr>`;
    })}</tbody></table>`,
  };
}

/** The audit log's filters, as the form holds them and the API takes them. */
export interface AuditFilters {
  since: string;
  until: string;
  actor: string;
  event: string;
  client_id: string;
  user_id: string;
}

const FILTER_FIELDS: [keyof AuditFilters, string, string][] = [
  ['since', 'From', 'datetime-local'],
  ['until', 'Until', 'datetime-local'],
  ['event', 'Event', 'text'],
  ['actor', 'Actor', 'text'],
  ['user_id', 'User ID', 'text'],
  ['client_id', 'Client ID', 'text'],
];

export function auditPage(ctx: Ctx, filters: AuditFilters, events: Row[], nextCursor: string | null): ConsolePage {
  return {
    title: 'Audit log',
    section: 'audit',
    admin: ctx.admin,
    body: html`<h1>Audit log</h1><p class="muted">What happened, newest first. Times are UTC.</p>
<form method="get" action="/admin/audit" class="audit-filters"><div class="filters">${FILTER_FIELDS.map(
      ([name, label, type]) =>
        html`<div><label for="f-${name}">${label}</label><input type="${type}" id="f-${name}" name="${name}" value="${filters[name]}"${type === 'text' ? html` autocomplete="off"` : ''}></div>`,
    )}</div>
<p class="hint">Event: a type such as <code>signin.success</code>, or a family such as <code>signin.*</code>.</p>
<button type="submit" class="secondary">Filter</button> <a href="/admin/audit">Clear filters</a></form>
${
  events.length
    ? html`<table class="audit"><thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Actor</th><th scope="col">User</th>
<th scope="col">Client</th><th scope="col">Detail</th></tr></thead><tbody>${events.map(
        (
          event,
        ) => html`<tr class="audit-event"><td>${time(event.at ?? event.time ?? event.created_at)}</td><td><code>${text(event.event ?? event.type)}</code></td>
<td>${text(event.actor)}</td><td>${text(event.user_id)}</td><td>${text(event.client_id)}</td>
<td><details><summary>Show</summary><pre>${JSON.stringify(event, null, 2)}</pre></details></td></tr>`,
      )}</tbody></table>`
    : html`<p class="notice">No event matches these filters.</p>`
}
${nextPageLink('/admin/audit', { ...filters }, nextCursor)}`,
  };
}
