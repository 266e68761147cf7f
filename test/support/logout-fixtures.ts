import { decodeJwt } from 'jose';
import { authorize, browse, type CookieJar, DEFAULT_USER } from './browser-less.js';
import { pkcePair, postToken } from './issue-code.js';

/** The relying party of the logout suites: registered post-logout URIs, refresh tokens allowed. */
export const RP = {
  client_id: 'rp',
  client_secret: 'rp-secret-rp-secret-rp-secret',
  client_name: 'Relying Party',
  redirect_uris: ['https://rp.example/cb'],
  post_logout_redirect_uris: ['https://rp.example/bye', 'https://rp.example/bye-with?query=kept'],
  grant_types: ['authorization_code', 'refresh_token'],
  token_endpoint_auth_method: 'client_secret_post',
};

export const OTHER_RP = {
  ...RP,
  client_id: 'other-rp',
  client_name: 'Other RP',
  redirect_uris: ['https://other.example/cb'],
  post_logout_redirect_uris: ['https://other.example/bye'],
};

export function logoutTestConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { clients: [RP, OTHER_RP], users: [DEFAULT_USER], ...extra };
}

export interface SignedIn {
  jar: CookieJar;
  idToken: string;
  accessToken: string;
  refreshToken?: string;
  sid: string;
  sub: string;
}

/** Signs in through the real /auth pages (the jar keeps the session) and exchanges the code. */
export async function signInAndGetTokens(
  issuer: string,
  client: { client_id: string; client_secret: string; redirect_uris: string[] } = RP,
  options: { jar?: CookieJar; scope?: string; prompt?: string } = {},
): Promise<SignedIn> {
  const { verifier, challenge } = pkcePair();
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: client.redirect_uris[0],
    scope: options.scope ?? 'openid',
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  if (options.prompt) params.prompt = options.prompt;
  const result = await authorize(issuer, params, { jar: options.jar });
  if (!result.code) throw new Error(`no code: ${result.location}`);
  const tokens = await postToken(issuer, {
    grant_type: 'authorization_code',
    code: result.code,
    redirect_uri: client.redirect_uris[0],
    client_id: client.client_id,
    client_secret: client.client_secret,
    code_verifier: verifier,
  });
  if (tokens.status !== 200) throw new Error(`token exchange failed: ${JSON.stringify(tokens.body)}`);
  const claims = decodeJwt(tokens.body.id_token as string);
  return {
    jar: result.jar,
    idToken: tokens.body.id_token,
    accessToken: tokens.body.access_token,
    refreshToken: tokens.body.refresh_token,
    sid: claims.sid as string,
    sub: claims.sub as string,
  };
}

/** prompt=none in the jar's browser: the error the client receives, or undefined with a code. */
export async function promptNone(issuer: string, jar: CookieJar, client = RP): Promise<string | undefined> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: client.redirect_uris[0],
    scope: 'openid',
    prompt: 'none',
    state: 's'.repeat(128),
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
  });
  const response = await browse(jar, `${issuer}/auth?${query}`);
  const location = new URL(response.headers.get('location') ?? '', issuer);
  return location.searchParams.get('error') ?? (location.searchParams.get('code') ? undefined : `no redirect (HTTP ${response.status})`);
}
