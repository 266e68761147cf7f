import assert from 'node:assert/strict';
import type { TestServer } from '../support/test-provider.js';
import { issueCode, postToken } from '../support/issue-code.js';

/** A program with both admin scopes, a program that may only read, and an app with none. */
export const ADMIN_TEST_CLIENTS: Record<string, unknown>[] = [
  {
    client_id: 'automation',
    client_secret: 'automation-secret-automation-secret',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_post',
    admin_scopes: ['admin:read', 'admin:write'],
  },
  {
    client_id: 'reader',
    client_secret: 'reader-secret-reader-secret-reader',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_post',
    admin_scopes: ['admin:read'],
  },
  {
    client_id: 'plain',
    client_secret: 'plain-secret-plain-secret-plain-sec',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_post',
  },
  {
    client_id: 'web',
    client_secret: 'web-secret-web-secret',
    redirect_uris: ['https://app.example/cb'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_post',
    admin_scopes: ['admin:read', 'admin:write'],
  },
];

export const ADMIN_PERSON = { username: 'root', password: 'root-password-1', claims: { name: 'Root Admin', email: 'root@example.com' } };
export const PLAIN_PERSON = { username: 'bob', password: 'bob-password-12', claims: { name: 'Bob' } };

export function adminTestConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { clients: ADMIN_TEST_CLIENTS, users: [ADMIN_PERSON, PLAIN_PERSON], ...extra };
}

const secretOf = (clientId: string) => (ADMIN_TEST_CLIENTS.find((c) => c.client_id === clientId)?.client_secret as string) ?? '';

/** A client_credentials token (RFC 6749 §4.4) for the admin API resource (RFC 8707), through the real token endpoint. */
export async function programToken(server: TestServer, clientId = 'automation', scope = 'admin:read admin:write', resource?: string) {
  const result = await postToken(server.url, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secretOf(clientId),
    scope,
    resource: resource ?? `${server.url}/admin/v1`,
  });
  assert.equal(result.status, 200, JSON.stringify(result.body));
  return result.body.access_token as string;
}

/** A person's token for the admin API: a code as /auth issues it, exchanged at the real token endpoint. */
export async function personToken(server: TestServer, username: string, scope = 'openid admin:read admin:write'): Promise<string> {
  const user = await server.services.users.findByUsername(username);
  assert.ok(user);
  const { code } = await issueCode(server.services, 'web', user.id, { scope, resource: `${server.url}/admin/v1` });
  const result = await postToken(server.url, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: 'https://app.example/cb',
    client_id: 'web',
    client_secret: secretOf('web'),
  });
  assert.equal(result.status, 200, JSON.stringify(result.body));
  return result.body.access_token as string;
}

/** A call to the admin API: JSON in, the answer's status, headers and parsed body out. */
export async function api(
  server: TestServer,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}/admin/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json: any = text ? JSON.parse(text) : undefined;
  return { status: response.status, headers: response.headers, body: json };
}
