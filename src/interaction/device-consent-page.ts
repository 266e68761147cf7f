import type { ClientMetadata } from '../clients/client.js';
import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';

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
export function renderDeviceConsentPage(options: DeviceConsentPageOptions): SafeHtml {
  const { client } = options;
  const name = client.client_name ?? client.client_id;
  const scopes = options.scopes.length
    ? html`<ul class="scopes">${options.scopes.map((s) => html`<li data-scope="${s.name}">${s.description}</li>`)}</ul>`
    : html`<p>Use the app on that device as you.</p>`;
  return renderPage({
    title: `Allow ${name} on your device?`,
    body: html`<div class="brand">Tessera</div>
<h1><span class="client-name">${name}</span> wants to connect</h1>
<p>On the device showing the code <strong class="device-user-code">${options.userCode}</strong>, the app asks to:</p>
${scopes}
<div class="alert" role="note">Only allow this if you started signing in on that device yourself and it shows this code.
Never enter a code someone sent you.</div>
<p class="muted">Signed in as <strong>${options.username}</strong>.</p>
<form method="post" action="${options.action}" class="device-consent-form">
${csrfField(options.csrf)}<input type="hidden" name="user_code" value="${options.userCode}">
<div class="actions"><button type="submit" name="decision" value="deny" class="secondary consent-deny">Deny</button>
<button type="submit" name="decision" value="allow" class="consent-allow">Allow</button></div>
</form>`,
  });
}
