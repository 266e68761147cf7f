import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';
import type { PageContext } from './page-context.js';

export type DeviceResult = 'allowed' | 'denied' | 'expired' | 'used';

/** The end of the device flow in the browser: what happened, and what to do next. */
export function renderDeviceResultPage(ui: PageContext, result: DeviceResult, deviceUrl: string): SafeHtml {
  const { t } = ui;
  const title = t(`device:result_${result}_title`);
  const again =
    (result === 'expired' || result === 'used') && html`<p class="links"><a href="${deviceUrl}">${t('device:enter_another')}</a></p>`;
  return renderPage({
    ui,
    title,
    body: html`<h1 class="device-result" data-result="${result}">${title}</h1><p>${t(`device:result_${result}_body`)}</p>${again}`,
  });
}
