import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oidc from 'openid-client';
import type { Services } from '../../src/app/create-services.js';
import { issueCode } from './issue-code.js';
import { systemClock } from '../../src/util/clock.js';
import { randomToken } from '../../src/util/random.js';

/** Secrets of the confidential test clients. The Basic client's id and secret need form-encoding (RFC 6749 §2.3.1). */
export const SECRETS = {
  post: 'post-secret-0123456789',
  basicId: 'svc:basic+%&=/~',
  basic: 'p@ss w:rd+%/é&=',
  jwt: 'jwt-secret-jwt-secret-jwt-secret-0123456789',
};

export interface ClientKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

export async function clientKey(kid: string, alg = 'ES256'): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { privateKey, publicJwk, kid };
}

/** A tiny JWKS host for jwks_uri clients; `keys` may be swapped to simulate rotation. */
export interface JwksHost {
  url: string;
  keys: JWK[];
  fetches: number;
  close(): Promise<void>;
}

export async function startJwksHost(keys: JWK[]): Promise<JwksHost> {
  const host: JwksHost = { url: '', keys, fetches: 0, close: async () => {} };
  const server: Server = createServer((_request, response) => {
    host.fetches++;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: host.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
  host.close = () => new Promise((resolve) => server.close(() => resolve()));
  return host;
}

export const cc = { grant_types: ['client_credentials'], response_types: [] };

/** The clients every token-side suite uses. */
export function tokenClients(keys: { pk: ClientKey; jwksUri: string }): Record<string, unknown>[] {
  return [
    { client_id: 'svc_post', client_secret: SECRETS.post, token_endpoint_auth_method: 'client_secret_post', ...cc },
    { client_id: SECRETS.basicId, client_secret: SECRETS.basic, token_endpoint_auth_method: 'client_secret_basic', ...cc },
    { client_id: 'svc_jwt', client_secret: SECRETS.jwt, token_endpoint_auth_method: 'client_secret_jwt', ...cc },
    { client_id: 'svc_pk', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [keys.pk.publicJwk] }, ...cc },
    { client_id: 'svc_pk_uri', token_endpoint_auth_method: 'private_key_jwt', jwks_uri: keys.jwksUri, ...cc },
    {
      client_id: 'svc_scoped',
      client_secret: SECRETS.post,
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'read_api write_api',
      ...cc,
    },
    {
      client_id: 'svc_opaque',
      client_secret: SECRETS.post,
      token_endpoint_auth_method: 'client_secret_post',
      access_token_format: 'opaque',
      access_token_ttl: 120,
      ...cc,
    },
    { client_id: 'https://api.example.com', client_secret: SECRETS.post, token_endpoint_auth_method: 'client_secret_post', ...cc },
    {
      client_id: 'web_app',
      client_secret: SECRETS.post,
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: ['https://app.example/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
    },
    {
      client_id: 'public_app',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['https://app.example/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
    },
  ];
}

export const TOKEN_TEST_SCOPES = ['read_api: Read the API', 'write_api: Change things through the API'];

/** An openid-client configuration for `clientId` authenticating with `auth`. */
export async function rpConfig(issuer: string, clientId: string, auth: oidc.ClientAuth): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/** POSTs a form with raw fetch (for refusals openid-client would not send). */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    /* not JSON */
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** RFC 6749 §2.3.1 / Appendix B: form-urlencode, join with ':', then base64. */
export function basicAuth(id: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64');
}

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** A client assertion; `claims` and `header` override the defaults (valid for one minute). */
export async function assertion(
  key: CryptoKey | Uint8Array,
  clientId: string,
  aud: string | string[],
  options: { claims?: Record<string, unknown>; header?: Record<string, unknown>; alg?: string } = {},
): Promise<string> {
  const now = systemClock.nowSeconds();
  const claims = { iss: clientId, sub: clientId, aud, jti: randomToken(12), iat: now, exp: now + 60, ...options.claims };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete (claims as Record<string, unknown>)[k];
  return new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'ES256', ...options.header }).sign(key);
}

export function assertionForm(jwt: string, extra: Record<string, string> = {}): Record<string, string> {
  return { client_assertion_type: JWT_BEARER, client_assertion: jwt, ...extra };
}

/**
 * A user grant with a refresh token and an access token, created the way the user grants do
 * (codes.issue, refreshTokens.issue, accessTokens.issue), for introspection and revocation.
 */
export async function userGrant(services: Services, clientId: string, scope = 'openid profile') {
  const client = (await services.clients.find(clientId))!;
  const user = (await services.users.findByUsername('alice'))!;
  const now = systemClock.nowSeconds();
  const { grantId } = await issueCode(services, clientId, user.id, { scope });
  const refreshToken = await services.refreshTokens.issue({ client, grantId, userId: user.id, scope, authTime: now });
  const accessToken = await services.accessTokens.issue({ client, userId: user.id, scope, grantId, ttl: 300 });
  return { grantId, refreshToken, accessToken: accessToken.token, user };
}

export const TEST_USERS = [{ username: 'alice', password: 'alice-password-1', claims: { name: 'Alice' } }];
