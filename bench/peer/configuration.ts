import { errors, type Configuration } from 'oidc-provider';
import { OPAQUE, OPAQUE_RESOURCE, REDIRECT_URI, RESOURCE, SERVICE, USER, WEB } from '../fixtures.js';

/** The peer's own extra client: its userinfo only accepts opaque tokens without an audience (see README of bench). */
export const PEER_USERINFO_CLIENT = { id: 'bench_userinfo', secret: 'bench-userinfo-secret-0123456789abcdef' };
export const ACCOUNT_ID = 'bench-user';

/**
 * oidc-provider configured like Tessera in the benchmark: same clients and user, JWT access
 * tokens for the default resource through resourceIndicators, client_credentials,
 * introspection, refresh tokens rotated on every use, its in-memory adapter, lifetimes equal
 * to Tessera's defaults, and no devInteractions: sign-in and consent are answered by
 * auto-interaction.ts for the one bench user.
 */
export function peerConfiguration(jwks: { keys: Record<string, unknown>[] }, algorithm: 'RS256' | 'ES256'): Configuration {
  const confidential = { token_endpoint_auth_method: 'client_secret_basic' as const };
  return {
    clients: [
      {
        client_id: SERVICE.id,
        client_secret: SERVICE.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        ...confidential,
      },
      {
        client_id: OPAQUE.id,
        client_secret: OPAQUE.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        ...confidential,
      },
      {
        client_id: WEB.id,
        client_secret: WEB.secret,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
        ...confidential,
      },
      {
        client_id: PEER_USERINFO_CLIENT.id,
        client_secret: PEER_USERINFO_CLIENT.secret,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
        ...confidential,
      },
    ],
    jwks,
    cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email', 'email_verified'] },
    async findAccount(_ctx: unknown, id: string) {
      if (id !== ACCOUNT_ID) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...USER.claims }) };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Scenario 10: proofs accepted, tokens bound (on by default in v9, said here); no nonces, as in Tessera by default.
      dPoP: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Every token is for the default resource, as Tessera's defaultAudience, except the
        // peer-only userinfo client's (the peer's userinfo refuses tokens with an audience).
        defaultResource: async (_ctx: unknown, client: { clientId: string }, oneOf?: string) =>
          oneOf ?? (client.clientId === PEER_USERINFO_CLIENT.id ? undefined : RESOURCE),
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string) => {
          if (resource === RESOURCE)
            return {
              scope: 'api.read',
              audience: RESOURCE,
              accessTokenFormat: 'jwt',
              accessTokenTTL: 600,
              jwt: { sign: { alg: algorithm } },
            };
          if (resource === OPAQUE_RESOURCE)
            return { scope: 'api.read', audience: OPAQUE_RESOURCE, accessTokenFormat: 'opaque', accessTokenTTL: 600 };
          throw new errors.InvalidTarget();
        },
      },
    },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      ClientCredentials: 600,
      IdToken: 3600,
      RefreshToken: 1209600,
      Grant: 1209600,
      Session: 86400,
      Interaction: 900,
    },
  };
}
