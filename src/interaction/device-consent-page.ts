import type { ClientMetadata } from '../clients/client.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';
import type { PageContext } from './page-context.js';
import { translateHtml } from './translate-html.js';
import { describeScope } from './describe-access.js';

export interface DeviceConsentPageOptions {
  action: string;
  csrf: string;
  client: ClientMetadata;
  /** As shown on the device: XXXX-XXXX. */
  userCode: string;
  /** Scope name → what it means, in plain words. */
  scopes: { name: string; description: string }[];
  username: string;
}

/**
 * RFC 8628 §5.4: tells the person what they authorize — which app, on the device showing which
 * code, for which access — and warns against codes sent by someone else (remote phishing).
 */
export function renderDeviceConsentPage(ui: PageContext, options: DeviceConsentPageOptions): SafeHtml {
  const { t } = ui;
  const { client } = options;
  const name = client.client_name ?? client.client_id;
  const scopes = options.scopes.length
    ? html`<ul class="scopes">${options.scopes.map((s) => html`<li data-scope="${s.name}">${describeScope(t, s)}</li>`)}</ul>`
    : html`<p>${t('device:use_as_you')}</p>`;
  return renderPage({
    ui,
    title: t('device:consent_title', { app: name }),
    body: html`<h1>${translateHtml(t, 'device:consent_heading', { app: html`<span class="client-name">${name}</span>` })}</h1>
<p>${translateHtml(t, 'device:on_the_device', { code: html`<strong class="device-user-code">${options.userCode}</strong>` })}</p>
${scopes}
<div class="alert" role="note">${t('device:phishing_warning')}</div>
<p class="muted">${t('common:signed_in_as')} <strong>${options.username}</strong>.</p>
<form method="post" action="${options.action}" class="device-consent-form">
${csrfField(options.csrf)}<input type="hidden" name="user_code" value="${options.userCode}">
<div class="actions"><button type="submit" name="decision" value="deny" class="secondary consent-deny">${t('common:deny')}</button>
<button type="submit" name="decision" value="allow" class="consent-allow">${t('common:allow')}</button></div>
</form>`,
  });
}
