import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import {
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
  describe(`token revocation, RFC 7009 (${database})`, () => {
    let server: TestServer;
    let url: string;
    let pk: ClientKey;
    before(async () => {
      pk = await clientKey('pk-1');
      server = await startTestServer({
        database,
        config: { clients: tokenClients({ pk, jwksUri: 'https://jwks.invalid/keys' }), scopes: TOKEN_TEST_SCOPES, users: TEST_USERS },
      });
      url = `${server.url}/revoke`;
    });
    after(() => server.close());

    const serviceToken = async (clientId = 'svc_post') => {
      const response = await postForm(`${server.url}/token`, {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: SECRETS.post,
      });
      assert.equal(response.status, 200);
      return response.json.access_token as string;
    };
    const revoke = (token: string, clientId = 'svc_post', extra: Record<string, string> = {}) =>
      postForm(url, { token, client_id: clientId, client_secret: SECRETS.post, ...extra });
    const active = async (token: string, clientId = 'svc_post') =>
      (await postForm(`${server.url}/introspect`, { token, client_id: clientId, client_secret: SECRETS.post })).json.active;
    const assertEmpty200 = (response: { status: number; text: string; headers: Headers }, label = '') => {
      assert.equal(response.status, 200, label);
      assert.equal(response.text, '', label);
    };

    it('is advertised in discovery', async () => {
      const metadata = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(metadata.revocation_endpoint, url);
      assert.ok(Array.isArray(metadata.revocation_endpoint_auth_methods_supported));
    });

    it('revokes a refresh token with 200 and the whole grant with it: refresh fails, access token inactive (§2.1)', async () => {
      const { refreshToken, accessToken } = await userGrant(server.services, 'web_app', 'openid offline_access');
      assertEmpty200(await revoke(refreshToken, 'web_app'));
      const refresh = await postForm(`${server.url}/token`, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: 'web_app',
        client_secret: SECRETS.post,
      });
      assert.equal(refresh.status, 400);
      assert.equal(refresh.json.error, 'invalid_grant');
      assert.equal(await active(refreshToken, 'web_app'), false);
      assert.equal(await active(accessToken, 'web_app'), false);
    });

    it('revokes a JWT access token: introspection then says active false (openid-client)', async () => {
      const config = await rpConfig(server.url, 'svc_post', oidc.ClientSecretPost(SECRETS.post));
      const token = (await oidc.clientCredentialsGrant(config)).access_token;
      assert.equal(await active(token), true);
      await oidc.tokenRevocation(config, token);
      assert.equal(await active(token), false);
      assert.equal(await server.services.accessTokens.verify(token), undefined);
    });

    it('revokes with every confidential authentication method (openid-client)', async () => {
      const auths: [string, oidc.ClientAuth][] = [
        [SECRETS.basicId, oidc.ClientSecretBasic(SECRETS.basic)],
        ['svc_jwt', oidc.ClientSecretJwt(SECRETS.jwt)],
        ['svc_pk', oidc.PrivateKeyJwt({ key: pk.privateKey, kid: pk.kid })],
      ];
      for (const [clientId, auth] of auths) {
        const config = await rpConfig(server.url, clientId, auth);
        const token = (await oidc.clientCredentialsGrant(config)).access_token;
        await oidc.tokenRevocation(config, token, { token_type_hint: 'access_token' });
        assert.equal(await server.services.accessTokens.verify(token), undefined, clientId);
      }
    });

    it('revokes an opaque access token', async () => {
      const token = await serviceToken('svc_opaque');
      assertEmpty200(await revoke(token, 'svc_opaque'));
      assert.equal(await active(token, 'svc_opaque'), false);
    });

    it('answers 200 for unknown, malformed and already revoked tokens (§2.2)', async () => {
      assertEmpty200(await revoke('no-such-token'), 'unknown');
      assertEmpty200(await revoke('a.b.c'), 'malformed');
      const token = await serviceToken();
      assertEmpty200(await revoke(token), 'first');
      assertEmpty200(await revoke(token), 'again');
    });

    it('finds and revokes the token whatever token_type_hint says, never unsupported_token_type (§2.1)', async () => {
      const { refreshToken } = await userGrant(server.services, 'web_app');
      assertEmpty200(await revoke(refreshToken, 'web_app', { token_type_hint: 'access_token' }));
      assert.equal(await active(refreshToken, 'web_app'), false);
      for (const hint of ['refresh_token', 'id_token', 'urn:example:unknown']) {
        const token = await serviceToken();
        assertEmpty200(await revoke(token, 'svc_post', { token_type_hint: hint }), hint);
        assert.equal(await active(token), false, hint);
      }
    });

    it('refuses to revoke a token issued to another client with 400 unauthorized_client; the token stays valid (§2.1)', async () => {
      const token = await serviceToken('svc_post');
      const response = await revoke(token, 'svc_scoped');
      assert.equal(response.status, 400);
      assert.equal(response.json.error, 'unauthorized_client');
      assert.equal(await active(token), true);
      const { refreshToken } = await userGrant(server.services, 'web_app');
      const other = await revoke(refreshToken, 'svc_post');
      assert.equal(other.status, 400);
      assert.equal(other.json.error, 'unauthorized_client');
      assert.equal(await active(refreshToken, 'web_app'), true);
    });

    it('lets a public client revoke its own refresh token with client_id alone, but not another client’s', async () => {
      const own = await userGrant(server.services, 'public_app');
      assertEmpty200(await postForm(url, { token: own.refreshToken, client_id: 'public_app' }));
      assert.equal((await server.services.grantsStore.find(own.grantId))?.revokedAt !== null, true);
      const theirs = await userGrant(server.services, 'web_app');
      const refused = await postForm(url, { token: theirs.refreshToken, client_id: 'public_app' });
      assert.equal(refused.status, 400);
      assert.equal(refused.json.error, 'unauthorized_client');
      assert.equal(await active(theirs.refreshToken, 'web_app'), true);
    });

    it('refuses a missing token as invalid_request and missing or bad authentication as 401 invalid_client', async () => {
      const missing = await postForm(url, { client_id: 'svc_post', client_secret: SECRETS.post });
      assert.equal(missing.status, 400);
      assert.equal(missing.json.error, 'invalid_request');
      const token = await serviceToken();
      for (const [label, form] of [
        ['no authentication', { token }],
        ['wrong secret', { token, client_id: 'svc_post', client_secret: 'wrong' }],
        ['confidential client without secret', { token, client_id: 'svc_post' }],
      ] as [string, Record<string, string>][]) {
        const response = await postForm(url, form);
        assert.equal(response.status, 401, label);
        assert.equal(response.json.error, 'invalid_client', label);
      }
      assert.equal(await active(token), true, 'refused requests revoke nothing');
    });
  });
}
