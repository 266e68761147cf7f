import assert from 'node:assert/strict';
import { decodeJwt, type JWTPayload } from 'jose';
import { AUTHORIZE_CLIENTS, webRequest } from './authorize-fixtures.js';

/** Redeems a code at /token for a client_secret_basic client (one of AUTHORIZE_CLIENTS unless `secret` is given). */
export async function redeem(
  issuer: string,
  code: string,
  clientId = 'web',
  secret = AUTHORIZE_CLIENTS.find((c) => c.client_id === clientId)?.client_secret,
  redirectUri = 'https://rp.example/cb',
): Promise<{ access_token: string; id_token?: string; scope: string }> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
  });
  const body = (await response.json()) as { access_token: string; id_token?: string; scope: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  return body;
}

/** The ID token's claims of a token response. */
export function idTokenClaims(tokens: { id_token?: string }): JWTPayload {
  assert.ok(tokens.id_token, 'an ID token');
  return decodeJwt(tokens.id_token);
}

/** GET /userinfo with a bearer token: status, body and WWW-Authenticate. */
export async function getUserinfo(issuer: string, accessToken: string) {
  const response = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    wwwAuthenticate: response.headers.get('www-authenticate'),
  };
}

/** The /auth URL of a `web` request (authorize-fixtures' webRequest with `extra`). */
export function authUrl(issuer: string, extra: Record<string, string | undefined> = {}): string {
  return `${issuer}/auth?${new URLSearchParams(webRequest(extra))}`;
}
