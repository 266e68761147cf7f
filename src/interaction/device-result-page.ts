import { html, type SafeHtml } from './html.js';
import { renderPage } from './layout.js';

export type DeviceResult = 'allowed' | 'denied' | 'expired' | 'used';

const TEXT: Record<DeviceResult, { title: string; body: string }> = {
  allowed: { title: 'Device connected', body: 'You can return to your device: it will continue by itself in a few seconds.' },
  denied: { title: 'Access denied', body: 'The device was not connected to your account. You can close this page.' },
  expired: {
    title: 'This code has expired',
    body: 'Codes are valid for a few minutes only. Start again on your device to get a new code.',
  },
  used: {
    title: 'This code has already been used',
    body: 'Each code works once. If you want to connect the device again, start again on the device to get a new code.',
  },
};

/** The end of the device flow in the browser: what happened, and what to do next. */
export function renderDeviceResultPage(result: DeviceResult, deviceUrl: string): SafeHtml {
  const { title, body } = TEXT[result];
  const again = (result === 'expired' || result === 'used') && html`<p class="links"><a href="${deviceUrl}">Enter another code</a></p>`;
  return renderPage({
    title,
    body: html`<div class="brand">Tessera</div><h1 class="device-result" data-result="${result}">${title}</h1><p>${body}</p>${again}`,
  });
}
