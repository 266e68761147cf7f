import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import {
  assertion,
  assertionForm,
  cc,
  clientKey,
  postForm,
  rpConfig,
  SECRETS,
  TOKEN_TEST_SCOPES,
  tokenClients,
  type ClientKey,
} from '../support/token-clients.js';
import { assertAccepted, assertionRefusals, assertRefused } from './assertion-cases.js';

const secretKey = new TextEncoder().encode(SECRETS.jwt);

for (const database of DATABASES) {
  describe(`client_secret_jwt (${database})`, () => {
    let server: TestServer;
    let tokenUrl: string;
    let pk: ClientKey;
    before(async () => {
      pk = await clientKey('pk-1');
      const clients = [
        ...tokenClients({ pk, jwksUri: 'https://jwks.invalid/keys' }),
        {
          client_id: 'svc_jwt512',
          client_secret: SECRETS.jwt,
          token_endpoint_auth_method: 'client_secret_jwt',
          token_endpoint_auth_signing_alg: 'HS512',
          ...cc,
        },
      ];
      server = await startTestServer({ database, config: { clients, scopes: TOKEN_TEST_SCOPES } });
      tokenUrl = `${server.url}/token`;
    });
    after(() => server.close());

    it('authenticates an HS256 assertion made by openid-client', async () => {
      const config = await rpConfig(server.url, 'svc_jwt', oidc.ClientSecretJwt(SECRETS.jwt));
      const tokens = await oidc.clientCredentialsGrant(config);
      assert.equal(typeof tokens.access_token, 'string');
    });

    it('accepts the issuer as aud, alone or as a one-member array; HS384 and HS512 too', async () => {
      await assertAccepted(tokenUrl, await assertion(secretKey, 'svc_jwt', server.url, { alg: 'HS256' }), 'aud issuer');
      await assertAccepted(tokenUrl, await assertion(secretKey, 'svc_jwt', [server.url], { alg: 'HS384' }), 'aud [issuer]');
      await assertAccepted(tokenUrl, await assertion(secretKey, 'svc_jwt', server.url, { alg: 'HS512' }), 'HS512');
    });

    it('accepts a client_id in the body that matches the assertion', async () => {
      const jwt = await assertion(secretKey, 'svc_jwt', server.url, { alg: 'HS256' });
      const response = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'svc_jwt', ...assertionForm(jwt) });
      assert.equal(response.status, 200);
    });

    it('refuses a replayed jti', async () => {
      const jwt = await assertion(secretKey, 'svc_jwt', server.url, { alg: 'HS256' });
      await assertAccepted(tokenUrl, jwt, 'first use');
      await assertRefused(tokenUrl, jwt, 'replay');
    });

    for (const [label, build] of assertionRefusals({
      tokenUrl: () => tokenUrl,
      issuer: () => server.url,
      clientId: 'svc_jwt',
      key: () => secretKey,
      alg: 'HS256',
      wrongKey: () => new TextEncoder().encode('another-secret-another-secret-012345'),
    })) {
      it(`refuses ${label}`, async () => assertRefused(tokenUrl, await build(), label));
    }

    it('refuses an asymmetric assertion for a client_secret_jwt client', async () => {
      await assertRefused(
        tokenUrl,
        await assertion(pk.privateKey, 'svc_jwt', server.url, { alg: 'ES256', header: { kid: pk.kid } }),
        'ES256',
      );
    });

    it('refuses an alg other than the registered token_endpoint_auth_signing_alg', async () => {
      await assertRefused(tokenUrl, await assertion(secretKey, 'svc_jwt512', server.url, { alg: 'HS256' }), 'HS256 for HS512 client');
      await assertAccepted(tokenUrl, await assertion(secretKey, 'svc_jwt512', server.url, { alg: 'HS512' }), 'HS512');
    });

    it('refuses a client_id in the body that differs from the assertion subject', async () => {
      const jwt = await assertion(secretKey, 'svc_jwt', server.url, { alg: 'HS256' });
      const response = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: 'svc_post', ...assertionForm(jwt) });
      assert.equal(response.status, 401);
      assert.equal(response.json.error, 'invalid_client');
    });

    it('refuses a wrong client_assertion_type and a missing client_assertion as invalid_request', async () => {
      const jwt = await assertion(secretKey, 'svc_jwt', server.url, { alg: 'HS256' });
      const wrongType = await postForm(tokenUrl, {
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:example:other',
        client_assertion: jwt,
      });
      assert.equal(wrongType.status, 400);
      assert.equal(wrongType.json.error, 'invalid_request');
      const missing = await postForm(tokenUrl, {
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      });
      assert.equal(missing.status, 400);
      assert.equal(missing.json.error, 'invalid_request');
    });

    it('refuses an assertion that is not a JWT with 401 invalid_client', async () => {
      await assertRefused(tokenUrl, 'not-a-jwt', 'garbage');
      await assertRefused(tokenUrl, 'a.b.c', 'garbage with dots');
    });
  });

  describe(`client assertion audience with clientAuthentication.acceptTokenEndpointAudience (${database})`, () => {
    let server: TestServer;
    let tokenUrl: string;
    before(async () => {
      const clients = tokenClients({ pk: await clientKey('pk-1'), jwksUri: 'https://jwks.invalid/keys' });
      server = await startTestServer({
        database,
        config: { clients, scopes: TOKEN_TEST_SCOPES, clientAuthentication: { acceptTokenEndpointAudience: true } },
      });
      tokenUrl = `${server.url}/token`;
    });
    after(() => server.close());

    it('accepts the token endpoint URL as the sole aud, besides the issuer', async () => {
      await assertAccepted(tokenUrl, await assertion(secretKey, 'svc_jwt', tokenUrl, { alg: 'HS256' }), 'aud token endpoint');
      await assertAccepted(tokenUrl, await assertion(secretKey, 'svc_jwt', [tokenUrl], { alg: 'HS256' }), 'aud [token endpoint]');
      await assertAccepted(tokenUrl, await assertion(secretKey, 'svc_jwt', server.url, { alg: 'HS256' }), 'aud issuer');
    });

    it('still refuses arrays of several audiences and other endpoint URLs', async () => {
      await assertRefused(
        tokenUrl,
        await assertion(secretKey, 'svc_jwt', [server.url, tokenUrl], { alg: 'HS256' }),
        'issuer and token endpoint',
      );
      await assertRefused(
        tokenUrl,
        await assertion(secretKey, 'svc_jwt', `${server.url}/introspect`, { alg: 'HS256' }),
        'introspection endpoint',
      );
      await assertRefused(
        tokenUrl,
        await assertion(secretKey, 'svc_jwt', `${server.url}/device/auth`, { alg: 'HS256' }),
        'device authorization endpoint',
      );
    });
  });
}
