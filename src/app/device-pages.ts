import type { DeviceVerificationPages } from '../device/verification-routes.js';
import { renderDeviceCodePage } from '../interaction/device-code-page.js';
import { renderDeviceConsentPage } from '../interaction/device-consent-page.js';
import { renderDeviceResultPage } from '../interaction/device-result-page.js';
import { sendPage } from '../interaction/layout.js';
import type { PageContexts } from '../interaction/page-context.js';

/** The device verification room's pages, rendered by the page room: the one place the two meet. */
export const devicePages = (pages: PageContexts): DeviceVerificationPages => ({
  codeEntry: (request, reply, page, status) => sendPage(reply, renderDeviceCodePage(pages.for(request), page), { status }),
  consent: (request, reply, page) => sendPage(reply, renderDeviceConsentPage(pages.for(request), page)),
  outcome: (request, reply, outcome, { deviceUrl }, status) =>
    sendPage(reply, renderDeviceResultPage(pages.for(request), outcome, deviceUrl), { status }),
});
