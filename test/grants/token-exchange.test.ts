import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { DEFAULT_USER } from '../support/browser-less.js';
import { issueCode, postToken } from '../support/issue-code.js';
import { limitRegistrantPowers } from '../../src/registration/limit-registrant-powers.js';
import { InvalidClientMetadata } from '../../src/protocol/oauth-errors.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const GATEWAY = 'https://gateway.example';
const ORDERS = 'https://orders.example';
const SECRET = 'exchange-secret-exchange-secret-0123';

/** The front-end app: a user signs in there; its tokens are for the gateway. */
const WEB = {
  client_id: 'web',
  client_secret: SECRET,
  redirect_uris: ['https://app.example/cb'],
  grant_types: ['authorization_code', 'client_credentials'],
  token_endpoint_auth_method: 'client_secret_post',
  scope: 'openid email orders:read orders:write',
};
/** The gateway, a resource server registered as a client under the URI it is a resource by; it calls the orders API for the user. */
const GATEWAY_CLIENT = {
  client_id: GATEWAY,
  client_secret: SECRET,
  grant_types: ['client_credentials', GRANT],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_post',
  scope: 'orders:read orders:write',
  resources: [ORDERS],
};
/** A client allowed to exchange tokens but not the audience of the user's token. */
const STRANGER = { ...GATEWAY_CLIENT, client_id: 'stranger' };
/** A client without the grant. */
const PLAIN = { ...GATEWAY_CLIENT, client_id: 'plain', grant_types: ['client_credentials'] };

const config = (extra: Record<string, unknown> = {}) => ({
  clients: [WEB, GATEWAY_CLIENT, STRANGER, PLAIN],
  users: [DEFAULT_USER],
  scopes: ['orders:read: Read orders', 'orders:write: Place orders'],
  accessTokens: { resources: [GATEWAY, ORDERS] },
  ...extra,
});

/** A user's access token issued to `web` for the gateway, through the code grant. */
async function userToken(server: TestServer, scope = 'openid orders:read orders:write', resource = GATEWAY) {
  const user = await server.services.users.findByUsername(DEFAULT_USER.username);
  const { code } = await issueCode(server.services, 'web', user!.id, { scope, resource, redirectUri: '' });
  const response = await postToken(server.url, { grant_type: 'authorization_code', code, client_id: 'web', client_secret: SECRET });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return { token: response.body.access_token as string, userId: user!.id };
}

async function clientToken(server: TestServer, clientId: string) {
  const response = await postToken(server.url, { grant_type: 'client_credentials', client_id: clientId, client_secret: SECRET });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.access_token as string;
}

const exchange = (server: TestServer, form: Record<string, string>, clientId = GATEWAY) =>
  postToken(server.url, { grant_type: GRANT, client_id: clientId, client_secret: SECRET, ...form });

