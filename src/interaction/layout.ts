import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { html, raw, type SafeHtml } from './html.js';

/** The one stylesheet of every page: readable on a phone and a desktop, light and dark. */
const CSS = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1d2330;--muted:#5b6475;--line:#dde1e8;--accent:#3451d1;
  --accent-text:#fff;--danger:#b42318;--danger-bg:#fdecea}
@media (prefers-color-scheme:dark){:root{--bg:#12151b;--card:#1c2029;--text:#e7e9ee;--muted:#a0a8b8;--line:#2e3441;
  --accent:#7c93ff;--accent-text:#10131a;--danger:#ff8a80;--danger-bg:#3a1d1d}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);
  color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:16px}
main{width:100%;max-width:420px;background:var(--card);border:1px solid var(--line);border-radius:14px;
  padding:28px 28px 24px;box-shadow:0 8px 30px rgba(0,0,0,.06)}
h1{font-size:1.35rem;margin:0 0 6px}
p{margin:0 0 14px}
.muted{color:var(--muted);font-size:.92rem}
.brand{font-weight:600;letter-spacing:.02em;color:var(--muted);font-size:.8rem;text-transform:uppercase;
  margin-bottom:18px}
label{display:block;font-weight:600;font-size:.9rem;margin:14px 0 6px}
input[type=text],input[type=password]{width:100%;padding:11px 12px;border:1px solid var(--line);border-radius:9px;
  font:inherit;background:transparent;color:inherit}
input:focus,button:focus{outline:3px solid color-mix(in srgb,var(--accent) 35%,transparent);outline-offset:1px}
button{font:inherit;font-weight:600;border-radius:9px;padding:11px 16px;border:1px solid var(--accent);
  background:var(--accent);color:var(--accent-text);cursor:pointer;width:100%;margin-top:18px}
button.secondary{background:transparent;color:var(--text);border-color:var(--line)}
.actions{display:flex;gap:10px}.actions button{flex:1}
.alert{background:var(--danger-bg);color:var(--danger);border-radius:9px;padding:10px 12px;margin:12px 0;
  font-size:.93rem}
.client{display:flex;align-items:center;gap:12px;margin:8px 0 16px}
.client img{width:48px;height:48px;border-radius:10px;object-fit:contain;border:1px solid var(--line)}
ul.scopes{list-style:none;padding:0;margin:10px 0}
ul.scopes li{padding:10px 0 10px 26px;border-top:1px solid var(--line);position:relative}
ul.scopes li:before{content:"\\2713";position:absolute;left:4px;color:var(--accent)}
.links{font-size:.85rem;margin-top:14px}.links a{color:var(--accent);margin-right:12px}
code{font-size:.85rem;word-break:break-all}
a:focus-visible{outline:3px solid color-mix(in srgb,var(--accent) 35%,transparent);outline-offset:2px;border-radius:3px}
.notice{background:color-mix(in srgb,var(--accent) 12%,transparent);border-radius:9px;padding:10px 12px;font-size:.93rem}
dl.facts{display:grid;grid-template-columns:auto 1fr;gap:4px 14px;margin:14px 0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
ul.menu,ul.items{list-style:none;padding:0;margin:14px 0}
ul.menu li,ul.items>li{padding:12px 0;border-top:1px solid var(--line)}
ul.menu a{font-weight:600;color:var(--accent);display:block}ul.menu span{display:block}
ul.items .scopes li{padding:4px 0 4px 26px}
.badge{font-size:.75rem;font-weight:600;border:1px solid var(--accent);color:var(--accent);border-radius:99px;padding:1px 8px}
form.inline button{width:auto;margin-top:8px;padding:6px 12px}
`;

/** CSP hash of the stylesheet: pages carry no inline style or script that is not listed. */
const CSS_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;

export interface PageOptions {
  title: string;
  body: SafeHtml;
}

/** A complete HTML document in Tessera's shared layout. */
export function renderPage({ title, body }: PageOptions): SafeHtml {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${title}</title><style>${raw(CSS)}</style></head>
<body><main>${body}</main></body></html>`;
}

export interface SendOptions {
  status?: number;
  /** CSP hashes of inline scripts the page runs (form_post auto-submit). */
  scriptHashes?: string[];
  /** CSP hashes of the page's own stylesheet, when it is not the shared one (the playground's wide pages). */
  styleHashes?: string[];
}

/**
 * The headers every HTML page carries: no framing (X-Frame-Options, CSP frame-ancestors),
 * no sniffing, no referrer, no caching, and a CSP that allows only our own stylesheet.
 */
export function setPageHeaders(reply: FastifyReply, options: SendOptions = {}): void {
  const scripts = options.scriptHashes?.length ? options.scriptHashes.map((h) => `'${h}'`).join(' ') : "'none'";
  const styles = options.styleHashes?.length ? options.styleHashes.map((h) => `'${h}'`).join(' ') : CSS_HASH;
  reply
    .header('x-frame-options', 'DENY')
    .header(
      'content-security-policy',
      `default-src 'none'; style-src ${styles}; img-src https: data:; script-src ${scripts}; base-uri 'none'; frame-ancestors 'none'`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache');
}

/** Sends a page with the headers above. */
export function sendPage(reply: FastifyReply, page: SafeHtml, options: SendOptions = {}): FastifyReply {
  setPageHeaders(reply, options);
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
export const SHARED_STYLESHEET = CSS;
export const SHARED_STYLESHEET_HASH = CSS_HASH.slice(1, -1);
