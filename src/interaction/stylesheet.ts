/**
 * The one stylesheet of every page: readable on a phone and a desktop, light and dark, and in
 * both writing directions. Every side is logical (margin-inline, padding-inline-start,
 * inset-inline-start, text-align:start), so an Arabic page mirrors without a second sheet.
 * The brand's primary colour and the operator's own CSS come after it (brand.ts).
 */
export const BASE_STYLESHEET = `
:root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1d2330;--muted:#5b6475;--line:#dde1e8;--accent:#3451d1;
  --accent-text:#fff;--danger:#b42318;--danger-bg:#fdecea}
@media (prefers-color-scheme:dark){:root{--bg:#12151b;--card:#1c2029;--text:#e7e9ee;--muted:#a0a8b8;--line:#2e3441;
  --accent:#7c93ff;--accent-text:#10131a;--danger:#ff8a80;--danger-bg:#3a1d1d}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;align-items:center;justify-content:center;background:var(--bg);
  color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic","Noto Sans JP",sans-serif;
  padding:16px;text-align:start}
main{width:100%;max-width:420px;background:var(--card);border:1px solid var(--line);border-radius:14px;
  padding:28px 28px 24px;box-shadow:0 8px 30px rgba(0,0,0,.06)}
h1{font-size:1.35rem;margin:0 0 6px}
h2{font-size:1.05rem;margin:20px 0 6px}
p{margin:0 0 14px}
.muted{color:var(--muted);font-size:.92rem}
.brand{font-weight:600;letter-spacing:.02em;color:var(--muted);font-size:.8rem;text-transform:uppercase;
  margin-block-end:18px;display:flex;align-items:center;gap:10px}
.brand img{max-height:40px;max-width:200px;object-fit:contain}
label{display:block;font-weight:600;font-size:.9rem;margin:14px 0 6px}
input[type=text],input[type=password],input[type=email]{width:100%;padding:11px 12px;border:1px solid var(--line);border-radius:9px;
  font:inherit;background:transparent;color:inherit}
input:focus,button:focus{outline:3px solid color-mix(in srgb,var(--accent) 35%,transparent);outline-offset:1px}
button{font:inherit;font-weight:600;border-radius:9px;padding:11px 16px;border:1px solid var(--accent);
  background:var(--accent);color:var(--accent-text);cursor:pointer;width:100%;margin-top:18px}
button.secondary{background:transparent;color:var(--text);border-color:var(--line)}
a.button{display:block;text-align:center;font-weight:600;border-radius:9px;padding:11px 16px;border:1px solid var(--line);color:var(--text);text-decoration:none;margin-top:10px}
.actions{display:flex;gap:10px}.actions button{flex:1}
.alert{background:var(--danger-bg);color:var(--danger);border-radius:9px;padding:10px 12px;margin:12px 0;
  font-size:.93rem}
.client{display:flex;align-items:center;gap:12px;margin:8px 0 16px}
.client img{width:48px;height:48px;border-radius:10px;object-fit:contain;border:1px solid var(--line);flex:none}
ul.scopes{list-style:none;padding:0;margin:10px 0}
ul.scopes li{padding-block:10px;padding-inline:26px 0;border-top:1px solid var(--line);position:relative}
ul.scopes li:before{content:"\\2713";position:absolute;inset-inline-start:4px;color:var(--accent)}
.links{font-size:.85rem;margin-top:14px}.links a{color:var(--accent);margin-inline-end:12px;display:inline-block}
code{font-size:.85rem;word-break:break-all;direction:ltr;unicode-bidi:isolate}
a{color:var(--accent)}
a:focus-visible{outline:3px solid color-mix(in srgb,var(--accent) 35%,transparent);outline-offset:2px;border-radius:3px}
.notice{background:color-mix(in srgb,var(--accent) 12%,transparent);border-radius:9px;padding:10px 12px;font-size:.93rem}
dl.facts{display:grid;grid-template-columns:auto 1fr;gap:4px 14px;margin:14px 0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
ul.menu,ul.items{list-style:none;padding:0;margin:14px 0}
ul.menu li,ul.items>li{padding:12px 0;border-top:1px solid var(--line)}
ul.menu a{font-weight:600;color:var(--accent);display:block}ul.menu span{display:block}
ul.items .scopes li{padding-block:4px}
.badge{font-size:.75rem;font-weight:600;border:1px solid var(--accent);color:var(--accent);border-radius:99px;padding:1px 8px}
form.inline button{width:auto;margin-top:8px;padding:6px 12px}
.user-code,.device-user-code{white-space:nowrap;direction:ltr;unicode-bidi:isolate;letter-spacing:.06em}
strong.device-user-code{font-size:1.15rem}
.request-id{font-size:.8rem}
nav.languages{max-width:420px;width:100%;margin-top:14px;font-size:.85rem;display:flex;flex-wrap:wrap;gap:6px 14px;justify-content:center}
nav.languages a{color:var(--muted)}nav.languages a[aria-current]{color:var(--text);font-weight:600;text-decoration:none}
.site-header,.site-footer{max-width:420px;width:100%}
`;
