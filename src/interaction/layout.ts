import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { html, raw, SafeHtml } from './html.js';
import type { PageContext } from './page-context.js';
import { BASE_STYLESHEET } from './stylesheet.js';

/** What a page's Content-Security-Policy must allow beyond 'none': its stylesheet and the brand's origins. */
export interface PageSources {
  styleHashes: string[];
  styleOrigins: string[];
  imageOrigins: string[];
}

/** A rendered document that knows what its CSP must allow (sendPage reads it). */
export class PageDocument extends SafeHtml {
  constructor(
    markup: string,
    readonly sources: PageSources,
  ) {
    super(markup);
  }
}

export interface PageOptions {
  ui: PageContext;
  title: string;
  body: SafeHtml;
}

/** The brand line at the top of every card: the logo, or the product's name. */
function brandLine(ui: PageContext): SafeHtml {
  const { brand } = ui;
  return brand.logoUrl
    ? html`<div class="brand"><img src="${brand.logoUrl}" alt="${brand.productName}" class="brand-logo"></div>`
    : html`<div class="brand">${brand.productName}</div>`;
}

/** A complete HTML document in Tessera's shared layout, in the reader's language and direction. */
export function renderPage({ ui, title, body }: PageOptions): PageDocument {
  const { brand } = ui;
  const page = html`<!doctype html>
<html lang="${ui.language}" dir="${ui.direction}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title}</title>${
    brand.faviconUrl && html`<link rel="icon" href="${brand.faviconUrl}">`
  }<style>${raw(brand.stylesheet)}</style>${brand.stylesheetUrl && html`<link rel="stylesheet" href="${brand.stylesheetUrl}">`}</head>
<body>${brand.header && html`<header class="site-header">${brand.header}</header>`}<main>${brandLine(ui)}${body}</main>${
    brand.footer && html`<footer class="site-footer">${brand.footer}</footer>`
  }</body></html>`;
  return new PageDocument(page.toString(), {
    styleHashes: [brand.styleHash],
    styleOrigins: brand.styleOrigins,
    imageOrigins: brand.imageOrigins,
  });
}

export interface SendOptions {
  status?: number;
  /** CSP hashes of inline scripts the page runs (form_post auto-submit). */
  scriptHashes?: string[];
  /** CSP hashes of the page's own stylesheet, when it is not a PageDocument (the playground's wide pages). */
  styleHashes?: string[];
}

/**
 * The headers every HTML page carries: no framing (X-Frame-Options, CSP frame-ancestors),
 * no sniffing, no referrer, no caching, and a CSP that allows only our own stylesheet (and the
 * brand's stylesheet and image origins), images over https (apps' logos), and listed scripts.
 */
export function setPageHeaders(reply: FastifyReply, options: SendOptions = {}, sources?: PageSources): void {
  const scripts = options.scriptHashes?.length ? options.scriptHashes.map((h) => `'${h}'`).join(' ') : "'none'";
  const styles = [...(options.styleHashes ?? []).map((h) => `'${h}'`), ...(sources?.styleHashes ?? []), ...(sources?.styleOrigins ?? [])];
  const images = ['https:', 'data:', ...(sources?.imageOrigins ?? []).filter((origin) => !origin.startsWith('https:'))];
  reply
    .header('x-frame-options', 'DENY')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src ${styles.join(' ') || "'none'"}; img-src ${images.join(' ')}; script-src ${scripts}; base-uri 'none'; frame-ancestors 'none'`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache');
}

/** Sends a page with the headers above. */
export function sendPage(reply: FastifyReply, page: SafeHtml, options: SendOptions = {}): FastifyReply {
  setPageHeaders(reply, options, page instanceof PageDocument ? page.sources : undefined);
  return reply
    .status(options.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(page.toString());
}

/** The SHA-256 CSP source of an inline script (without quotes), e.g. `sha256-...`. */
export function scriptHash(script: string): string {
  return `sha256-${createHash('sha256').update(script).digest('base64')}`;
}

/** The shared stylesheet and its CSP hash, for pages that add a stylesheet of their own on top (the admin console). */
export const SHARED_STYLESHEET = BASE_STYLESHEET;
export const SHARED_STYLESHEET_HASH = `sha256-${createHash('sha256').update(BASE_STYLESHEET).digest('base64')}`;
