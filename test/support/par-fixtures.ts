import { SignJWT, type CryptoKey } from 'jose';
import * as oauth from 'oauth4webapi';
import { clientKey, type ClientKey } from './token-clients.js';
import { AUTHORIZE_CLIENTS, AUTHORIZE_USERS, S256_CHALLENGE, VERIFIER } from './authorize-fixtures.js';

export { AUTHORIZE_USERS, S256_CHALLENGE, VERIFIER };

export interface ParKeys {
  app: ClientKey;
  fapi: ClientKey;
  /** A key no client registered: signatures with it must not verify. */
  stranger: ClientKey;
}

export async function parKeys(): Promise<ParKeys> {
  return { app: await clientKey('app-key'), fapi: await clientKey('fapi-key'), stranger: await clientKey('app-key') };
}

const code = { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] };

/** Clients for the PAR, JAR, JARM and FAPI suites, on top of the authorization endpoint's. */
export function parClients(keys: ParKeys): Record<string, unknown>[] {
  return [
    ...AUTHORIZE_CLIENTS,
    {
      client_id: 'pk-app',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [keys.app.publicJwk] },
      redirect_uris: ['https://pk.example/cb'],
      ...code,
    },
    {
      client_id: 'fapi-app',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [keys.fapi.publicJwk] },
      redirect_uris: ['https://fapi.example/cb'],
      fapi_profile: '2.0',
      ...code,
    },
    {
      client_id: 'par-only',
      client_secret: 'par-only-secret-par-only-secret',
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: ['https://par-only.example/cb'],
      require_pushed_authorization_requests: true,
      ...code,
    },
    {
      client_id: 'signed-only',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [keys.app.publicJwk] },
      redirect_uris: ['https://signed-only.example/cb'],
      require_signed_request_object: true,
      request_object_signing_alg: 'ES256',
      ...code,
    },
  ];
}

/** oauth4webapi's view of the server, over plain http on loopback. */
export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  return oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, { [oauth.allowInsecureRequests]: true }));
}

/** A request object signed by hand, for the negative cases oauth4webapi would never produce. */
export async function handSignedRequestObject(
  key: CryptoKey,
  kid: string,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, nbf: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'oauth-authz-req+jwt', ...header })
    .sign(key);
}

/** A client assertion for raw requests (private_key_jwt, aud = issuer). */
export async function clientAssertion(key: ClientKey, clientId: string, issuer: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .sign(key.privateKey);
}
