import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize } from '../support/browser-less.js';
import { validateClientMetadata } from '../../src/clients/validate-client-metadata.js';
import {
  AUTHORIZE_USERS,
  clientAssertion,
  discover,
  handSignedRequestObject,
  parClients,
  parKeys,
  S256_CHALLENGE,
  VERIFIER,
  type ParKeys,
} from '../support/par-fixtures.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const pkce = { code_challenge: S256_CHALLENGE, code_challenge_method: 'S256' };
const fapiForm = { response_type: 'code', scope: 'openid', redirect_uri: 'https://fapi.example/cb', state: 'f-1', nonce: 'n-f', ...pkce };

for (const database of DATABASES) {
  describe(`FAPI 2.0 Security Profile, per client (${database})`, () => {
    let server: TestServer;
    let keys: ParKeys;
    let as: oauth.AuthorizationServer;
    const fapiApp: oauth.Client = { client_id: 'fapi-app' };
    let auth: oauth.ClientAuth;

    before(async () => {
      keys = await parKeys();
      // Codes of other clients live 10 minutes here; FAPI codes still only 60 seconds.
      server = await startTestServer({
        database,
        config: { clients: parClients(keys), users: AUTHORIZE_USERS, ttl: { authorizationCode: 600 } },
      });
      as = await discover(server.url);
      auth = oauth.PrivateKeyJwt({ key: keys.fapi.privateKey, kid: keys.fapi.kid });
    });
    after(() => server.close());

    const pushRaw = async (form: Record<string, string>) =>
      fetch(`${server.url}/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: 'fapi-app',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: await clientAssertion(keys.fapi, 'fapi-app', server.url),
          ...form,
        }),
      });
    const codeFor = async () => {
      const response = await pushRaw(fapiForm);
      assert.equal(response.status, 201);
      const { request_uri } = (await response.json()) as { request_uri: string };
      return (await authorize(server.url, { client_id: 'fapi-app', request_uri })).code!;
    };

    it('oauth4webapi, the whole FAPI 2.0 flow: PAR → /auth → /token, /userinfo and refresh, each with DPoP', async () => {
      const dpop = oauth.DPoP(fapiApp, await oauth.generateKeyPair('ES256'));
      const pushed = await oauth.processPushedAuthorizationResponse(
        as,
        fapiApp,
        await oauth.pushedAuthorizationRequest(
          as,
          fapiApp,
          auth,
          { ...fapiForm, scope: 'openid offline_access', prompt: 'consent' },
          { ...insecure, DPoP: dpop },
        ),
      );
      const result = await authorize(server.url, { client_id: 'fapi-app', request_uri: pushed.request_uri });
      assert.deepEqual(result.pages, ['login', 'consent']);
      // RFC 9207: iss in the response, which oauth4webapi checks.
      const params = oauth.validateAuthResponse(as, fapiApp, new URL(result.location), 'f-1');
      const tokens = await oauth.processAuthorizationCodeResponse(
        as,
        fapiApp,
        await oauth.authorizationCodeGrantRequest(as, fapiApp, auth, params, 'https://fapi.example/cb', VERIFIER, {
          ...insecure,
          DPoP: dpop,
        }),
        { expectedNonce: 'n-f', requireIdToken: true },
      );
      // RFC 9449 §5: a DPoP-bound access token; oauth4webapi checks token_type.
      assert.equal(tokens.token_type, 'dpop');
      assert.ok(tokens.refresh_token);
      const userinfo = await oauth.userInfoRequest(as, fapiApp, tokens.access_token, { ...insecure, DPoP: dpop });
      assert.equal(userinfo.status, 200);
      const claims = await oauth.processUserInfoResponse(as, fapiApp, oauth.getValidatedIdTokenClaims(tokens)!.sub, userinfo);
      assert.ok(claims.sub);
      const refreshed = await oauth.processRefreshTokenResponse(
        as,
        fapiApp,
        await oauth.refreshTokenGrantRequest(as, fapiApp, auth, tokens.refresh_token, { ...insecure, DPoP: dpop }),
      );
      assert.equal(refreshed.token_type, 'dpop');
    });

    it('a DPoP proof sent to /par binds the code: the token request with another key is invalid_grant (RFC 9449 §10.1)', async () => {
      const pushKey = oauth.DPoP(fapiApp, await oauth.generateKeyPair('ES256'));
      const otherKey = oauth.DPoP(fapiApp, await oauth.generateKeyPair('ES256'));
      const pushed = await oauth.processPushedAuthorizationResponse(
        as,
        fapiApp,
        await oauth.pushedAuthorizationRequest(as, fapiApp, auth, fapiForm, { ...insecure, DPoP: pushKey }),
      );
      const result = await authorize(server.url, { client_id: 'fapi-app', request_uri: pushed.request_uri });
      const params = oauth.validateAuthResponse(as, fapiApp, new URL(result.location), 'f-1');
      const response = await oauth.authorizationCodeGrantRequest(as, fapiApp, auth, params, 'https://fapi.example/cb', VERIFIER, {
        ...insecure,
        DPoP: otherKey,
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant');
    });

    it('the code of a FAPI client lives at most 60 seconds, whatever ttl.authorizationCode says', async () => {
      await codeFor();
      const rows = await server.services.db
        .selectFrom('authorization_codes')
        .select(['created_at', 'expires_at'])
        .where('client_id', '=', 'fapi-app')
        .execute();
      assert.ok(rows.length > 0);
      for (const row of rows) assert.ok(row.expires_at - row.created_at <= 60, `${row.expires_at - row.created_at}`);
    });

    it('/auth without PAR is invalid_request, sent back to the client', async () => {
      const response = await fetch(`${server.url}/auth?${new URLSearchParams({ client_id: 'fapi-app', ...fapiForm })}`, {
        redirect: 'manual',
      });
      assert.equal(response.status, 303);
      const location = new URL(response.headers.get('location')!);
      assert.equal(location.origin, 'https://fapi.example');
      assert.equal(location.searchParams.get('error'), 'invalid_request');
    });

    it('PKCE plain or no PKCE at all is invalid_request at /par', async () => {
      for (const form of [
        { ...fapiForm, code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
        { ...fapiForm, code_challenge: undefined, code_challenge_method: undefined },
      ]) {
        const response = await pushRaw(JSON.parse(JSON.stringify(form)) as Record<string, string>);
        assert.equal(response.status, 400);
        assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
      }
    });

    it('a token request without a DPoP proof is invalid_dpop_proof', async () => {
      const code = await codeFor();
      const response = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: 'https://fapi.example/cb',
          code_verifier: VERIFIER,
          client_id: 'fapi-app',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: await clientAssertion(keys.fapi, 'fapi-app', server.url),
        }),
      });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_dpop_proof');
    });

    it('a request object without nbf, or living longer than 60 minutes, is invalid_request_object', async () => {
      const now = Math.floor(Date.now() / 1000);
      const base = { iss: 'fapi-app', aud: server.url, client_id: 'fapi-app', ...fapiForm };
      for (const claims of [
        { ...base, nbf: undefined },
        { ...base, nbf: now - 100, exp: now + 3550 },
      ]) {
        const request = await handSignedRequestObject(keys.fapi.privateKey, 'fapi-key', claims);
        const response = await pushRaw({ request });
        assert.equal(response.status, 400);
        assert.equal(((await response.json()) as { error: string }).error, 'invalid_request_object');
      }
    });
  });
}

describe('FAPI 2.0 Security Profile, server-wide (fapi.profile 2.0)', () => {
  let server: TestServer;
  before(async () => {
    const keys = await parKeys();
    server = await startTestServer({ config: { clients: parClients(keys), users: AUTHORIZE_USERS, fapi: { profile: '2.0' } } });
  });
  after(() => server.close());

  const basic = `Basic ${Buffer.from('web:web-secret-web-secret-web-secret').toString('base64')}`;
  it('a client_secret_basic client is invalid_client at /par and /token, with WWW-Authenticate', async () => {
    for (const [path, form] of [
      ['/par', { response_type: 'code', scope: 'openid', redirect_uri: 'https://rp.example/cb', ...pkce }],
      ['/token', { grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://rp.example/cb' }],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: new URLSearchParams(form),
      });
      assert.equal(response.status, 401, path);
      assert.match(response.headers.get('www-authenticate')!, /^Basic /);
      assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
    }
  });
});

describe('FAPI 2.0 client registration', () => {
  const fapi = { client_id: 'f', fapi_profile: '2.0', jwks: { keys: [] }, redirect_uris: ['https://f.example/cb'] };
  it('needs private_key_jwt', () => {
    assert.throws(() => validateClientMetadata({ ...fapi, token_endpoint_auth_method: 'client_secret_basic' }), {
      error: 'invalid_client_metadata',
    });
    assert.equal(validateClientMetadata({ ...fapi, token_endpoint_auth_method: 'private_key_jwt' }).fapi_profile, '2.0');
  });
  it('needs https redirect URIs', () => {
    assert.throws(
      () => validateClientMetadata({ ...fapi, token_endpoint_auth_method: 'private_key_jwt', redirect_uris: ['http://127.0.0.1/cb'] }),
      { error: 'invalid_redirect_uri' },
    );
  });
  it('refuses unknown profiles and bad types of the new metadata', () => {
    const base = { client_id: 'c', redirect_uris: ['https://c.example/cb'] };
    assert.throws(() => validateClientMetadata({ ...base, fapi_profile: '1.0' }), { error: 'invalid_client_metadata' });
    assert.throws(() => validateClientMetadata({ ...base, require_pushed_authorization_requests: 'yes' }), {
      error: 'invalid_client_metadata',
    });
    assert.throws(() => validateClientMetadata({ ...base, request_object_signing_alg: 'none' }), { error: 'invalid_client_metadata' });
    assert.throws(() => validateClientMetadata({ ...base, authorization_signed_response_alg: 'HS256' }), {
      error: 'invalid_client_metadata',
    });
  });
});
