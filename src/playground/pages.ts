import { createHash } from 'node:crypto';
import { html, raw, type SafeHtml } from '../interaction/html.js';
import { curlCommand } from './curl.js';
import type { DecodedJwt } from './decode-jwt.js';
import { requestText, responseText, type Exchange } from './exchange.js';
import { maskSecrets } from './mask.js';
import { FLOW_TITLES, type Run } from './runs.js';

/** The playground's stylesheet: wide pages for raw HTTP, light and dark. */
const CSS = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1d2330;--muted:#5b6475;--line:#dde1e8;--accent:#3451d1;
  --accent-text:#fff;--ok:#0b7a3e;--bad:#b42318;--code:#f0f2f6}
@media (prefers-color-scheme:dark){:root{--bg:#12151b;--card:#1c2029;--text:#e7e9ee;--muted:#a0a8b8;--line:#2e3441;
  --accent:#7c93ff;--accent-text:#10131a;--ok:#6fdc9c;--bad:#ff8a80;--code:#151922}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:16px}
main{max-width:1100px;margin:0 auto;background:var(--card);border:1px solid var(--line);border-radius:14px;padding:24px 28px}
h1{font-size:1.4rem;margin:0 0 8px}h2{font-size:1.1rem;margin:24px 0 8px}h3{font-size:1rem;margin:0 0 4px}h4{margin:10px 0 4px;font-size:.85rem;color:var(--muted)}
.brand{font-weight:600;letter-spacing:.02em;color:var(--muted);font-size:.8rem;text-transform:uppercase;margin-bottom:12px}
.brand a{color:inherit}
.muted,.ref,.note{color:var(--muted);font-size:.9rem}.ref{white-space:nowrap}
.flows{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:14px}
.flows form{border:1px solid var(--line);border-radius:10px;padding:14px}
button{font:inherit;font-weight:600;border-radius:9px;padding:9px 14px;border:1px solid var(--accent);background:var(--accent);
  color:var(--accent-text);cursor:pointer;margin-top:10px}
pre{background:var(--code);border:1px solid var(--line);border-radius:8px;padding:10px;overflow-x:auto;font-size:.8rem;
  white-space:pre-wrap;word-break:break-all;margin:0}
ol.exchanges{list-style:none;padding:0;margin:0}
li.exchange{border-top:1px solid var(--line);padding:16px 0}
.io{display:grid;grid-template-columns:1fr 1fr;gap:10px}@media (max-width:800px){.io{grid-template-columns:1fr}}
.n{display:inline-block;min-width:1.6em;color:var(--muted)}
.badge{font-size:.7rem;border:1px solid var(--line);border-radius:20px;padding:1px 8px;color:var(--muted);font-weight:500}
.status{font-size:1.05rem;padding:10px 12px;border-radius:9px;border:1px solid var(--line)}
.ok{color:var(--ok)}.bad{color:var(--bad)}
.jwt{border:1px solid var(--line);border-radius:8px;padding:8px 10px;margin-top:10px}
.device{display:flex;gap:20px;align-items:center;flex-wrap:wrap}.user-code{font-size:2rem;font-weight:700;letter-spacing:.08em;white-space:nowrap}
.device img{width:200px;height:200px;background:#fff;border-radius:8px}
details{margin-top:8px}summary{cursor:pointer;color:var(--accent)}
a{color:var(--accent)}
`;
const CSS_HASH = `sha256-${createHash('sha256').update(CSS).digest('base64')}`;
/** The CSP source of the stylesheet above, for setPageHeaders. */
export const PLAYGROUND_STYLE_HASHES = [CSS_HASH];

function document(title: string, body: SafeHtml, refreshSeconds?: number): SafeHtml {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">${refreshSeconds ? html`<meta http-equiv="refresh" content="${refreshSeconds}">` : ''}
<title>${title}</title><style>${raw(CSS)}</style></head>
<body><main><div class="brand"><a href="/playground">Tessera playground</a></div>${body}</main></body></html>`;
}

export interface HomeView {
  csrf: string;
  clientId: string;
  /** Dev mode's demo user, to sign in with. */
  demoUser?: { username: string; password: string };
}

export function renderHomePage(view: HomeView): SafeHtml {
  const csrf = html`<input type="hidden" name="csrf_token" value="${view.csrf}">`;
  return document(
    'Tessera playground',
    html`<h1>Run an OAuth 2.0 / OpenID Connect flow against this server</h1>
<p>Pick a flow and click. The playground acts as the demo client <code>${view.clientId}</code>, whose redirect URI is this playground,
and shows every HTTP exchange of the flow in order: raw, with secrets hidden until you reveal them, each JWT decoded and checked,
each step explained with its RFC section, and a <code>curl</code> command for each back-channel step.</p>
${view.demoUser ? html`<p>Sign in as <strong>${view.demoUser.username}</strong> / <strong>${view.demoUser.password}</strong>.</p>` : ''}
<div class="flows">
<form method="post" action="/playground/runs" id="flow-code">${csrf}<input type="hidden" name="flow" value="code">
<h3>${FLOW_TITLES.code}</h3>
<p class="muted">Sign in, consent (prompt=consent, offline_access), tokens, userinfo, then refresh.</p>
<label><input type="radio" name="pkce" value="S256" checked> PKCE S256</label>
<label><input type="radio" name="pkce" value="plain"> PKCE plain</label><br>
<button type="submit">Start</button></form>
<form method="post" action="/playground/runs" id="flow-client_credentials">${csrf}<input type="hidden" name="flow" value="client_credentials">
<h3>${FLOW_TITLES.client_credentials}</h3><p class="muted">A token for the client itself, no user.</p>
<button type="submit">Start</button></form>
<form method="post" action="/playground/runs" id="flow-device">${csrf}<input type="hidden" name="flow" value="device">
<h3>${FLOW_TITLES.device}</h3><p class="muted">A user code and QR code to approve on another screen; the device polls.</p>
<button type="submit">Start</button></form>
</div>
<h2>How the exchanges are recorded</h2>
<p class="muted">The back-channel calls (token, JWKS, userinfo, device authorization) are made by this server's playground code as real
HTTP requests to Tessera's own listening address, exactly as a client's back end would, and recorded as they were sent and answered;
your browser only shows the record. Front-channel steps are your browser's own navigations: the playground shows the URL it built and
the redirect it received.</p>`,
  );
}

function renderJwt(jwt: DecodedJwt): SafeHtml {
  const sigClass = jwt.signature === 'verified' ? 'ok' : 'bad';
  const atClass = jwt.atHash === 'matches the access token' ? 'ok' : 'bad';
  return html`<div class="jwt" data-name="${jwt.name}" data-kid="${jwt.kid ?? ''}" data-signature="${jwt.signature}" data-at-hash="${jwt.atHash ?? ''}">
<h4>${jwt.name} (JWT)</h4>
<p>Signed by key <code>${jwt.kid ?? '(no kid)'}</code> with ${String(jwt.header.alg)}: signature <strong class="${sigClass}">${jwt.signature}</strong>${
    jwt.atHash ? html`; at_hash <strong class="${atClass}">${jwt.atHash}</strong>` : ''
  }.</p>
<div class="io"><div><h4>Header</h4><pre class="jwt-header">${JSON.stringify(jwt.header, null, 2)}</pre></div>
<div><h4>Claims</h4><pre class="jwt-claims">${JSON.stringify(jwt.claims, null, 2)}</pre></div></div></div>`;
}

function renderExchange(exchange: Exchange, index: number, secrets: Set<string>): SafeHtml {
  const mask = (text: string) => maskSecrets(text, secrets);
  const url = new URL(exchange.request.url);
  const request = exchange.request.headers.length ? requestText(exchange.request) : `${exchange.request.method} ${exchange.request.url}`;
  const response = exchange.response ? responseText(exchange.response) : undefined;
  const curl = exchange.channel === 'back-channel' ? curlCommand(exchange.request) : undefined;
  return html`<li class="exchange" data-channel="${exchange.channel}" data-method="${exchange.request.method}" data-path="${url.pathname}" data-status="${
    exchange.response?.status ?? ''
  }">
<h3><span class="n">${index + 1}.</span> ${exchange.step} <span class="badge">${exchange.channel}</span></h3>
<p>${exchange.explanation} <span class="ref">(${exchange.reference})</span></p>
${exchange.note ? html`<p class="note">${exchange.note}</p>` : ''}
<p class="muted">${exchange.at}</p>
<div class="io"><div><h4>Request</h4><pre class="request">${mask(request)}</pre></div>
${response !== undefined ? html`<div><h4>Response</h4><pre class="response">${mask(response)}</pre></div>` : ''}</div>
${exchange.jwts.map(renderJwt)}
${curl ? html`<h4>curl (the same request)</h4><pre class="curl">${mask(curl)}</pre>` : ''}
<details class="reveal"><summary>Reveal the secrets in this step</summary>
<h4>Request</h4><pre class="request-revealed">${request}</pre>
${response !== undefined ? html`<h4>Response</h4><pre class="response-revealed">${response}</pre>` : ''}
${curl ? html`<h4>curl</h4><pre class="curl-revealed">${curl}</pre>` : ''}</details>
</li>`;
}

export interface RunView {
  run: Run;
  csrf: string;
  /** PNG data URL of the QR code of verification_uri_complete (device flow). */
  qrCode?: string;
}

export function renderRunPage({ run, csrf, qrCode }: RunView): SafeHtml {
  const statusClass = run.succeeded === true ? 'ok' : run.succeeded === false ? 'bad' : '';
  const device = run.device;
  const waiting = device && !device.done;
  return document(
    `${FLOW_TITLES[run.flow]} · Tessera playground`,
    html`<h1>${FLOW_TITLES[run.flow]}</h1>
<p id="status" class="status ${statusClass}" data-succeeded="${run.succeeded === undefined ? '' : String(run.succeeded)}">${run.status}</p>
${
  device
    ? html`<div class="device">${qrCode ? html`<img id="qr" src="${qrCode}" alt="QR code of the verification URI">` : ''}<div>
<p>On another screen, open <a id="verification-uri" href="${device.verificationUri}" target="_blank" rel="noopener">${device.verificationUri}</a>
and enter</p><p class="user-code" id="user-code">${device.userCode}</p>
<p>or scan the QR code, or open <a id="verification-uri-complete" href="${device.verificationUriComplete}" target="_blank" rel="noopener">the link with the code</a>.</p>
<p class="muted">Polled ${device.polls} times, every ${device.interval} s${waiting ? '; this page reloads itself' : ''}.</p></div></div>`
    : ''
}
${
  run.tokens.refresh_token && run.succeeded
    ? html`<form method="post" action="/playground/runs/${run.id}/refresh" id="refresh"><input type="hidden" name="csrf_token" value="${csrf}">
<button type="submit">Refresh the tokens (grant_type=refresh_token)</button></form>`
    : ''
}
<h2>The exchanges, in order</h2>
<ol class="exchanges" id="exchanges">${run.exchanges.map((exchange, i) => renderExchange(exchange, i, run.secrets))}</ol>
<p><a href="/playground">Run another flow</a></p>`,
    waiting ? Math.max(1, Math.min(device.interval, 3)) : undefined,
  );
}

/** A redirect that reached the playground from a flow it did not start (a dev-mode demo client, a hand-made /auth URL). */
export function renderOtherClientCallbackPage(query: Record<string, string>, tokenEndpoint: string, redirectUri: string): SafeHtml {
  const code = query.code;
  const curl = code
    ? `curl -i -X POST ${tokenEndpoint} \\\n  -u 'CLIENT_ID:CLIENT_SECRET' \\\n  --data-urlencode grant_type=authorization_code \\\n  --data-urlencode 'code=${code}' \\\n  --data-urlencode 'redirect_uri=${redirectUri}' \\\n  --data-urlencode 'code_verifier=YOUR_CODE_VERIFIER'`
    : '';
  return document(
    'Authorization response · Tessera playground',
    html`<h1>An authorization response arrived</h1>
<p>This redirect came from a flow the playground did not start (for example a demo client's <code>/auth</code> URL you made by hand).
The playground does not know that client's secret or PKCE verifier, so it does not redeem the code: here is what arrived.</p>
<pre id="callback-params">${JSON.stringify(query, null, 2)}</pre>
${
  code
    ? html`<h2>Exchange the code (within a minute, once)</h2><p class="muted">RFC 6749 §4.1.3. Use the client's own authentication method:
<code>-u id:secret</code> for client_secret_basic, or <code>--data-urlencode client_id=… --data-urlencode client_secret=…</code> for client_secret_post.</p>
<pre class="curl">${curl}</pre>`
    : ''
}
<p><a href="/playground">Open the playground</a></p>`,
  );
}
