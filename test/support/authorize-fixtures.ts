import { createHash } from 'node:crypto';
import { DEFAULT_USER } from './browser-less.js';

/** Clients for authorization endpoint tests, one per rule they exercise. */
export const AUTHORIZE_CLIENTS = [
  {
    client_id: 'web',
    client_secret: 'web-secret-web-secret-web-secret',
    client_name: 'Web <App>',
    logo_uri: 'https://rp.example/logo.png',
    policy_uri: 'https://rp.example/privacy',
    tos_uri: 'https://rp.example/terms',
    client_uri: 'https://rp.example/',
    redirect_uris: ['https://rp.example/cb', 'https://rp.example/cb2?bar=foo'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    client_id: 'single',
    client_secret: 'single-secret-single-secret-single',
    redirect_uris: ['https://single.example/cb'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    client_id: 'spa',
    redirect_uris: ['https://spa.example/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  },
  {
    client_id: 'limited',
    client_secret: 'limited-secret-limited-secret-limited',
    redirect_uris: ['https://limited.example/cb'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'openid email',
  },
  {
    client_id: 'strict',
    client_secret: 'strict-secret-strict-secret-strict',
    redirect_uris: ['https://strict.example/cb'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    require_pkce: true,
  },
  {
    client_id: 's256',
    client_secret: 's256-secret-s256-secret-s256-secret',
    redirect_uris: ['https://s256.example/cb'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    require_pkce_s256: true,
  },
  {
    client_id: 'service',
    client_secret: 'service-secret-service-secret-service',
    grant_types: ['client_credentials'],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  },
];

export const AUTHORIZE_USERS = [DEFAULT_USER, { username: 'bob', password: 'bob-password-1', claims: { name: 'Bob' } }];

export const VERIFIER = 'dBjftJeZ4CVP-mJ0kqhsqz6shy7xg8bf-1AXvHqRf0wIg3yMv5wY2bdHYs8o5ubp';
export const S256_CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

/** A valid request of the `web` client; override or delete members per test. */
export function webRequest(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: 'web',
    redirect_uri: 'https://rp.example/cb',
    scope: 'openid profile',
    state: 'state-123',
    nonce: 'nonce-456',
    ...extra,
  };
  return Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as Record<string, string>;
}