for (const database of DATABASES) {
  describe(`token exchange, RFC 8693 (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: config() });
    });
    after(() => server.close());

    it('delegation: openid-client trades the user token and its own for an orders token that says who acts', async () => {
      const { token, userId } = await userToken(server);
      const actor = await clientToken(server, GATEWAY);
      const gateway = await client.discovery(new URL(server.url), GATEWAY, undefined, client.ClientSecretPost(SECRET), {
        execute: [client.allowInsecureRequests],
      });
      const response = await client.genericGrantRequest(gateway, GRANT, {
        subject_token: token,
        subject_token_type: ACCESS_TOKEN,
        actor_token: actor,
        actor_token_type: ACCESS_TOKEN,
        resource: ORDERS,
        scope: 'orders:read',
      });
      // §2.2.1
      assert.equal(response.issued_token_type, ACCESS_TOKEN);
      assert.equal(response.token_type, 'bearer');
      assert.equal(response.scope, 'orders:read');
      const claims = decodeJwt(response.access_token);
      assert.equal(claims.aud, ORDERS);
      assert.equal(claims.sub, userId);
      assert.equal(claims.client_id, GATEWAY);
      assert.deepEqual(claims.act, { sub: GATEWAY, client_id: GATEWAY });
      // Introspection by the new token's client shows the same, with act.
      const introspected = await client.tokenIntrospection(gateway, response.access_token);
      assert.equal(introspected.active, true);
      assert.deepEqual(introspected.act, { sub: GATEWAY, client_id: GATEWAY });
      assert.equal(introspected.sub, userId);
      // Exchanged again (the orders API would do this): the earlier actor is nested (§4.1).
      const again = await exchange(server, {
        subject_token: response.access_token,
        subject_token_type: ACCESS_TOKEN,
        actor_token: await clientToken(server, GATEWAY),
        actor_token_type: ACCESS_TOKEN,
      });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(decodeJwt(again.body.access_token as string).act, {
        sub: GATEWAY,
        client_id: GATEWAY,
        act: { sub: GATEWAY, client_id: GATEWAY },
      });
      const events = await server.services.audit.list({ type: 'token.exchanged' });
      assert.ok(events.some((event) => event.clientId === GATEWAY && event.userId === userId));
    });

    it('is refused where RFC 8693 §2.2.2 says, with the spec error', async () => {
      const { token } = await userToken(server);
      const actor = await clientToken(server, GATEWAY);
      const base = { subject_token: token, subject_token_type: ACCESS_TOKEN, actor_token: actor, actor_token_type: ACCESS_TOKEN };
      const refused = async (form: Record<string, string>, status: number, error: string, clientId = GATEWAY) => {
        const response = await exchange(server, form, clientId);
        assert.equal(response.status, status, JSON.stringify(response.body));
        assert.equal(response.body.error, error, JSON.stringify(response.body));
      };
      await refused({ ...base, subject_token: 'not-a-token' }, 400, 'invalid_grant');
      await refused({ ...base, actor_token: 'not-a-token' }, 400, 'invalid_grant');
      await refused({ ...base, subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' }, 400, 'invalid_request');
      const { subject_token_type: _omitted, ...untyped } = base;
      await refused(untyped, 400, 'invalid_request');
      await refused({ ...base, requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }, 400, 'invalid_request');
      await refused({ ...base, resource: 'https://unknown.example' }, 400, 'invalid_target');
      await refused({ ...base, resource: 'not a uri' }, 400, 'invalid_target');
      await refused({ ...base, audience: 'https://unknown.example' }, 400, 'invalid_target');
      await refused({ ...base, scope: 'orders:read openid email' }, 400, 'invalid_scope');
      // Impersonation is off by default: no actor_token, no exchange.
      await refused({ subject_token: token, subject_token_type: ACCESS_TOKEN }, 400, 'invalid_request');
      // The user's token was not issued to or intended for the stranger.
      await refused({ ...base, actor_token: await clientToken(server, 'stranger') }, 400, 'invalid_grant', 'stranger');
      // Someone else's token is not this client's actor token.
      await refused({ ...base, actor_token: await clientToken(server, 'stranger') }, 400, 'invalid_grant');
      // A client without the grant type.
      await refused(base, 400, 'unauthorized_client', 'plain');
      // A client_credentials token names no user.
      await refused({ ...base, subject_token: actor }, 400, 'invalid_grant');
    });

    it('refuses a revoked subject token (invalid_grant)', async () => {
      const { token } = await userToken(server);
      const revoke = await fetch(`${server.url}/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, client_id: 'web', client_secret: SECRET }),
      });
      assert.equal(revoke.status, 200);
      const response = await exchange(server, {
        subject_token: token,
        subject_token_type: ACCESS_TOKEN,
        actor_token: await clientToken(server, GATEWAY),
        actor_token_type: ACCESS_TOKEN,
      });
      assert.equal(response.status, 400);
      assert.equal(response.body.error, 'invalid_grant');
    });

    it('does not let a public client register the grant, nor a registrant choose it', async () => {
      await assert.rejects(
        server.services.clients.save(
          { client_id: 'pub', grant_types: [GRANT], response_types: [], token_endpoint_auth_method: 'none' },
          'cli',
        ),
        /public client/,
      );
      assert.throws(
        () => limitRegistrantPowers({ grant_types: ['client_credentials', GRANT], scope: 'openid' }, ['openid']),
        (err: unknown) => err instanceof InvalidClientMetadata && /operator sets it/.test(err.description),
      );
    });
  });
}

describe('token exchange with impersonation enabled', () => {
  it('issues a token for the subject without act', async () => {
    const server = await startTestServer({ config: config({ tokenExchange: { impersonation: true } }) });
    try {
      const { token, userId } = await userToken(server, 'openid orders:read');
      const response = await exchange(server, { subject_token: token, subject_token_type: ACCESS_TOKEN, resource: ORDERS });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const claims = decodeJwt(response.body.access_token as string);
      assert.equal(claims.sub, userId);
      assert.equal(claims.act, undefined);
      assert.equal(response.body.scope, 'openid orders:read');
    } finally {
      await server.close();
    }
  });
});
