import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { html, raw, type SafeHtml } from '../interaction/html.js';
import { csrfField } from '../interaction/csrf-field.js';
import { SHARED_STYLESHEET, SHARED_STYLESHEET_HASH, sendPage } from '../interaction/layout.js';

/** On top of the sign-in pages' stylesheet (same colours, fonts, buttons): a wide page with a header bar and tables. */
const CONSOLE_CSS = `
body{display:block;padding:0}
.skip{position:absolute;left:-9999px}.skip:focus{left:12px;top:12px;background:var(--card);padding:8px;z-index:2}
header.bar{display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px;padding:10px 24px;background:var(--card);
  border-bottom:1px solid var(--line)}
header.bar .brand{margin:0}
header.bar nav{display:flex;gap:4px;flex:1;flex-wrap:wrap}
header.bar nav a{color:var(--text);text-decoration:none;padding:6px 12px;border-radius:8px;font-weight:600}
header.bar nav a[aria-current=page]{background:color-mix(in srgb,var(--accent) 14%,transparent);color:var(--accent)}
header.bar form button{margin:0;width:auto;padding:6px 12px}
main.console{max-width:1120px;margin:24px auto;padding:24px 28px}
main.narrow{max-width:560px}
button,.button{width:auto;display:inline-block;margin-top:12px}
a.button{font-weight:600;border-radius:9px;padding:11px 16px;background:var(--accent);color:var(--accent-text);text-decoration:none}
button.danger{background:var(--danger);border-color:var(--danger);color:#fff}
:focus-visible{outline:3px solid color-mix(in srgb,var(--accent) 55%,transparent);outline-offset:2px}
a{color:var(--accent)}
table{width:100%;border-collapse:collapse;margin:14px 0;font-size:.93rem}
th,td{text-align:left;padding:9px 8px;border-top:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:.82rem;text-transform:uppercase;letter-spacing:.03em}
td form.inline button{margin:0;white-space:nowrap}
input[type=search],input[type=email],input[type=url],input[type=datetime-local],select,textarea{width:100%;padding:9px 11px;
  border:1px solid var(--line);border-radius:9px;font:inherit;background:transparent;color:inherit}
textarea{min-height:7rem;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.88rem}
fieldset{border:1px solid var(--line);border-radius:9px;margin:14px 0;padding:6px 14px 12px}
fieldset label{font-weight:400;display:flex;gap:8px;align-items:center;margin:6px 0}
legend{font-weight:600;font-size:.9rem}
.toolbar{display:flex;gap:10px;align-items:flex-end;flex-wrap:wrap}
.toolbar>div{flex:1;min-width:160px}.toolbar label{margin-top:0}
.filters{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:0 14px;align-items:end}
.hint{color:var(--muted);font-size:.85rem;margin:4px 0 0}
section{margin-top:28px}h2{font-size:1.1rem;margin:0 0 6px}
.status{font-size:.75rem;font-weight:600;border-radius:99px;padding:1px 8px;border:1px solid var(--line)}
.status.on{border-color:var(--accent);color:var(--accent)}.status.off{border-color:var(--danger);color:var(--danger)}
.secret{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1rem;padding:12px;border:2px dashed var(--accent);border-radius:9px;
  word-break:break-all;user-select:all}
pre{white-space:pre-wrap;word-break:break-all;font-size:.85rem;background:color-mix(in srgb,var(--line) 35%,transparent);padding:10px;border-radius:8px}
details summary{cursor:pointer;color:var(--accent)}
.pager{display:flex;justify-content:flex-end}
`;
const CONSOLE_CSS_HASH = `sha256-${createHash('sha256').update(CONSOLE_CSS).digest('base64')}`;

export type ConsoleSection = 'clients' | 'users' | 'keys' | 'audit';

const SECTIONS: [ConsoleSection, string][] = [
  ['clients', 'Clients'],
  ['users', 'Users'],
  ['keys', 'Signing keys'],
  ['audit', 'Audit log'],
];

export interface ConsolePage {
  title: string;
  body: SafeHtml;
  /** The section the page belongs to (marked in the navigation), absent on pages outside a session. */
  section?: ConsoleSection;
  /** The signed-in administrator, and the CSRF token of the sign-out form. */
  admin?: { displayName: string; csrf: string };
  narrow?: boolean;
}

/** A console page: the sign-in pages' look, wider, with the console's navigation. */
export function renderConsolePage(page: ConsolePage): SafeHtml {
  const nav = page.admin
    ? html`<nav aria-label="Console">${SECTIONS.map(
        ([id, label]) => html`<a href="/admin/${id}"${page.section === id ? raw(' aria-current="page"') : ''}>${label}</a>`,
      )}</nav>
<form method="post" action="/admin/logout">${csrfField(page.admin.csrf)}<button type="submit" class="secondary sign-out">Sign out ${page.admin.displayName}</button></form>`
    : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${page.title} · Tessera admin</title>
<style>${raw(SHARED_STYLESHEET)}</style><style>${raw(CONSOLE_CSS)}</style></head>
<body><a class="skip" href="#content">Skip to content</a>
<header class="bar"><div class="brand">Tessera admin</div>${nav}</header>
<main id="content" class="console${page.narrow ? ' narrow' : ''}">${page.body}</main></body></html>`;
}

export function sendConsolePage(reply: FastifyReply, page: ConsolePage, status = 200): FastifyReply {
  return sendPage(reply, renderConsolePage(page), { status, styleHashes: [SHARED_STYLESHEET_HASH, CONSOLE_CSS_HASH] });
}
