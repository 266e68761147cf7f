import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import {
  clientKey,
  postForm,
  rpConfig,
  SECRETS,
  startJwksHost,
  TOKEN_TEST_SCOPES,
  tokenClients,
  type JwksHost,
} from '../support/token-clients.js';

for (const database of DATABASES) {
  describe(`client_credentials grant (${database})`, () => {
    let server: TestServer;
    let host: JwksHost;
    let tokenUrl: string;
    before(async () => {
      const pk = await clientKey('pk-1');
      host = await startJwksHost([pk.publicJwk]);
      server = await startTestServer({
        database,
        config: {
          clients: tokenClients({ pk, jwksUri: host.url }),
          scopes: TOKEN_TEST_SCOPES,
          outbound: { allowedHosts: ['127.0.0.1'] },
          accessTokens: { resources: ['https://api.example.com'] },
        },
      });
      tokenUrl = `${server.url}/token`;
    });
    after(async () => {
      await server.close();
      await host.close();
    });

    const post = (form: Record<string, string>) =>
      postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'svc_post', client_secret: SECRETS.post, ...form });

    it('answers the walkthrough request exactly: access_token, expires_in 600, token_type Bearer, scope', async () => {
      const response = await post({ scope: 'openid' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.deepEqual(Object.keys(response.json), ['access_token', 'expires_in', 'token_type', 'scope']);
      assert.equal(response.json.expires_in, 600);
      assert.equal(response.json.token_type, 'Bearer');
      assert.equal(response.json.scope, 'openid');
    });

    it('never issues a refresh token or an ID token, even for openid offline_access (openid-client)', async () => {
      const config = await rpConfig(server.url, 'svc_post', oidc.ClientSecretPost(SECRETS.post));
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'openid offline_access' });
      assert.equal(tokens.token_type, 'bearer');
      assert.equal(tokens.refresh_token, undefined);
      assert.equal(tokens.id_token, undefined);
      assert.equal(tokens.scope, 'openid offline_access');
    });

    it('issues an RFC 9068 JWT: header typ at+jwt and kid, claims verified with jose against /jwks', async () => {
      const config = await rpConfig(server.url, 'svc_post', oidc.ClientSecretPost(SECRETS.post));
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read_api' });
      const header = decodeProtectedHeader(tokens.access_token);
      assert.equal(header.typ, 'at+jwt');
      assert.equal(typeof header.kid, 'string');
      const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
      const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: server.url, audience: server.url, typ: 'at+jwt' });
      assert.equal(payload.sub, 'svc_post');
      assert.equal(payload.client_id, 'svc_post');
      assert.equal(payload.scope, 'read_api');
      assert.equal(typeof payload.jti, 'string');
      assert.equal(payload.exp! - payload.iat!, 600);
    });

    it('uses the client scope metadata as the default scope, and empty scope without it', async () => {
      const scoped = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'svc_scoped', client_secret: SECRETS.post });
      assert.equal(scoped.status, 200);
      assert.equal(scoped.json.scope, 'read_api write_api');
      const plain = await post({});
      assert.equal(plain.status, 200);
      assert.equal(plain.json.scope, undefined);
    });

    it('refuses a scope outside the client scope metadata with invalid_scope', async () => {
      const response = await postForm(tokenUrl, {
        grant_type: 'client_credentials',
        client_id: 'svc_scoped',
        client_secret: SECRETS.post,
        scope: 'read_api openid',
      });
      assert.equal(response.status, 400);
      assert.equal(response.json.error, 'invalid_scope');
      const allowed = await postForm(tokenUrl, {
        grant_type: 'client_credentials',
        client_id: 'svc_scoped',
        client_secret: SECRETS.post,
        scope: 'write_api',
      });
      assert.equal(allowed.json.scope, 'write_api');
    });

    it('refuses a scope the provider does not know with invalid_scope', async () => {
      const response = await post({ scope: 'openid admin' });
      assert.equal(response.status, 400);
      assert.equal(response.json.error, 'invalid_scope');
    });

    it('makes the RFC 8707 resource the audience', async () => {
      const response = await post({ resource: 'https://api.example.com' });
      assert.equal(response.status, 200);
      const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
      const { payload } = await jwtVerify(response.json.access_token as string, jwks, {
        issuer: server.url,
        audience: 'https://api.example.com',
        typ: 'at+jwt',
      });
      assert.equal(payload.aud, 'https://api.example.com');
    });

    it('refuses a resource that is relative or has a fragment with invalid_target', async () => {
      for (const resource of ['api/orders', 'https://api.example.com/#frag']) {
        const response = await post({ resource });
        assert.equal(response.status, 400, resource);
        assert.equal(response.json.error, 'invalid_target');
      }
    });

    it('issues opaque tokens and honours the per-client lifetime for clients configured so', async () => {
      const response = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'svc_opaque', client_secret: SECRETS.post });
      assert.equal(response.status, 200);
      assert.equal(response.json.expires_in, 120);
      const token = response.json.access_token as string;
      assert.equal(token.split('.').length, 1, 'not a JWT');
      const info = await server.services.accessTokens.verify(token);
      assert.equal(info?.clientId, 'svc_opaque');
      assert.equal(info.exp - info.iat, 120);
    });

    it('answers unauthorized_client to a client without the grant', async () => {
      const response = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'web_app', client_secret: SECRETS.post });
      assert.equal(response.status, 400);
      assert.equal(response.json.error, 'unauthorized_client');
    });

    it('answers unauthorized_client to a public client', async () => {
      const response = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'public_app' });
      assert.equal(response.status, 400);
      assert.equal(response.json.error, 'unauthorized_client');
    });

    it('answers the handler refusal for a public client even if its metadata listed the grant', async () => {
      const handler = server.services.grants.get('client_credentials')!;
      const client = (await server.services.clients.find('public_app'))!;
      await assert.rejects(handler.handle({ params: {}, client, request: undefined as never }), { error: 'unauthorized_client' });
    });
  });
}
