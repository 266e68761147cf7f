import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import { csrfField } from './csrf-field.js';
import type { PageContext } from './page-context.js';

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
function refusalText(ui: PageContext, refused: NonNullable<DeviceCodePageOptions['refused']>): string {
  switch (refused.reason) {
    case 'malformed':
      return ui.t('device:malformed', { example: 'BCDF-GHJK' });
    case 'unknown':
      return ui.t('device:unknown');
    case 'throttled':
      return ui.t('device:throttled', { minutes: Math.max(1, Math.ceil(refused.retryAfter / 60)) });
  }
}

/**
 * The verification page of RFC 8628 §3.3: the person types the code their device shows.
 * A prefilled code (verification_uri_complete) is still only submitted by the person, after
 * comparing it with the device (§5.4: a link alone must not authorize anything).
 */
export function renderDeviceCodePage(ui: PageContext, options: DeviceCodePageOptions): SafeHtml {
  const { t } = ui;
  const error = options.refused && html`<div class="alert" role="alert">${refusalText(ui, options.refused)}</div>`;
  const prefilled = options.userCode !== undefined && !options.refused;
  const intro = prefilled ? html`<p>${t('device:check_prefilled')}</p>` : html`<p>${t('device:enter_code')}</p>`;
  return renderPage({
    ui,
    title: t('device:title'),
    body: html`<h1>${t('device:title')}</h1>${intro}${error}
<form method="post" action="${options.action}" class="device-code-form">
${csrfField(options.csrf)}
<label for="user_code">${t('device:code')}</label>
<input type="text" id="user_code" name="user_code" class="device-user-code" placeholder="XXXX-XXXX" dir="ltr"
  autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" maxlength="20" required autofocus
  value="${options.userCode ?? ''}">
<button type="submit" class="device-code-submit">${t('common:continue')}</button>
</form>`,
  });
}
