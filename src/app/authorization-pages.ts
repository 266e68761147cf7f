import type { AuthorizationPages } from '../authorize/authorization-routes.js';
import { renderConsentPage } from '../interaction/consent-page.js';
import { FORM_POST_SCRIPT_HASH, renderFormPost } from '../interaction/form-post-page.js';
import { sendPage } from '../interaction/layout.js';

/** The authorization room's pages, rendered by the page room: the one place the two meet. */
export const authorizationPages = (accountUrl: string): AuthorizationPages => ({
  consent: (reply, page) => sendPage(reply, renderConsentPage({ ...page, accountUrl })),
  formPost: (reply, redirectUri, params) => sendPage(reply, renderFormPost(redirectUri, params), { scriptHashes: [FORM_POST_SCRIPT_HASH] }),
});
