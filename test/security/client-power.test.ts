import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { InvalidClientMetadata } from '../../src/protocol/oauth-errors.js';
import { authorize } from '../support/browser-less.js';
import { AUTHORIZE_CLIENTS, AUTHORIZE_USERS, webRequest } from '../support/authorize-fixtures.js';

const API = 'https://api.example.com';
const OTHER_API = 'https://other-api.example.com';
const SCOPES = [
  'api.read: Read the API',
  'api.admin: Administer the API',
  'api:read: Read, colon style',
  'api:admin: Administer, colon style',
];
const SERVICE = {
  client_id: 'svc',
  client_secret: 'svc-secret-svc-secret-svc-secret-svc',
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'openid api:read api.read',
};
const SERVICE_ONE_API = {
  ...SERVICE,
  client_id: 'svc-one-api',
  client_secret: 'svc-one-api-secret-svc-one-api-secret',
  resources: [OTHER_API],
};
const SERVICE_ANY = { ...SERVICE, client_id: 'svc-any', client_secret: 'svc-any-secret-svc-any-secret-svc', scope: undefined };

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

// Security review finding 2: no client, however registered, chooses its own power.
for (const database of DATABASES) {
  describe(`what a client may be given (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: {
          scopes: SCOPES,
          accessTokens: { resources: [API, OTHER_API] },
          registration: { initialAccessToken: 'optional' },
          clients: [...AUTHORIZE_CLIENTS, SERVICE, SERVICE_ONE_API, SERVICE_ANY],
          users: AUTHORIZE_USERS,
        },
      });
    });
    after(() => server.close());

    const register = (body: Record<string, unknown>) =>
      fetch(`${server.url}/reg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const serviceToken = (id: string, secret: string, form: Record<string, string>) =>
      fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(id, secret) },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...form }),
      });
    const assertError = async (response: Response, status: number, error: string) => {
      const body = await json(response);
      assert.equal(response.status, status, JSON.stringify(body));
      assert.equal(body.error, error);
      assert.equal(typeof body.error_description, 'string');
    };
    const CC = { grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'client_secret_basic' };

    describe('dynamic registration (review t11)', () => {
      it('a registration without scope gets the end-user scopes only; client_credentials then mints no API scope', async () => {
        const response = await register(CC);
        assert.equal(response.status, 201);
        const registered = await json(response);
        assert.equal(registered.scope, 'openid profile email address phone offline_access');
        const id = registered.client_id as string;
        const secret = registered.client_secret as string;
        await assertError(await serviceToken(id, secret, { scope: 'api.admin api.read' }), 400, 'invalid_scope');
        await assertError(await serviceToken(id, secret, { scope: 'root' }), 400, 'invalid_scope');
        // No scope parameter: the registered scopes about no end-user, here none.
        const plain = await serviceToken(id, secret, {});
        const body = await json(plain);
        assert.equal(plain.status, 200);
        assert.equal(body.scope, undefined);
        assert.equal(decodeJwt(body.access_token as string).scope, undefined);
        // RFC 8707: a registered client may name no resource of the operator's.
        await assertError(await serviceToken(id, secret, { resource: API }), 400, 'invalid_target');
      });

      it('a scope the provider does not offer, or beyond registration.allowedScopes, is invalid_client_metadata', async () => {
        for (const scope of ['root superuser payments:write', 'api.admin', 'openid api:read', 'admin payments:write openid']) {
          await assertError(await register({ ...CC, scope }), 400, 'invalid_client_metadata');
        }
        assert.equal((await register({ ...CC, scope: 'openid email' })).status, 201);
      });

      it('token lifetime, token format and resources are not the registrant’s to choose, at POST and PUT', async () => {
        for (const extra of [{ access_token_ttl: 86400 }, { access_token_format: 'opaque' }, { resources: [API] }]) {
          await assertError(await register({ ...CC, ...extra }), 400, 'invalid_client_metadata');
        }
        const registered = await json(await register(CC));
        const put = await fetch(registered.registration_client_uri as string, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${registered.registration_access_token as string}` },
          body: JSON.stringify({ ...CC, client_id: registered.client_id, access_token_ttl: 86400 }),
        });
        await assertError(put, 400, 'invalid_client_metadata');
        const putScope = await fetch(registered.registration_client_uri as string, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${registered.registration_access_token as string}` },
          body: JSON.stringify({ ...CC, client_id: registered.client_id, scope: 'api.admin' }),
        });
        await assertError(putScope, 400, 'invalid_client_metadata');
      });
    });

    describe('client_credentials', () => {
      it('issues only what the client may have and asked for; the default leaves out end-user scopes', async () => {
        const asked = await json(await serviceToken('svc', SERVICE.client_secret, { scope: 'api:read' }));
        assert.equal(asked.scope, 'api:read');
        const byDefault = await json(await serviceToken('svc', SERVICE.client_secret, {}));
        assert.equal(byDefault.scope, 'api:read api.read');
        await assertError(await serviceToken('svc', SERVICE.client_secret, { scope: 'api:admin' }), 400, 'invalid_scope');
        await assertError(await serviceToken('svc', SERVICE.client_secret, { scope: 'api.admin' }), 400, 'invalid_scope');
      });

      it('scope names keep their colons: api:read and api:admin are two scopes, both offered', async () => {
        const discovery = await json(await fetch(`${server.url}/.well-known/openid-configuration`));
        const supported = discovery.scopes_supported as string[];
        for (const name of ['api:read', 'api:admin', 'api.read', 'api.admin']) assert.ok(supported.includes(name), name);
        assert.ok(!supported.includes('api'));
        const admin = await json(await serviceToken('svc-any', SERVICE_ANY.client_secret, { scope: 'api:admin' }));
        assert.equal(admin.scope, 'api:admin');
      });

      it('resource: a registered resource the client may use becomes aud; any other is invalid_target', async () => {
        const token = await json(await serviceToken('svc', SERVICE.client_secret, { resource: API }));
        assert.equal(decodeJwt(token.access_token as string).aud, API);
        await assertError(
          await serviceToken('svc', SERVICE.client_secret, { resource: 'https://api.bank.example/' }),
          400,
          'invalid_target',
        );
        // svc-one-api may use OTHER_API only.
        const other = await json(await serviceToken('svc-one-api', SERVICE_ONE_API.client_secret, { resource: OTHER_API }));
        assert.equal(decodeJwt(other.access_token as string).aud, OTHER_API);
        await assertError(await serviceToken('svc-one-api', SERVICE_ONE_API.client_secret, { resource: API }), 400, 'invalid_target');
      });
    });

    it('/auth: an unregistered resource is invalid_target at the redirect URI; a registered one is the audience', async () => {
      const refused = await fetch(`${server.url}/auth?${new URLSearchParams(webRequest({ resource: 'https://api.bank.example/' }))}`, {
        redirect: 'manual',
      });
      assert.equal(new URL(refused.headers.get('location')!).searchParams.get('error'), 'invalid_target');
      const allowed = await authorize(server.url, webRequest({ resource: API }));
      assert.ok(allowed.code);
    });

    it('the CLI and every other registry path refuse a scope the provider does not offer, or an unregistered resource', async () => {
      await assert.rejects(server.services.clients.save({ ...SERVICE, client_id: 'cli-1', scope: 'root' }, 'cli'), InvalidClientMetadata);
      await assert.rejects(
        server.services.clients.save({ ...SERVICE, client_id: 'cli-2', resources: ['https://nowhere.example'] }, 'cli'),
        InvalidClientMetadata,
      );
    });
  });
}

describe('config clients may not name scopes or resources the provider does not offer', () => {
  const load = (overrides: Record<string, unknown>) =>
    loadConfig({ env: {}, overrides: { secret: 'x'.repeat(32), issuer: 'https://id.example', ...overrides } });

  it('a scope outside the offered ones stops startup with a message naming the client', () => {
    assert.throws(
      () => load({ clients: [{ ...SERVICE, scope: 'api.admin' }] }),
      (err: unknown) =>
        err instanceof ConfigError && /clients\[0\] \(svc\).*api\.admin is not a scope this provider offers/.test(err.message),
    );
    assert.doesNotThrow(() => load({ scopes: SCOPES, clients: [{ ...SERVICE, scope: 'api.admin api:admin' }] }));
  });

  it('resources outside accessTokens.resources, and a resource that is no absolute URI, stop startup', () => {
    assert.throws(() => load({ clients: [{ ...SERVICE, scope: undefined, resources: [API] }] }), ConfigError);
    assert.throws(() => load({ accessTokens: { resources: ['api/orders'] } }), ConfigError);
    assert.throws(() => load({ registration: { allowedScopes: ['api.admin'] } }), ConfigError);
  });
});
