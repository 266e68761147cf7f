import type { OAuthError } from '../protocol/oauth-errors.js';
import { html, type SafeHtml } from './html.js';
import { pageErrorHandler } from '../http/error-handler.js';
import { renderPage, sendPage } from './layout.js';
import type { PageContext, PageContexts } from './page-context.js';

/** Which of the catalogue's explanations fits: too fast, our fault, not found, or a request that cannot go on. */
function kindOf(error: OAuthError): 'throttled' | 'server' | 'not_found' | 'refused' {
  if (error.status === 429) return 'throttled';
  if (error.status >= 500) return 'server';
  if (error.status === 404) return 'not_found';
  return 'refused';
}

/**
 * The page a person sees when a request cannot go back to the app (unknown client, bad redirect
 * URI, an expired form, ...): what happened and what to do, in the reader's language; the
 * technical description for the app's developer as the protocol states it; and the request id,
 * which is also on the log line of this request, so support can find it.
 */
export function renderErrorPage(ui: PageContext, error: OAuthError, requestId?: string): SafeHtml {
  const { t } = ui;
  const kind = kindOf(error);
  const title = t(`errors:title_${kind}`);
  return renderPage({
    ui,
    title,
    body: html`<h1>${title}</h1>
<p>${t(`errors:explain_${kind}`)}</p>
<p class="muted">${t('errors:details')} <span class="error-description" lang="en" dir="ltr">${error.description}</span></p>
<p class="muted">${t('errors:error_code')} <code class="error-code">${error.error}</code>${
      requestId && html`<br>${t('errors:request_id')} <code class="request-id">${requestId}</code>`
    }</p>
<p class="muted">${t('errors:what_to_do')}</p>`,
  });
}

/** The error handler of every page scope: the error as this page, in the reader's language, with the page headers. */
export const errorPageHandler = (pages: PageContexts) =>
  pageErrorHandler((request, reply, error) => {
    sendPage(reply, renderErrorPage(pages.for(request, uiLocalesOf(request)), error, request.id), { status: reply.statusCode });
  });

/** A page error at /auth or /session/end: the app's ui_locales, when it sent them (OIDC Core §3.1.2.1; RP-Initiated Logout §2). */
function uiLocalesOf(request: { query: unknown; body?: unknown }): string | undefined {
  for (const source of [request.query, request.body]) {
    const value = source && typeof source === 'object' ? (source as Record<string, unknown>).ui_locales : undefined;
    if (typeof value === 'string') return value;
  }
  return undefined;
}
