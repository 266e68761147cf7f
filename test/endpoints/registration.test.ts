import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { exportJWK, generateKeyPair } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { browse, DEFAULT_USER, signInWithForm } from '../support/browser-less.js';
import { issueCode } from '../support/issue-code.js';

const WEB_METADATA = {
  client_name: 'Registered web app',
  redirect_uris: ['https://rp.example.com/callback'],
  post_logout_redirect_uris: ['https://rp.example.com/signed-out'],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  logo_uri: 'https://rp.example.com/logo.png',
  policy_uri: 'https://rp.example.com/policy',
  tos_uri: 'https://rp.example.com/tos',
  contacts: ['ops@rp.example.com'],
};

async function register(server: TestServer, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/reg`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function assertError(response: Response, status: number, error: string): Promise<Record<string, unknown>> {
  assert.equal(response.status, status);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const body = (await response.json()) as Record<string, unknown>;
  assert.equal(body.error, error, String(body.error_description));
  return body;
}

for (const database of DATABASES) {
  describe(`dynamic client registration, open (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: { registration: { enabled: true, initialAccessToken: 'optional', openRegistrationsPerHour: 0 } },
      });
    });
    after(() => server.close());

    it('is advertised in discovery', async () => {
      const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(doc.registration_endpoint, `${server.url}/reg`);
    });

    it('registers a confidential client with openid-client', async () => {
      const config = await client.dynamicClientRegistration(new URL(server.url), WEB_METADATA, undefined, {
        execute: [client.allowInsecureRequests],
      });
      const metadata = config.clientMetadata();
      assert.equal(typeof metadata.client_id, 'string');
      assert.equal(typeof metadata.client_secret, 'string');
      assert.equal(metadata.client_secret_expires_at, 0);
      assert.equal(typeof metadata.client_id_issued_at, 'number');
      assert.equal(typeof metadata.registration_access_token, 'string');
      assert.equal(metadata.registration_client_uri, `${server.url}/reg/${metadata.client_id}`);
      assert.deepEqual(metadata.redirect_uris, WEB_METADATA.redirect_uris);
      assert.equal(metadata.logo_uri, WEB_METADATA.logo_uri);
      assert.equal(metadata.policy_uri, WEB_METADATA.policy_uri);
      assert.equal(metadata.tos_uri, WEB_METADATA.tos_uri);
      const stored = await server.services.clients.find(metadata.client_id);
      assert.ok(stored);
      assert.equal(stored.origin, 'registration');
      // Secrets and registration tokens are stored hashed only.
      assert.notEqual(stored.secretHash, metadata.client_secret);
      assert.ok(server.services.clients.checkSecret(stored, metadata.client_secret as string));
      assert.notEqual(stored.registrationTokenHash, metadata.registration_access_token);
    });

    it('answers 201 with no-store, ignores a chosen client_id and unknown fields', async () => {
      const response = await register(server, {
        ...WEB_METADATA,
        client_id: 'i-choose-this',
        client_secret: 'and-this',
        software_flavour: 'vanilla',
      });
      assert.equal(response.status, 201);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const body = (await response.json()) as Record<string, unknown>;
      assert.notEqual(body.client_id, 'i-choose-this');
      assert.notEqual(body.client_secret, 'and-this');
      assert.equal(body.software_flavour, undefined);
      assert.equal(await server.services.clients.find('i-choose-this'), undefined);
    });

    it('registers a public native client without a secret', async () => {
      const response = await register(server, {
        redirect_uris: ['http://127.0.0.1:49152/callback', 'com.example.app:/callback'],
        token_endpoint_auth_method: 'none',
        application_type: 'native',
      });
      assert.equal(response.status, 201);
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(body.client_secret, undefined);
      assert.equal(body.client_secret_expires_at, undefined);
      assert.equal(body.token_endpoint_auth_method, 'none');
    });

    it('registers a private_key_jwt client with jwks, and one with jwks_uri', async () => {
      const jwk = {
        kty: 'EC',
        crv: 'P-256',
        x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
        y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
        kid: 'k1',
      };
      const withJwks = await register(server, { ...WEB_METADATA, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
      assert.equal(withJwks.status, 201);
      const body = (await withJwks.json()) as Record<string, unknown>;
      assert.equal(body.client_secret, undefined);
      assert.deepEqual(body.jwks, { keys: [jwk] });
      const withUri = await register(server, {
        ...WEB_METADATA,
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://rp.example.com/jwks',
      });
      assert.equal(withUri.status, 201);
      assert.equal(((await withUri.json()) as Record<string, unknown>).jwks_uri, 'https://rp.example.com/jwks');
    });

    it('refuses a redirect URI with a fragment: invalid_redirect_uri', async () => {
      await assertError(
        await register(server, { ...WEB_METADATA, redirect_uris: ['https://rp.example.com/cb#frag'] }),
        400,
        'invalid_redirect_uri',
      );
    });

    it('refuses an http redirect URI that is not loopback: invalid_redirect_uri', async () => {
      await assertError(
        await register(server, { ...WEB_METADATA, redirect_uris: ['http://rp.example.com/cb'] }),
        400,
        'invalid_redirect_uri',
      );
    });

    const refusedSchemes = 'refuses private-use and OS-handler schemes for a web client, and non-reverse-DNS schemes for a native one';
    it(`${refusedSchemes}: invalid_redirect_uri`, async () => {
      for (const uri of ['myapp://cb', 'ms-settings:x', 'com.example.app:/cb']) {
        await assertError(
          await register(server, { ...WEB_METADATA, application_type: 'web', redirect_uris: [uri] }),
          400,
          'invalid_redirect_uri',
        );
      }
      for (const uri of ['myapp://cb', 'ms-settings:x']) {
        await assertError(
          await register(server, { ...WEB_METADATA, application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: [uri] }),
          400,
          'invalid_redirect_uri',
        );
      }
    });

    it('refuses a code client without redirect URIs: invalid_redirect_uri', async () => {
      await assertError(await register(server, { ...WEB_METADATA, redirect_uris: [] }), 400, 'invalid_redirect_uri');
    });

    it('refuses inconsistent grant and response types: invalid_client_metadata', async () => {
      await assertError(
        await register(server, { ...WEB_METADATA, grant_types: ['client_credentials'], response_types: ['code'] }),
        400,
        'invalid_client_metadata',
      );
    });

    it('refuses an unknown token endpoint auth method: invalid_client_metadata', async () => {
      await assertError(
        await register(server, { ...WEB_METADATA, token_endpoint_auth_method: 'tls_client_auth_but_made_up' }),
        400,
        'invalid_client_metadata',
      );
    });

    it('refuses private_key_jwt without keys, and jwks together with jwks_uri', async () => {
      await assertError(
        await register(server, { ...WEB_METADATA, token_endpoint_auth_method: 'private_key_jwt' }),
        400,
        'invalid_client_metadata',
      );
      await assertError(
        await register(server, {
          ...WEB_METADATA,
          token_endpoint_auth_method: 'private_key_jwt',
          jwks: { keys: [] },
          jwks_uri: 'https://rp.example.com/jwks',
        }),
        400,
        'invalid_client_metadata',
      );
    });

    it('refuses protections it does not implement instead of dropping them', async () => {
      await assertError(
        await register(server, { ...WEB_METADATA, id_token_encrypted_response_alg: 'RSA-OAEP' }),
        400,
        'invalid_client_metadata',
      );
      await assertError(await register(server, { ...WEB_METADATA, subject_type: 'ephemeral' }), 400, 'invalid_client_metadata');
    });

    it('refuses URLs the server would call over plain http (no requests to local services)', async () => {
      await assertError(
        await register(server, { ...WEB_METADATA, backchannel_logout_uri: 'http://127.0.0.1:8080/logout' }),
        400,
        'invalid_client_metadata',
      );
      await assertError(
        await register(server, { ...WEB_METADATA, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://localhost/jwks' }),
        400,
        'invalid_client_metadata',
      );
      const ok = await register(server, {
        ...WEB_METADATA,
        backchannel_logout_uri: 'https://rp.example.com/logout',
        backchannel_logout_session_required: true,
      });
      assert.equal(ok.status, 201);
      const body = (await ok.json()) as Record<string, unknown>;
      assert.equal(body.backchannel_logout_uri, 'https://rp.example.com/logout');
      assert.equal(body.backchannel_logout_session_required, true);
    });

    it('refuses a body that is not application/json, and bad JSON', async () => {
      const form = await fetch(`${server.url}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'redirect_uris=https://rp.example.com/cb',
      });
      await assertError(form, 400, 'invalid_request');
      const text = await fetch(`${server.url}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify(WEB_METADATA),
      });
      await assertError(text, 400, 'invalid_request');
      await assertError(await register(server, '{"redirect_uris": ['), 400, 'invalid_client_metadata');
      await assertError(await register(server, '["not", "an", "object"]'), 400, 'invalid_client_metadata');
    });

    it('refuses a presented initial access token that is not valid, even when registration is open', async () => {
      const body = await assertError(
        await register(server, WEB_METADATA, { authorization: 'Bearer not-a-real-token' }),
        401,
        'invalid_token',
      );
      assert.ok(body.error_description);
    });

    describe('client configuration endpoint (RFC 7592)', () => {
      let registered: Record<string, unknown>;
      const manage = (method: string, token: string, body?: unknown) =>
        fetch(registered.registration_client_uri as string, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });

      before(async () => {
        registered = (await (await register(server, WEB_METADATA)).json()) as Record<string, unknown>;
      });

      it('reads the registration with the registration access token', async () => {
        const response = await manage('GET', registered.registration_access_token as string);
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('cache-control'), 'no-store');
        const body = (await response.json()) as Record<string, unknown>;
        assert.equal(body.client_id, registered.client_id);
        assert.deepEqual(body.redirect_uris, WEB_METADATA.redirect_uris);
        assert.equal(body.registration_access_token, registered.registration_access_token);
        assert.equal(body.registration_client_uri, registered.registration_client_uri);
        assert.equal(body.client_secret_expires_at, 0);
      });

      it('answers 401 invalid_token for a wrong, missing or other client token', async () => {
        const wrong = await manage('GET', 'wrong-token');
        await assertError(wrong, 401, 'invalid_token');
        assert.match(wrong.headers.get('www-authenticate') ?? '', /^Bearer /);
        await assertError(await fetch(registered.registration_client_uri as string), 401, 'invalid_token');
        const other = (await (await register(server, WEB_METADATA)).json()) as Record<string, unknown>;
        await assertError(await manage('GET', other.registration_access_token as string), 401, 'invalid_token');
        // A client that was not registered dynamically has no registration access token.
        await server.services.clients.save({ client_id: 'configured', redirect_uris: ['https://c.example.com/cb'] }, 'config');
        const configured = await fetch(`${server.url}/reg/configured`, { headers: { authorization: 'Bearer anything' } });
        await assertError(configured, 401, 'invalid_token');
      });

      it('replaces the metadata on PUT, keeping the secret', async () => {
        const token = registered.registration_access_token as string;
        const update = {
          client_id: registered.client_id,
          redirect_uris: ['https://rp.example.com/new-callback'],
          token_endpoint_auth_method: 'client_secret_basic',
          client_secret: registered.client_secret,
        };
        const response = await manage('PUT', token, update);
        assert.equal(response.status, 200);
        const body = (await response.json()) as Record<string, unknown>;
        assert.deepEqual(body.redirect_uris, ['https://rp.example.com/new-callback']);
        // RFC 7592 §2.2: omitted fields are removed.
        assert.equal(body.logo_uri, undefined);
        assert.deepEqual(body.post_logout_redirect_uris, []);
        assert.equal(body.client_secret, undefined);
        const stored = await server.services.clients.find(registered.client_id as string);
        assert.ok(stored && server.services.clients.checkSecret(stored, registered.client_secret as string));
      });

      it('refuses an update with another client_id, a wrong secret, server-managed fields or bad metadata', async () => {
        const token = registered.registration_access_token as string;
        const base = { client_id: registered.client_id, redirect_uris: ['https://rp.example.com/cb'] };
        await assertError(await manage('PUT', token, { ...base, client_id: 'someone-else' }), 400, 'invalid_request');
        await assertError(await manage('PUT', token, { redirect_uris: base.redirect_uris }), 400, 'invalid_request');
        await assertError(await manage('PUT', token, { ...base, client_secret: 'not-the-secret' }), 400, 'invalid_request');
        await assertError(await manage('PUT', token, { ...base, registration_access_token: token }), 400, 'invalid_client_metadata');
        await assertError(
          await manage('PUT', token, { ...base, redirect_uris: ['https://rp.example.com/cb#x'] }),
          400,
          'invalid_redirect_uri',
        );
        await assertError(await manage('PUT', 'wrong', base), 401, 'invalid_token');
      });

      it('deletes the registration: 204, then the client and its token are gone', async () => {
        const token = registered.registration_access_token as string;
        const clientId = registered.client_id as string;
        const response = await manage('DELETE', token);
        assert.equal(response.status, 204);
        assert.equal(await response.text(), '');
        assert.equal(await server.services.clients.find(clientId), undefined);
        await assertError(await manage('GET', token), 401, 'invalid_token');
        // The client can no longer authenticate at the token endpoint.
        const tokenResponse = await fetch(`${server.url}/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${clientId}:${registered.client_secret as string}`).toString('base64')}`,
          },
          body: 'grant_type=refresh_token&refresh_token=x',
        });
        await assertError(tokenResponse, 401, 'invalid_client');
      });
    });
  });

  describe(`registered clients at work (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: { users: [DEFAULT_USER], registration: { initialAccessToken: 'optional', openRegistrationsPerHour: 0 } },
      });
    });
    after(() => server.close());

    it('shows the registered logo, policy and terms on the consent page', async () => {
      const registered = (await (await register(server, WEB_METADATA)).json()) as Record<string, string>;
      const { jar } = await signInWithForm(server.url);
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: registered.client_id,
        redirect_uri: WEB_METADATA.redirect_uris[0],
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      });
      let response = await browse(jar, `${server.url}/auth?${query}`);
      for (let hop = 0; hop < 3 && response.status === 303; hop++)
        response = await browse(jar, new URL(response.headers.get('location')!, server.url).href);
      const page = await response.text();
      assert.match(page, /name="decision"/, 'the consent page');
      assert.ok(page.includes(`src="${WEB_METADATA.logo_uri}"`));
      assert.ok(page.includes(`href="${WEB_METADATA.policy_uri}"`));
      assert.ok(page.includes(`href="${WEB_METADATA.tos_uri}"`));
      assert.ok(page.includes(WEB_METADATA.client_name));
    });

    it('a private_key_jwt client registered with its jwks gets tokens with openid-client', async () => {
      const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'rp-key-1', alg: 'ES256', use: 'sig' };
      const config = await client.dynamicClientRegistration(
        new URL(server.url),
        { grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } },
        client.PrivateKeyJwt({ key: privateKey, kid: 'rp-key-1' }),
        { execute: [client.allowInsecureRequests] },
      );
      assert.equal(config.clientMetadata().client_secret, undefined);
      const tokens = await client.clientCredentialsGrant(config);
      assert.equal(typeof tokens.access_token, 'string');
    });

    it('deleting the registration revokes the grants and tokens the client had', async () => {
      const response = await register(server, {
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      });
      const registered = (await response.json()) as Record<string, string>;
      const tokenResponse = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: registered.client_id,
          client_secret: registered.client_secret,
        }),
      });
      assert.equal(tokenResponse.status, 200);
      const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };
      assert.ok(await server.services.accessTokens.verify(accessToken));
      await issueCode(server.services, registered.client_id, 'u1', { grantId: 'grant-of-deleted' });

      const deleted = await fetch(registered.registration_client_uri, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${registered.registration_access_token}` },
      });
      assert.equal(deleted.status, 204);
      assert.equal(await server.services.accessTokens.verify(accessToken), undefined);
      assert.notEqual((await server.services.grantsStore.find('grant-of-deleted'))?.revokedAt, null);
    });
  });

  describe(`dynamic client registration with initial access tokens (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database });
    });
    after(() => server.close());

    it('requires an initial access token by default outside dev mode', async () => {
      assert.equal(server.services.config.registration.initialAccessToken, 'required');
      const response = await register(server, WEB_METADATA);
      await assertError(response, 401, 'invalid_token');
      assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer /);
      await assertError(await register(server, WEB_METADATA, { authorization: 'Bearer made-up' }), 401, 'invalid_token');
      await assertError(await register(server, WEB_METADATA, { authorization: 'Basic Zm9vOmJhcg==' }), 401, 'invalid_token');
    });

    it('registers with a valid token through openid-client', async () => {
      const { token } = await server.services.initialAccessTokens.issue({ expiresIn: 3600 });
      const config = await client.dynamicClientRegistration(new URL(server.url), WEB_METADATA, undefined, {
        execute: [client.allowInsecureRequests],
        initialAccessToken: token,
      });
      assert.equal(typeof config.clientMetadata().registration_access_token, 'string');
    });

    it('refuses an expired token', async () => {
      const { token } = await server.services.initialAccessTokens.issue({ expiresIn: 1 });
      // Expire it without waiting: move its expiry into the past.
      await server.services.db.updateTable('initial_access_tokens').set({ expires_at: 1 }).execute();
      await assertError(await register(server, WEB_METADATA, { authorization: `Bearer ${token}` }), 401, 'invalid_token');
    });
  });

  describe(`open registration limits (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: { registration: { initialAccessToken: 'optional', openRegistrationsPerHour: 2 } },
      });
    });
    after(() => server.close());

    it('answers 429 with Retry-After past the hourly limit per address, but not to invited callers', async () => {
      assert.equal((await register(server, WEB_METADATA)).status, 201);
      assert.equal((await register(server, WEB_METADATA)).status, 201);
      const limited = await register(server, WEB_METADATA);
      await assertError(limited, 429, 'invalid_request');
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      const { token } = await server.services.initialAccessTokens.issue();
      assert.equal((await register(server, WEB_METADATA, { authorization: `Bearer ${token}` })).status, 201);
    });
  });

  describe(`registration disabled (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { registration: { enabled: false } } });
    });
    after(() => server.close());

    it('is neither served nor advertised', async () => {
      const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      assert.equal(doc.registration_endpoint, undefined);
      assert.equal((await register(server, WEB_METADATA)).status, 404);
    });
  });
}
