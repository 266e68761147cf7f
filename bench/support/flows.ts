import { createHash, randomBytes } from 'node:crypto';
import { basic, OPAQUE, REDIRECT_URI, SERVICE, USER, WEB } from '../fixtures.js';
import { Browser, completeInteraction } from './browser.js';

/** One PKCE pair for the whole run: the load reuses it (what matters is the server's work). */
export const VERIFIER = randomBytes(32).toString('base64url');
export const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

export function authorizePath(options: { clientId?: string; scope?: string; prompt?: string } = {}): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId ?? WEB.id,
    redirect_uri: REDIRECT_URI,
    scope: options.scope ?? 'openid',
    state: 'bench-state',
    nonce: 'bench-nonce',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...(options.prompt ? { prompt: options.prompt } : {}),
  });
  return `/auth?${params}`;
}

export function codeTokenBody(code: string): string {
  return `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&code_verifier=${VERIFIER}`;
}

export async function postForm(
  url: string,
  body: string,
  authorization: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: response.status, json };
}

/** Signs the bench user in and consents (what a person does once); returns the browser holding the session. */
export async function signedInBrowser(base: string, clientId = WEB.id, scope = 'openid'): Promise<Browser> {
  const browser = new Browser();
  const page = await browser.follow(base + authorizePath({ clientId, scope }), REDIRECT_URI);
  await completeInteraction(browser, page, REDIRECT_URI, USER);
  return browser;
}

/** One authorization code through the signed-in browser (consenting again when `prompt=consent`). */
export async function authorizationCode(
  base: string,
  browser: Browser,
  options: { clientId?: string; scope?: string; prompt?: string } = {},
): Promise<string> {
  let page = await browser.follow(base + authorizePath(options), REDIRECT_URI);
  page = await completeInteraction(browser, page, REDIRECT_URI, USER);
  const location = new URL(page.location as string);
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${page.location}`);
  return code;
}

/** Tokens from one whole code flow. */
export async function codeFlowTokens(
  base: string,
  browser: Browser,
  client: { id: string; secret: string },
  options: { scope?: string; prompt?: string } = {},
) {
  const code = await authorizationCode(base, browser, { clientId: client.id, ...options });
  const { status, json } = await postForm(`${base}/token`, codeTokenBody(code), basic(client));
  if (status !== 200) throw new Error(`code exchange failed: ${status} ${JSON.stringify(json)}`);
  return json as { access_token: string; refresh_token?: string; id_token?: string };
}

/** Refresh tokens of separate grants, one per code flow with offline_access (consent asked each time, OIDC Core §11). */
export async function refreshTokens(base: string, browser: Browser, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const json = await codeFlowTokens(base, browser, WEB, { scope: 'openid offline_access', prompt: 'consent' });
    if (!json.refresh_token) throw new Error(`no refresh token: ${JSON.stringify(json)}`);
    tokens.push(json.refresh_token);
  }
  return tokens;
}

/** Access tokens of client_credentials (opaque ones through the opaque client, or the peer's opaque resource). */
export async function clientCredentialsTokens(
  base: string,
  count: number,
  options: { opaque?: boolean; extra?: string } = {},
): Promise<string[]> {
  const client = options.opaque ? OPAQUE : SERVICE;
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const { status, json } = await postForm(`${base}/token`, `grant_type=client_credentials${options.extra ?? ''}`, basic(client));
    if (status !== 200) throw new Error(`client_credentials failed: ${status} ${JSON.stringify(json)}`);
    tokens.push(json.access_token as string);
  }
  return tokens;
}
