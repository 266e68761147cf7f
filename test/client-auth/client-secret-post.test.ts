import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import {
  assertion,
  assertionForm,
  clientKey,
  postForm,
  rpConfig,
  SECRETS,
  TOKEN_TEST_SCOPES,
  tokenClients,
} from '../support/token-clients.js';

for (const database of DATABASES) {
  describe(`client_secret_post, none, and the one-method rule (${database})`, () => {
    let server: TestServer;
    let tokenUrl: string;
    before(async () => {
      const pk = await clientKey('pk-1');
      server = await startTestServer({
        database,
        config: { clients: tokenClients({ pk, jwksUri: 'https://jwks.invalid/keys' }), scopes: TOKEN_TEST_SCOPES },
      });
      tokenUrl = `${server.url}/token`;
    });
    after(() => server.close());

    const grant = { grant_type: 'client_credentials' };
    const assertInvalidClient = (response: { status: number; json: Record<string, unknown>; headers: Headers }) => {
      assert.equal(response.status, 401);
      assert.equal(response.json.error, 'invalid_client');
      assert.equal(response.headers.get('www-authenticate'), null, 'no Basic challenge when Basic was not tried');
      assert.equal(response.headers.get('cache-control'), 'no-store');
    };

    it('authenticates with client_id and client_secret in the body (openid-client)', async () => {
      const config = await rpConfig(server.url, 'svc_post', oidc.ClientSecretPost(SECRETS.post));
      const tokens = await oidc.clientCredentialsGrant(config);
      assert.equal(typeof tokens.access_token, 'string');
    });

    it('refuses a wrong secret with 401 invalid_client', async () => {
      assertInvalidClient(await postForm(tokenUrl, { ...grant, client_id: 'svc_post', client_secret: 'wrong' }));
    });

    it('refuses the secret of another client', async () => {
      assertInvalidClient(await postForm(tokenUrl, { ...grant, client_id: 'svc_post', client_secret: SECRETS.basic }));
    });

    it('refuses an unknown client', async () => {
      assertInvalidClient(await postForm(tokenUrl, { ...grant, client_id: 'nobody', client_secret: 'x' }));
    });

    it('refuses client_secret_post for a client registered for client_secret_basic', async () => {
      assertInvalidClient(await postForm(tokenUrl, { ...grant, client_id: SECRETS.basicId, client_secret: SECRETS.basic }));
    });

    it('refuses client_id alone for a confidential client', async () => {
      assertInvalidClient(await postForm(tokenUrl, { ...grant, client_id: 'svc_post' }));
    });

    it('refuses a request without any client identification', async () => {
      assertInvalidClient(await postForm(tokenUrl, grant));
    });

    it('refuses client_secret without client_id as invalid_request', async () => {
      const response = await postForm(tokenUrl, { ...grant, client_secret: SECRETS.post });
      assert.equal(response.status, 400);
      assert.equal(response.json.error, 'invalid_request');
    });

    it('refuses two methods at once (secret and assertion) as invalid_request (RFC 6749 §2.3)', async () => {
      const jwt = await assertion(new TextEncoder().encode(SECRETS.jwt), 'svc_jwt', server.url, { alg: 'HS256' });
      const response = await postForm(tokenUrl, { ...grant, client_id: 'svc_jwt', client_secret: SECRETS.jwt, ...assertionForm(jwt) });
      assert.equal(response.status, 400);
      assert.equal(response.json.error, 'invalid_request');
    });

    it('refuses a repeated client_secret as invalid_request', async () => {
      const response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=svc_post&client_secret=${SECRETS.post}&client_secret=${SECRETS.post}`,
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
    });

    it('lets a public client identify itself with client_id alone (none) and refuses it a secret', async () => {
      const none = await postForm(tokenUrl, {
        grant_type: 'authorization_code',
        code: 'x',
        redirect_uri: 'https://app.example/cb',
        client_id: 'public_app',
      });
      assert.notEqual(none.json.error, 'invalid_client');
      assertInvalidClient(
        await postForm(tokenUrl, { grant_type: 'authorization_code', code: 'x', client_id: 'public_app', client_secret: 'anything' }),
      );
    });
  });
}
