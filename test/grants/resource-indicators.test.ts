import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, DEFAULT_USER } from '../support/browser-less.js';
import { postToken } from '../support/issue-code.js';
import { loadConfig } from '../../src/config/load-config.js';
import { GRANT_DEVICE_CODE } from '../../src/clients/client.js';
import { ageDeviceCode, approveDirectly, form, poll } from '../support/device-fixtures.js';
import { ConfigError } from '../../src/config/config-error.js';

const ORDERS = 'https://orders.example';
const BILLING = 'https://billing.example';
const LEGACY = 'https://legacy.example';
const SECRET = 'resource-secret-resource-secret-0123';
const WEB = {
  client_id: 'web',
  client_secret: SECRET,
  redirect_uris: ['https://app.example/cb'],
  grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  token_endpoint_auth_method: 'client_secret_post',
  scope: 'openid email offline_access orders:read billing:read',
};
/** The orders API, registered as a client so it may introspect the tokens whose aud names it. */
const ORDERS_API = {
  client_id: 'orders-api',
  client_secret: SECRET,
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_post',
};
/** A client limited to one resource (metadata `resources`). */
const NARROW = { ...WEB, client_id: 'narrow', resources: [BILLING] };
const TV = {
  client_id: 'tv',
  grant_types: [GRANT_DEVICE_CODE],
  response_types: [],
  token_endpoint_auth_method: 'none',
  scope: 'openid billing:read',
};

/** RFC 8707 end to end: registered resources with their own scopes, audience, format and lifetime. */
for (const database of DATABASES) {
  describe(`resource indicators, RFC 8707 (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: {
          clients: [WEB, ORDERS_API, NARROW, TV],
          users: [DEFAULT_USER],
          scopes: ['orders:read: Read orders', 'billing:read: Read invoices'],
          accessTokens: {
            resources: [
              { identifier: ORDERS, scopes: ['orders:read'], audience: 'orders-api', accessTokenFormat: 'opaque', accessTokenTtl: 120 },
              { identifier: BILLING, scopes: ['billing:read'] },
              LEGACY,
            ],
          },
        },
      });
    });
    after(() => server.close());

    /** openid-client builds the request; `resource` is repeated (§2.1). */
    const codeFor = async (resources: string[], scope = 'openid offline_access orders:read billing:read', clientId = 'web') => {
      const config = await client.discovery(new URL(server.url), clientId, undefined, client.ClientSecretPost(SECRET), {
        execute: [client.allowInsecureRequests],
      });
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: WEB.redirect_uris[0],
        scope,
        prompt: 'consent',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: 'st',
      });
      for (const resource of resources) url.searchParams.append('resource', resource);
      const result = await authorize(server.url, url.searchParams);
      return { config, verifier, result };
    };

    it('several resources at /auth, one per token request, each token with its audience, format, lifetime and scopes', async () => {
      const { config, verifier, result } = await codeFor([ORDERS, BILLING]);
      assert.ok(result.code, result.location);
      const tokens = await client.authorizationCodeGrant(
        config,
        new URL(result.location),
        { pkceCodeVerifier: verifier, expectedState: 'st' },
        { resource: BILLING },
      );
      // BILLING: a JWT with only billing's scope, aud the identifier.
      const billing = decodeJwt(tokens.access_token);
      assert.equal(billing.aud, BILLING);
      assert.equal(billing.scope, 'billing:read');
      assert.equal(tokens.scope, 'billing:read');
      assert.ok(tokens.id_token, 'the ID token comes all the same');
      // Refresh for ORDERS: opaque, 120 s at most, aud orders-api (the registered audience), only orders:read.
      const orders = await client.refreshTokenGrant(config, tokens.refresh_token!, { resource: ORDERS });
      assert.equal(orders.access_token.split('.').length, 1, 'opaque');
      assert.ok(orders.expires_in! <= 120);
      assert.equal(orders.scope, 'orders:read');
      const api = await client.discovery(new URL(server.url), 'orders-api', undefined, client.ClientSecretPost(SECRET), {
        execute: [client.allowInsecureRequests],
      });
      const seen = await client.tokenIntrospection(api, orders.access_token);
      assert.equal(seen.active, true);
      assert.equal(seen.aud, 'orders-api');
      assert.equal(seen.scope, 'orders:read');
      // Refresh for the default audience: the user's scopes without any resource's, and it opens userinfo.
      const own = await client.refreshTokenGrant(config, orders.refresh_token ?? tokens.refresh_token!, { resource: server.url });
      assert.equal(own.scope, 'openid offline_access');
      const me = await client.fetchUserInfo(config, own.access_token, client.skipSubjectCheck);
      assert.ok(me.sub);
    });

    it('the device flow: resource at /device/auth, the token for it (stored on SQLite and PostgreSQL)', async () => {
      const refused = await fetch(
        `${server.url}/device/auth`,
        form({ client_id: 'tv', scope: 'openid', resource: 'https://unknown.example' }),
      );
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as Record<string, unknown>).error, 'invalid_target');
      const started = (await (
        await fetch(`${server.url}/device/auth`, form({ client_id: 'tv', scope: 'openid billing:read', resource: BILLING }))
      ).json()) as { device_code: string; user_code: string };
      await approveDirectly(server.services, started.user_code);
      const wrong = await fetch(
        `${server.url}/token`,
        form({ grant_type: GRANT_DEVICE_CODE, device_code: started.device_code, client_id: 'tv', resource: ORDERS }),
      );
      assert.equal(((await wrong.json()) as Record<string, unknown>).error, 'invalid_target');
      await ageDeviceCode(server.services, started.user_code, 30); // the refused poll counted (RFC 8628 §3.5)
      const tokens = await poll(server.url, started.device_code, 'tv');
      assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
      assert.equal(decodeJwt(tokens.body.access_token as string).aud, BILLING);
      assert.equal(tokens.body.scope, 'billing:read');
    });

    it('an access token for an API resource does not open userinfo (RFC 8707 §2, RFC 9700 §2.3)', async () => {
      const { verifier, result } = await codeFor([BILLING]);
      const tokens = await postToken(server.url, {
        grant_type: 'authorization_code',
        code: result.code!,
        redirect_uri: WEB.redirect_uris[0],
        client_id: 'web',
        client_secret: SECRET,
        code_verifier: verifier,
      });
      assert.equal(tokens.status, 200);
      assert.equal(decodeJwt(tokens.body.access_token as string).aud, BILLING, 'one resource granted: the token is for it');
      const userinfo = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
      assert.equal(userinfo.status, 401);
      assert.match(userinfo.headers.get('www-authenticate') ?? '', /invalid_token/);
    });

    it('refuses resources that are malformed, unknown, not granted or not allowed, with invalid_target', async () => {
      const authError = async (resources: string[], clientId = 'web') => {
        const { result } = await codeFor(resources, 'openid', clientId);
        return result.params.get('error');
      };
      assert.equal(await authError(['not-absolute']), 'invalid_target');
      assert.equal(await authError([`${ORDERS}#frag`]), 'invalid_target');
      assert.equal(await authError(['https://unknown.example']), 'invalid_target');
      assert.equal(await authError([BILLING, 'https://unknown.example']), 'invalid_target');
      assert.equal(await authError([ORDERS], 'narrow'), 'invalid_target');
      assert.equal(await authError([BILLING], 'narrow'), null);

      // §2.2: not one of those granted at /auth; several granted and none named. (A refused code is used up, RFC 6749 §4.1.2.)
      for (const form of [{ resource: LEGACY }, { resource: 'https://unknown.example' }, {}] as Record<string, string>[]) {
        const { verifier, result } = await codeFor([ORDERS, BILLING]);
        const response = await postToken(server.url, {
          grant_type: 'authorization_code',
          code: result.code!,
          redirect_uri: WEB.redirect_uris[0],
          client_id: 'web',
          client_secret: SECRET,
          code_verifier: verifier,
          ...form,
        });
        assert.equal(response.status, 400);
        assert.equal(response.body.error, 'invalid_target', JSON.stringify(form));
      }

      // client_credentials: one resource, allowed ones only.
      const cc = (resource: string) =>
        postToken(server.url, {
          grant_type: 'client_credentials',
          client_id: 'web',
          client_secret: SECRET,
          scope: 'orders:read',
          resource,
        });
      assert.equal((await cc('https://unknown.example')).body.error, 'invalid_target');
      const ordersToken = await cc(ORDERS);
      assert.equal(ordersToken.status, 200);
      assert.equal(ordersToken.body.scope, 'orders:read');
      // A resource's scope is not put in a token for another audience.
      const legacy = await cc(LEGACY);
      assert.equal(legacy.status, 200);
      assert.equal(legacy.body.scope, undefined);
    });
  });
}

