import type { AuthorizationPages } from '../authorize/authorization-routes.js';
import { renderConsentPage } from '../interaction/consent-page.js';
import { FORM_POST_SCRIPT_HASH, renderFormPost } from '../interaction/form-post-page.js';
import { sendPage } from '../interaction/layout.js';
import type { PageContexts } from '../interaction/page-context.js';

/** The authorization room's pages, rendered by the page room: the one place the two meet. */
export const authorizationPages = (pages: PageContexts, accountUrl: string): AuthorizationPages => ({
  consent: (request, reply, page) => sendPage(reply, renderConsentPage(pages.for(request, page.uiLocales), { ...page, accountUrl })),
  formPost: (request, reply, redirectUri, params) =>
    sendPage(reply, renderFormPost(pages.for(request), redirectUri, params), { scriptHashes: [FORM_POST_SCRIPT_HASH] }),
});
