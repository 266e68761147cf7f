import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { basicAuth, clientKey, postForm, rpConfig, SECRETS, TOKEN_TEST_SCOPES, tokenClients } from '../support/token-clients.js';

for (const database of DATABASES) {
  describe(`client_secret_basic (${database})`, () => {
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
    const assertBasicRefusal = (response: { status: number; json: Record<string, unknown>; headers: Headers }) => {
      assert.equal(response.status, 401);
      assert.equal(response.json.error, 'invalid_client');
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic /);
    };

    it('authenticates an id and secret with form-urlencoded special characters (openid-client)', async () => {
      const config = await rpConfig(server.url, SECRETS.basicId, oidc.ClientSecretBasic(SECRETS.basic));
      const tokens = await oidc.clientCredentialsGrant(config);
      assert.equal(typeof tokens.access_token, 'string');
    });

    it('decodes RFC 6749 §2.3.1 form-encoding itself (raw header, + for space)', async () => {
      const response = await postForm(tokenUrl, grant, { authorization: basicAuth(SECRETS.basicId, SECRETS.basic) });
      assert.equal(response.status, 200);
    });

    it('refuses a wrong secret with 401 and WWW-Authenticate: Basic', async () => {
      assertBasicRefusal(await postForm(tokenUrl, grant, { authorization: basicAuth(SECRETS.basicId, 'wrong') }));
    });

    it('refuses an unknown client with 401 and WWW-Authenticate: Basic', async () => {
      assertBasicRefusal(await postForm(tokenUrl, grant, { authorization: basicAuth('nobody', 'x') }));
    });

    it('refuses a secret that was not form-encoded before base64 when it needs encoding', async () => {
      const raw = 'Basic ' + Buffer.from(`${encodeURIComponent(SECRETS.basicId)}:${SECRETS.basic}`).toString('base64');
      assertBasicRefusal(await postForm(tokenUrl, grant, { authorization: raw }));
    });

    it('refuses malformed Basic headers with 401 and WWW-Authenticate: Basic', async () => {
      for (const header of [
        'Basic',
        'Basic !!!notbase64',
        'Basic ' + Buffer.from('no-colon').toString('base64'),
        'Basic ' + Buffer.from(':secret').toString('base64'),
        'Basic ' + Buffer.from('a:%zz').toString('base64'),
      ]) {
        const response = await postForm(tokenUrl, grant, { authorization: header });
        assertBasicRefusal(response);
      }
    });

    it('refuses Basic for a client registered for client_secret_post', async () => {
      assertBasicRefusal(await postForm(tokenUrl, grant, { authorization: basicAuth('svc_post', SECRETS.post) }));
    });

    it('refuses Basic together with client_secret in the body as invalid_request (RFC 6749 §2.3)', async () => {
      const response = await postForm(
        tokenUrl,
        { ...grant, client_id: SECRETS.basicId, client_secret: SECRETS.basic },
        { authorization: basicAuth(SECRETS.basicId, SECRETS.basic) },
      );
      assert.equal(response.status, 400);
      assert.equal(response.json.error, 'invalid_request');
    });

    it('refuses a body client_id that differs from the Basic one', async () => {
      const response = await postForm(
        tokenUrl,
        { ...grant, client_id: 'svc_post' },
        { authorization: basicAuth(SECRETS.basicId, SECRETS.basic) },
      );
      assert.equal(response.status, 400);
      assert.equal(response.json.error, 'invalid_request');
    });
  });
}
