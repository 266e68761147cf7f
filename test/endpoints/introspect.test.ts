import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import {
  assertion,
  assertionForm,
  basicAuth,
  clientKey,
  postForm,
  rpConfig,
  SECRETS,
  TEST_USERS,
  TOKEN_TEST_SCOPES,
  tokenClients,
  userGrant,
  type ClientKey,
} from '../support/token-clients.js';

for (const database of DATABASES) {
  describe(`token introspection, RFC 7662 (${database})`, () => {
    let server: TestServer;
    let url: string;
    let pk: ClientKey;
    before(async () => {
      pk = await clientKey('pk-1');
      server = await startTestServer({
        database,
        config: {
          clients: tokenClients({ pk, jwksUri: 'https://jwks.invalid/keys' }),
          scopes: TOKEN_TEST_SCOPES,
          users: TEST_USERS,
          accessTokens: { resources: ['https://api.example.com'] },
        },
      });
      url = `${server.url}/introspect`;
    });
    after(() => server.close());

    const serviceToken = async (clientId = 'svc_post', form: Record<string, string> = {}) => {
      const response = await postForm(`${server.url}/token`, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: SECRETS.post,
        ...form,
      });
      assert.equal(response.status, 200);
      return response.json.access_token as string;
    };
    const introspect = (token: string, clientId = 'svc_post', extra: Record<string, string> = {}) =>
      postForm(url, { token, client_id: clientId, client_secret: SECRETS.post, ...extra });
    const assertInactive = (response: { status: number; json: Record<string, unknown> }, label = '') => {
      assert.equal(response.status, 200, label);
      assert.deepEqual(response.json, { active: false }, label);
    };

    it('is advertised in discovery with its auth methods', async () => {
      const metadata = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(metadata.introspection_endpoint, url);
      assert.ok((metadata.introspection_endpoint_auth_methods_supported as string[]).includes('private_key_jwt'));
      assert.ok(!(metadata.introspection_endpoint_auth_methods_supported as string[]).includes('none'));
      assert.ok((metadata.token_endpoint_auth_signing_alg_values_supported as string[]).includes('ES256'));
    });

    it('describes an active JWT access token: §2.2 members, JSON, no-store (openid-client)', async () => {
      const token = await serviceToken('svc_post', { scope: 'read_api' });
      const config = await rpConfig(server.url, 'svc_post', oidc.ClientSecretPost(SECRETS.post));
      const result = await oidc.tokenIntrospection(config, token);
      assert.equal(result.active, true);
      assert.equal(result.scope, 'read_api');
      assert.equal(result.client_id, 'svc_post');
      assert.equal(result.sub, 'svc_post');
      assert.equal(result.aud, server.url);
      assert.equal(result.iss, server.url);
      assert.equal(result.token_type, 'Bearer');
      assert.equal(typeof result.jti, 'string');
      assert.equal((result.exp as number) - (result.iat as number), 600);
      assert.equal(result.username, undefined);
      const raw = await introspect(token);
      assert.match(raw.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(raw.headers.get('cache-control'), 'no-store');
    });

    it('accepts every confidential authentication method (openid-client)', async () => {
      const auths: [string, oidc.ClientAuth][] = [
        [SECRETS.basicId, oidc.ClientSecretBasic(SECRETS.basic)],
        ['svc_jwt', oidc.ClientSecretJwt(SECRETS.jwt)],
        ['svc_pk', oidc.PrivateKeyJwt({ key: pk.privateKey, kid: pk.kid })],
      ];
      for (const [clientId, auth] of auths) {
        const config = await rpConfig(server.url, clientId, auth);
        const token = (await oidc.clientCredentialsGrant(config)).access_token;
        const result = await oidc.tokenIntrospection(config, token);
        assert.equal(result.active, true, clientId);
        assert.equal(result.client_id, clientId);
      }
    });

    it('accepts a private_key_jwt assertion whose aud is the issuer, and no endpoint URL (draft-ietf-oauth-rfc7523bis §4)', async () => {
      const token = await serviceToken();
      const jwt = await assertion(pk.privateKey, 'svc_pk', server.url, { header: { kid: pk.kid } });
      const response = await postForm(url, { token, ...assertionForm(jwt) });
      assert.equal(response.status, 200);
      assert.deepEqual(response.json, { active: false }, 'svc_pk may not see the token of svc_post');
      for (const aud of [url, `${server.url}/token`, `${server.url}/revoke`]) {
        const refused = await assertion(pk.privateKey, 'svc_pk', aud, { header: { kid: pk.kid } });
        assert.equal((await postForm(url, { token, ...assertionForm(refused) })).status, 401, aud);
      }
    });

    it('describes a user access token with sub and username, and an opaque one', async () => {
      const { accessToken, user } = await userGrant(server.services, 'web_app');
      const result = (await introspect(accessToken, 'web_app')).json;
      assert.equal(result.active, true);
      assert.equal(result.sub, user.id);
      assert.equal(result.username, 'alice');
      assert.equal(result.scope, 'openid profile');
      const opaque = await postForm(`${server.url}/token`, {
        grant_type: 'client_credentials',
        client_id: 'svc_opaque',
        client_secret: SECRETS.post,
      });
      const described = (await introspect(opaque.json.access_token as string, 'svc_opaque')).json;
      assert.equal(described.active, true);
      assert.equal(described.client_id, 'svc_opaque');
      assert.equal((described.exp as number) - (described.iat as number), 120);
    });

    it('describes an active refresh token with token_type refresh_token', async () => {
      const { refreshToken, user } = await userGrant(server.services, 'web_app');
      const result = (await introspect(refreshToken, 'web_app')).json;
      assert.equal(result.active, true);
      assert.equal(result.token_type, 'refresh_token');
      assert.equal(result.client_id, 'web_app');
      assert.equal(result.sub, user.id);
      assert.equal(result.username, 'alice');
      assert.equal(result.iss, server.url);
    });

    it('finds the token whatever token_type_hint says (§2.1)', async () => {
      const { refreshToken, accessToken } = await userGrant(server.services, 'web_app');
      assert.equal((await introspect(refreshToken, 'web_app', { token_type_hint: 'access_token' })).json.active, true);
      assert.equal((await introspect(accessToken, 'web_app', { token_type_hint: 'refresh_token' })).json.active, true);
      assert.equal((await introspect(accessToken, 'web_app', { token_type_hint: 'something_else' })).json.active, true);
    });

    it('answers exactly {"active": false} for expired tokens', async () => {
      const client = (await server.services.clients.find('svc_post'))!;
      const expiredJwt = await server.services.accessTokens.issue({ client, scope: '', ttl: -10 });
      assertInactive(await introspect(expiredJwt.token), 'expired JWT');
      const opaqueClient = (await server.services.clients.find('svc_opaque'))!;
      const expiredOpaque = await server.services.accessTokens.issue({ client: opaqueClient, scope: '', ttl: -10 });
      assertInactive(await introspect(expiredOpaque.token, 'svc_opaque'), 'expired opaque');
      const { refreshToken } = await userGrant(server.services, 'web_app');
      await server.services.db.updateTable('refresh_tokens').set({ expires_at: 1 }).where('client_id', '=', 'web_app').execute();
      assertInactive(await introspect(refreshToken, 'web_app'), 'expired refresh token');
    });

    it('answers {"active": false} for unknown and malformed tokens', async () => {
      assertInactive(await introspect('no-such-token'));
      assertInactive(await introspect('a.b.c'));
      assertInactive(await introspect('x'.repeat(9000)));
    });

    it('answers {"active": false} for revoked tokens, including a revoked JWT whose signature is still valid', async () => {
      const token = await serviceToken();
      assert.equal((await postForm(`${server.url}/revoke`, { token, client_id: 'svc_post', client_secret: SECRETS.post })).status, 200);
      assertInactive(await introspect(token));
    });

    it('answers {"active": false} for every token of a revoked grant', async () => {
      const { refreshToken, accessToken, grantId } = await userGrant(server.services, 'web_app');
      await server.services.grantsStore.revoke(grantId, Math.floor(Date.now() / 1000));
      assertInactive(await introspect(refreshToken, 'web_app'));
      assertInactive(await introspect(accessToken, 'web_app'));
    });

    it('hides tokens of other clients unless the caller is in their audience', async () => {
      const token = await serviceToken();
      assertInactive(await introspect(token, 'svc_scoped'), 'other client');
      const { refreshToken } = await userGrant(server.services, 'web_app');
      assertInactive(await introspect(refreshToken, 'svc_post'), 'refresh token of another client');
      const forApi = await serviceToken('svc_post', { resource: 'https://api.example.com' });
      const seen = (await introspect(forApi, 'https://api.example.com')).json;
      assert.equal(seen.active, true, 'the resource server named in aud');
      assert.equal(seen.aud, 'https://api.example.com');
    });

    it('requires client authentication: none, public client, or bad credentials is 401 invalid_client', async () => {
      const token = await serviceToken();
      for (const [label, form, headers] of [
        ['no authentication', { token }, {}],
        ['public client', { token, client_id: 'public_app' }, {}],
        ['wrong secret', { token, client_id: 'svc_post', client_secret: 'wrong' }, {}],
        ['bearer token instead', { token }, { authorization: `Bearer ${token}` }],
      ] as [string, Record<string, string>, Record<string, string>][]) {
        const response = await postForm(url, form, headers);
        assert.equal(response.status, 401, label);
        assert.equal(response.json.error, 'invalid_client', label);
      }
      const basic = await postForm(url, { token }, { authorization: basicAuth(SECRETS.basicId, 'wrong') });
      assert.equal(basic.status, 401);
      assert.match(basic.headers.get('www-authenticate') ?? '', /^Basic /);
    });

    it('refuses a request without token as invalid_request, and a non-form body', async () => {
      const missing = await postForm(url, { client_id: 'svc_post', client_secret: SECRETS.post });
      assert.equal(missing.status, 400);
      assert.equal(missing.json.error, 'invalid_request');
      const json = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: 'x' }),
      });
      assert.equal(json.status, 400);
      assert.equal(((await json.json()) as { error: string }).error, 'invalid_request');
    });
  });
}
