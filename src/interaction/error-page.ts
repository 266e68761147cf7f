import type { OAuthError } from '../protocol/oauth-errors.js';
import { html, type SafeHtml } from './html.js';
import { pageErrorHandler } from '../http/error-handler.js';
import { renderPage, setPageHeaders } from './layout.js';

/** The page a person sees when a request cannot go back to the app (unknown client, bad redirect URI, ...). */
export function renderErrorPage(error: OAuthError): SafeHtml {
  const title =
    error.status === 429
      ? 'Please wait a moment'
      : error.status >= 500
        ? 'Something went wrong on our side'
        : 'This request cannot be completed';
  return renderPage({
    title,
    body: html`<div class="brand">Tessera</div><h1>${title}</h1>
<p class="error-description">${error.description}</p>
<p class="muted">Error code: <code class="error-code">${error.error}</code></p>
<p class="muted">You can close this window, or go back to the app you came from and try again.</p>`,
  });
}

/** The error handler of every page scope: the error as this page, with the page headers. */
export const errorPageHandler = pageErrorHandler((reply, error) => {
  setPageHeaders(reply);
  reply.type('text/html; charset=utf-8').send(renderErrorPage(error).toString());
});
