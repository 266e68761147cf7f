import type { Translator } from '../i18n/translator.js';
import type { PageContext } from '../interaction/page-context.js';
import { csrfField } from '../interaction/csrf-field.js';
import { html, type SafeHtml } from '../interaction/html.js';
import { renderPage } from '../interaction/layout.js';

export interface ConnectorButton {
  id: string;
  name: string;
}

/** The sign-in page's buttons, one per connector: links that start the upstream sign-in, keeping return_to. */
export function renderConnectorButtons(
  t: Translator['t'],
  issuer: string,
  connectors: ConnectorButton[],
  returnTo?: string,
): SafeHtml | undefined {
  if (connectors.length === 0) return undefined;
  const query = returnTo ? `?${new URLSearchParams({ return_to: returnTo })}` : '';
  return html`<div class="connectors"><p class="muted">${t('connectors:or')}</p>
${connectors.map(
  (c) =>
    html`<p><a class="button secondary connector-start" data-connector="${c.id}" href="${issuer}/connectors/${c.id}/start${query}">${t('connectors:sign_in_with', { name: c.name })}</a></p>`,
)}</div>`;
}

export interface ConnectorErrorOptions {
  title: string;
  message: string;
  /** The machine-readable reason, shown small (for support). */
  code: string;
  /** The sign-in page to go back to (keeping the app's request). */
  signInUrl: string;
}

/** The page of an upstream sign-in that did not sign anyone in. */
export function renderConnectorError(ui: PageContext, options: ConnectorErrorOptions): SafeHtml {
  const { t } = ui;
  return renderPage({
    ui,
    title: options.title,
    body: html`<h1>${options.title}</h1>
<div class="alert connector-error" role="alert">${options.message}</div>
<p class="muted">${t('connectors:error_code')} <code class="error-code">${options.code}</code></p>
<p class="links"><a href="${options.signInUrl}" class="back-to-sign-in">${t('connectors:back_to_sign_in')}</a></p>`,
  });
}

export interface LinkedIdentityView {
  connectorId: string;
  connectorName: string;
  upstreamSubject: string;
  /** What the upstream calls the person (username or email), for recognising the link. */
  who: string;
  createdAt: number;
}

export interface IdentitiesPageOptions {
  ui: PageContext;
  csrf: string;
  issuer: string;
  linked: LinkedIdentityView[];
  /** Connectors not linked yet, each a button that starts linking. */
  linkable: ConnectorButton[];
  notice?: string;
  error?: string;
}

/** The account's linked sign-in providers: each with an Unlink button, and buttons to link more. */
export function renderIdentitiesPage(options: IdentitiesPageOptions): SafeHtml {
  const { ui, csrf, issuer } = options;
  const { t } = ui;
  const items = options.linked.map(
    (l) => html`<li class="identity" data-connector="${l.connectorId}">
<strong>${l.connectorName}</strong> <span>${l.who}</span>
<div class="muted">${t('connectors:linked_on', { when: new Date(l.createdAt * 1000).toISOString().slice(0, 10) })}</div>
<form method="post" action="${issuer}/account/identities/unlink" class="inline">${csrfField(csrf)}
<input type="hidden" name="connector" value="${l.connectorId}"><input type="hidden" name="subject" value="${l.upstreamSubject}">
<button type="submit" class="secondary identity-unlink" aria-label="${t('connectors:unlink_label', { name: l.connectorName, who: l.who })}">${t('connectors:unlink')}</button></form></li>`,
  );
  const link = options.linkable.map(
    (c) => html`<form method="post" action="${issuer}/account/identities/link" class="inline">${csrfField(csrf)}
<input type="hidden" name="connector" value="${c.id}"><button type="submit" class="identity-link" data-connector="${c.id}">${t('connectors:link_with', { name: c.name })}</button></form>`,
  );
  return renderPage({
    ui,
    title: t('connectors:identities_title'),
    body: html`<h1>${t('connectors:identities_title')}</h1>
${options.notice && html`<p class="notice" role="status">${options.notice}</p>`}${options.error && html`<div class="alert" role="alert">${options.error}</div>`}
<p class="muted">${t('connectors:identities_intro')}</p>
${items.length > 0 ? html`<ul class="items identities">${items}</ul>` : html`<p class="identities-none">${t('connectors:identities_none')}</p>`}
${link.length > 0 ? html`<h2>${t('connectors:link_another')}</h2>${link}` : null}
<p class="links"><a href="${issuer}/account" class="account-home">${t('connectors:back_to_account')}</a></p>`,
  });
}
