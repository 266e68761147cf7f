/**
 * What both providers are configured with, so that the same requests mean the same work:
 * the same client ids and secrets, the same user, the same default resource (audience).
 */
export const RESOURCE = 'urn:bench:api';
export const OPAQUE_RESOURCE = 'urn:bench:opaque';
export const REDIRECT_URI = 'http://localhost:8080/callback';

export const USER = {
  username: 'bench',
  password: 'bench-password',
  claims: { name: 'Bench User', email: 'bench@example.com', email_verified: true },
};

/** client_credentials with JWT access tokens (scenarios 1, 2, 8, 9). */
export const SERVICE = { id: 'bench_service', secret: 'bench-service-secret-0123456789abcdef' };
/** client_credentials with opaque access tokens, and the caller of introspection (scenario 6). */
export const OPAQUE = { id: 'bench_opaque', secret: 'bench-opaque-secret-0123456789abcdefgh' };
/** Authorization code + refresh tokens (scenarios 3, 4, 5). */
export const WEB = { id: 'bench_web', secret: 'bench-web-secret-0123456789abcdefghijk' };

export function basic(client: { id: string; secret: string }): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64');
}

/** Tessera's config file for the benchmark: the clients and user above, request logs off (as the peer has none). */
export function tesseraConfig(options: {
  port: number;
  databaseUrl: string;
  algorithm: 'RS256' | 'ES256';
  workers?: number;
  sqliteDriver?: string;
}): Record<string, unknown> {
  return {
    issuer: `http://127.0.0.1:${options.port}`,
    port: options.port,
    host: '127.0.0.1',
    databaseUrl: options.databaseUrl,
    secret: 'bench-secret-bench-secret-bench-secret-0123456789',
    logLevel: 'warn',
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.sqliteDriver ? { sqliteDriver: options.sqliteDriver } : {}),
    keys: { algorithm: options.algorithm },
    // Scenario 9 signs one user in from 8 connections on one address as fast as argon2id allows: it
    // measures hashing, so the guessing limits (which count attempts in flight) are raised, as in the soak.
    signIn: { maxFailuresPerAccountAndAddress: 100000, maxFailuresPerAccount: 100000, maxFailuresPerAddress: 100000, window: 60 },
    accessTokens: { defaultAudience: RESOURCE },
    clients: [
      {
        client_id: SERVICE.id,
        client_secret: SERVICE.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: OPAQUE.id,
        client_secret: OPAQUE.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
        access_token_format: 'opaque',
      },
      {
        client_id: WEB.id,
        client_secret: WEB.secret,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [REDIRECT_URI],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    users: [{ username: USER.username, password: USER.password, claims: USER.claims }],
  };
}
