import type { TestServer } from './test-provider.js';

/** Clients for the token-side suites: one per kind the rules distinguish. */
export const TOKEN_TEST_CLIENTS: Record<string, unknown>[] = [
  {
    client_id: 'web',
    client_secret: 'web-secret-web-secret',
    redirect_uris: ['https://app.example/cb', 'https://app.example/other'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    client_id: 'basic',
    client_secret: 'basic-secret-basic-secret',
    redirect_uris: ['https://basic.example/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    client_id: 'spa',
    redirect_uris: ['https://spa.example/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
  },
  {
    client_id: 'no-refresh',
    client_secret: 'no-refresh-secret-secret',
    redirect_uris: ['https://app.example/cb'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    client_id: 'opaque',
    client_secret: 'opaque-secret-opaque-secret',
    redirect_uris: ['https://app.example/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_post',
    access_token_format: 'opaque',
  },
  {
    client_id: 'es256',
    client_secret: 'es256-secret-es256-secret',
    redirect_uris: ['https://app.example/cb'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'ES256',
  },
  {
    client_id: 'eddsa',
    client_secret: 'eddsa-secret-eddsa-secret',
    redirect_uris: ['https://app.example/cb'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'EdDSA',
  },
];

export const ALICE = {
  username: 'alice',
  password: 'alice-password',
  claims: {
    name: 'Alice Example',
    given_name: 'Alice',
    email: 'alice@example.com',
    email_verified: true,
    phone_number: '+1 555 0101',
    phone_number_verified: false,
    address: { street_address: '2 Side Street', locality: 'Springfield', country: 'US' },
  },
};

/** Config for startTestServer: the clients and user above, plus any overrides. */
export function tokenTestConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { clients: TOKEN_TEST_CLIENTS, users: [ALICE], ...extra };
}

/** Form credentials of a client_secret_post test client. */
export function postCredentials(clientId: string): Record<string, string> {
  const client = TOKEN_TEST_CLIENTS.find((c) => c.client_id === clientId) as { client_secret?: string };
  return client.client_secret ? { client_id: clientId, client_secret: client.client_secret } : { client_id: clientId };
}

export async function aliceId(server: TestServer): Promise<string> {
  const user = await server.services.users.findByUsername(ALICE.username);
  if (!user) throw new Error('alice was not seeded');
  return user.id;
}

export async function userinfo(url: string, accessToken: string) {
  const response = await fetch(`${url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
}
