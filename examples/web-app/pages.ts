/** The web app's three pages, as plain HTML strings. Every value from outside is escaped. */

const escape = (value: unknown): string =>
  String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const layout = (title: string, body: string): string => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f5;padding:1rem;overflow:auto}</style>
</head>
<body>${body}</body>
</html>`;

export function signedOutPage(issuer: string): string {
  return layout(
    'Example app',
    `<h1 id="signed-out">You are not signed in</h1>
<p>This app signs you in with the OpenID Connect provider at <code>${escape(issuer)}</code>.</p>
<p><a id="sign-in" href="/login">Sign in</a></p>`,
  );
}

export function signedInPage(claims: Record<string, unknown>, userinfo: Record<string, unknown>): string {
  return layout(
    'Signed in',
    `<h1 id="signed-in">Signed in as ${escape(userinfo.name ?? claims.sub)}</h1>
<h2>ID token claims</h2>
<pre id="id-token-claims">${escape(JSON.stringify(claims, null, 2))}</pre>
<h2>Userinfo</h2>
<pre id="userinfo">${escape(JSON.stringify(userinfo, null, 2))}</pre>
<form method="post" action="/logout"><button id="sign-out" type="submit">Sign out</button></form>`,
  );
}

export function errorPage(message: string): string {
  return layout('Sign-in failed', `<h1>Sign-in failed</h1><p id="error">${escape(message)}</p><p><a href="/">Back</a></p>`);
}
