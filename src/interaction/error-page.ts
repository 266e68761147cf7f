import type { OAuthError } from '../http/oauth-errors.js';
import { escapeHtml } from './html.js';

/** The page a person sees when a request cannot go back to the app (unknown client, bad redirect URI, ...). */
export function renderErrorPage(error: OAuthError): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Something went wrong</title></head>
<body><main><h1>Something went wrong</h1><p class="error-code">${escapeHtml(error.error)}</p><p class="error-description">${escapeHtml(error.description)}</p></main></body></html>`;
}
