import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';

export interface DeviceCodePageOptions {
  /** Where the form posts (the issuer's /device). */
  action: string;
  csrf: string;
  /** Prefilled from verification_uri_complete, or what the person typed last. */
  userCode?: string;
  /** Why the last code was not taken. */
  refused?: { reason: 'malformed' | 'unknown' } | { reason: 'throttled'; retryAfter: number };
}

/** The refusal in words: what was wrong, and what to do. */
function refusalText(refused: NonNullable<DeviceCodePageOptions['refused']>): string {
  switch (refused.reason) {
    case 'malformed':
      return 'That does not look like a device code. Codes have 8 letters, like BCDF-GHJK.';
    case 'unknown':
      return 'That code is not valid. Check the code on your device and try again.';
    case 'throttled': {
      const minutes = Math.max(1, Math.ceil(refused.retryAfter / 60));
      return `Too many wrong codes. For your security, please wait ${minutes} minute${minutes === 1 ? '' : 's'} and try again.`;
    }
  }
}

/**
 * The verification page of RFC 8628 §3.3: the person types the code their device shows.
 * A prefilled code (verification_uri_complete) is still only submitted by the person, after
 * comparing it with the device (§5.4: a link alone must not authorize anything).
 */
export function renderDeviceCodePage(options: DeviceCodePageOptions): SafeHtml {
  const error = options.refused && html`<div class="alert" role="alert">${refusalText(options.refused)}</div>`;
  const prefilled = options.userCode !== undefined && !options.refused;
  const intro = prefilled
    ? html`<p>Check that this code is the one shown on your device, then continue.
If you did not start signing in on a device yourself, close this page.</p>`
    : html`<p>Enter the code shown on your TV, console or other device.</p>`;
  return renderPage({
    title: 'Connect a device',
    body: html`<div class="brand">Tessera</div><h1>Connect a device</h1>${intro}${error}
<form method="post" action="${options.action}" class="device-code-form">
${csrfField(options.csrf)}
<label for="user_code">Code</label>
<input type="text" id="user_code" name="user_code" class="device-user-code" placeholder="XXXX-XXXX"
  autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" maxlength="20" required autofocus
  value="${options.userCode ?? ''}">
<button type="submit" class="device-code-submit">Continue</button>
</form>`,
  });
}
