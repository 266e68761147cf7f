import type { DeviceVerificationPages } from '../device/verification-routes.js';
import { renderDeviceCodePage } from '../interaction/device-code-page.js';
import { renderDeviceConsentPage } from '../interaction/device-consent-page.js';
import { renderDeviceResultPage } from '../interaction/device-result-page.js';
import { sendPage } from '../interaction/layout.js';

/** The device verification room's pages, rendered by the page room: the one place the two meet. */
export const devicePages: DeviceVerificationPages = {
  codeEntry: (reply, page, status) => sendPage(reply, renderDeviceCodePage(page), { status }),
  consent: (reply, page) => sendPage(reply, renderDeviceConsentPage(page)),
  outcome: (reply, outcome, { deviceUrl }, status) => sendPage(reply, renderDeviceResultPage(outcome, deviceUrl), { status }),
};
