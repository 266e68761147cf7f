import type { ClientMetadata } from '../clients/client.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';
import type { PageContext } from './page-context.js';
import { translateHtml } from './translate-html.js';
import { describeClaim, describeScope } from './describe-access.js';

export interface ConsentPageOptions {
  action: string;
  csrf: string;
  /** The sealed pending request. */
  interaction: string;
  client: ClientMetadata;
  /** Scope name → what it means, in plain words. */
  scopes: { name: string; description: string }[];
  /** Claims asked for one by one beyond the scopes (OIDC Core §5.5): each is listed too. */
  claims?: { name: string; description: string }[];
  username: string;
  /** The account page, where the person can later take this access back. */
  accountUrl?: string;
}

/** Links are shown only for http(s) URLs, so registered metadata cannot inject javascript: links. */
function safeUrl(value: string | undefined): string | undefined {
  return value && /^https?:\/\//i.test(value) ? value : undefined;
}

/**
 * The consent page: which app asks (its registered name, logo and links: RFC 7591 §2 client_uri,
 * policy_uri, tos_uri), for what, and Allow / Deny (`name=decision`).
 */
export function renderConsentPage(ui: PageContext, options: ConsentPageOptions): SafeHtml {
  const { t } = ui;
  const { client } = options;
  const name = client.client_name ?? client.client_id;
  const logo = safeUrl(client.logo_uri);
  const links = (
    [
      ['client_uri', t('consent:website')],
      ['policy_uri', t('consent:privacy_policy')],
      ['tos_uri', t('consent:terms_of_service')],
    ] as const
  ).flatMap(([member, label]) => {
    const url = safeUrl(client[member]);
    return url ? [html`<a href="${url}" rel="noopener noreferrer" target="_blank" class="${member.replace('_', '-')}">${label}</a>`] : [];
  });
  const scopes = options.scopes.map((s) => html`<li data-scope="${s.name}">${describeScope(t, s)}</li>`);
  const claims = (options.claims ?? []).map((c) => html`<li data-claim="${c.name}">${describeClaim(t, c.name, c.description)}</li>`);
  return renderPage({
    ui,
    title: t('consent:title', { app: name }),
    body: html`<div class="client">${logo && html`<img src="${logo}" alt="" class="client-logo">`}
<h1>${translateHtml(t, 'consent:heading', { app: html`<span class="client-name">${name}</span>` })}</h1></div>
<p class="muted">${t('consent:if_you_allow')}</p>
<ul class="scopes">${scopes}${claims}</ul>
<p class="muted">${t('common:signed_in_as')} <strong>${options.username}</strong>.${
      options.accountUrl &&
      html` ${translateHtml(t, 'consent:remove_later', {
        link: html`<a href="${options.accountUrl}/applications">${t('consent:your_account_page')}</a>`,
      })}`
    }</p>
${links.length > 0 && html`<div class="links">${links}</div>`}
<form method="post" action="${options.action}" class="consent-form">
${csrfField(options.csrf)}<input type="hidden" name="interaction" value="${options.interaction}">
<div class="actions"><button type="submit" name="decision" value="deny" class="secondary consent-deny">${t('common:deny')}</button>
<button type="submit" name="decision" value="allow" class="consent-allow">${t('common:allow')}</button></div>
</form>`,
  });
}