describe('registered resources in the config', () => {
  const load = (resources: unknown, env: Record<string, string> = {}) =>
    loadConfig({ env, overrides: { secret: 'x'.repeat(32), accessTokens: { resources } } });
  it('accepts URIs and objects, from the file or an env var holding JSON', () => {
    assert.deepEqual(load([ORDERS, { identifier: BILLING, scopes: ['openid'] }]).accessTokens.resources, [
      ORDERS,
      { identifier: BILLING, scopes: ['openid'] },
    ]);
    const fromEnv = loadConfig({
      env: {
        TESSERA_SECRET: 'x'.repeat(32),
        TESSERA_ACCESS_TOKENS_RESOURCES: JSON.stringify([{ identifier: ORDERS, accessTokenTtl: 60 }]),
      },
    });
    assert.deepEqual(fromEnv.accessTokens.resources, [{ identifier: ORDERS, accessTokenTtl: 60 }]);
  });
  it('stops at startup on a bad entry, naming it', () => {
    for (const [entry, why] of [
      [{ identifier: 'relative' }, /identifier must be an absolute URI/],
      [{ identifier: ORDERS, accessTokenFormat: 'paseto' }, /accessTokenFormat/],
      [{ identifier: ORDERS, accessTokenTtl: 0 }, /accessTokenTtl/],
      [{ identifier: ORDERS, scopes: ['nope'] }, /not a scope this provider offers/],
      [{ identifier: ORDERS, scope: ['openid'] }, /unknown setting scope/],
      [`${ORDERS}#x`, /without a fragment/],
    ] as const) {
      assert.throws(
        () => load([entry]),
        (err: unknown) => err instanceof ConfigError && why.test(err.message) && err.message.includes('accessTokens.resources[0]'),
      );
    }
  });
});
