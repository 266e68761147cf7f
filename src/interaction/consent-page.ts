import type { ClientMetadata } from '../clients/client.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';

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

/** The consent page: which app asks, for what, and Allow / Deny (`name=decision`). */
export function renderConsentPage(options: ConsentPageOptions): SafeHtml {
  const { client } = options;
  const name = client.client_name ?? client.client_id;
  const logo = safeUrl(client.logo_uri);
  const links = (
    [
      ['client_uri', 'Website'],
      ['policy_uri', 'Privacy policy'],
      ['tos_uri', 'Terms of service'],
    ] as const
  ).flatMap(([member, label]) => {
    const url = safeUrl(client[member]);
    return url ? [html`<a href="${url}" rel="noopener noreferrer" target="_blank">${label}</a>`] : [];
  });
  const scopes = options.scopes.map((s) => html`<li data-scope="${s.name}">${s.description}</li>`);
  const claims = (options.claims ?? []).map((c) => html`<li data-claim="${c.name}">See: ${c.description}</li>`);
  return renderPage({
    title: `Allow ${name}?`,
    body: html`<div class="brand">Tessera</div>
<div class="client">${logo && html`<img src="${logo}" alt="" class="client-logo">`}
<h1><span class="client-name">${name}</span> wants access to your account</h1></div>
<p class="muted">If you allow it, this app will be able to:</p>
<ul class="scopes">${scopes}${claims}</ul>
<p class="muted">Signed in as <strong>${options.username}</strong>.${
      options.accountUrl && html` You can remove this access later on <a href="${options.accountUrl}/applications">your account page</a>.`
    }</p>
${links.length > 0 && html`<div class="links">${links}</div>`}
<form method="post" action="${options.action}" class="consent-form">
${csrfField(options.csrf)}<input type="hidden" name="interaction" value="${options.interaction}">
<div class="actions"><button type="submit" name="decision" value="deny" class="secondary consent-deny">Deny</button>
<button type="submit" name="decision" value="allow" class="consent-allow">Allow</button></div>
</form>`,
  });
}
