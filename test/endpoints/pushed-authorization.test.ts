import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize } from '../support/browser-less.js';
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
const WEB_BASIC = `Basic ${Buffer.from('web:web-secret-web-secret-web-secret').toString('base64')}`;
const pkce = { code_challenge: S256_CHALLENGE, code_challenge_method: 'S256' };

for (const database of DATABASES) {
  describe(`pushed authorization requests, request objects and JARM (${database})`, () => {
    let server: TestServer;
    let keys: ParKeys;
    let as: oauth.AuthorizationServer;
    const pkApp: oauth.Client = { client_id: 'pk-app' };
    let pkAuth: oauth.ClientAuth;

    before(async () => {
      keys = await parKeys();
      server = await startTestServer({ database, config: { clients: parClients(keys), users: AUTHORIZE_USERS } });
      as = await discover(server.url);
      pkAuth = oauth.PrivateKeyJwt({ key: keys.app.privateKey, kid: keys.app.kid });
    });
    after(() => server.close());

    const push = (form: Record<string, string>, headers: Record<string, string> = { authorization: WEB_BASIC }) =>
      fetch(`${server.url}/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(form),
      });
    const webForm = (extra: Record<string, string | undefined> = {}) =>
      Object.fromEntries(
        Object.entries({
          response_type: 'code',
          scope: 'openid',
          redirect_uri: 'https://rp.example/cb',
          state: 's1',
          ...pkce,
          ...extra,
        }).filter((e): e is [string, string] => e[1] !== undefined),
      );
    const pushedUri = async (form = webForm()) => ((await (await push(form)).json()) as { request_uri: string }).request_uri;
    const authGet = (params: Record<string, string>) => fetch(`${server.url}/auth?${new URLSearchParams(params)}`, { redirect: 'manual' });
    const pageError = async (response: Response) => {
      assert.equal(response.status, 400);
      return /class="error-code">([a-z_]+)</.exec(await response.text())?.[1];
    };
    const redirected = (response: Response) => {
      assert.equal(response.status, 303);
      return new URL(response.headers.get('location')!);
    };

    describe('PAR (RFC 9126)', () => {
      it('answers 201 with a one-time request_uri and its lifetime, never cached', async () => {
        const response = await push(webForm());
        assert.equal(response.status, 201);
        assert.equal(response.headers.get('cache-control'), 'no-store');
        assert.match(response.headers.get('content-type')!, /^application\/json/);
        const body = (await response.json()) as Record<string, unknown>;
        assert.deepEqual(Object.keys(body).sort(), ['expires_in', 'request_uri']);
        assert.equal(body.expires_in, 60);
        assert.match(body.request_uri as string, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
      });

      it('oauth4webapi: push with private_key_jwt, authorize with the request_uri, redeem the code', async () => {
        const pushed = await oauth.processPushedAuthorizationResponse(
          as,
          pkApp,
          await oauth.pushedAuthorizationRequest(
            as,
            pkApp,
            pkAuth,
            { response_type: 'code', scope: 'openid email', redirect_uri: 'https://pk.example/cb', state: 'st-1', nonce: 'n-1', ...pkce },
            insecure,
          ),
        );
        assert.equal(pushed.expires_in, 60);
        const result = await authorize(server.url, { client_id: 'pk-app', request_uri: pushed.request_uri });
        assert.deepEqual(result.pages, ['login', 'consent']);
        const params = oauth.validateAuthResponse(as, pkApp, new URL(result.location), 'st-1');
        const tokens = await oauth.processAuthorizationCodeResponse(
          as,
          pkApp,
          await oauth.authorizationCodeGrantRequest(as, pkApp, pkAuth, params, 'https://pk.example/cb', VERIFIER, insecure),
          { expectedNonce: 'n-1', requireIdToken: true },
        );
        assert.ok(tokens.access_token);
      });

      it('client authentication as at /token: a wrong Basic secret is 401 invalid_client with WWW-Authenticate', async () => {
        const response = await push(webForm(), { authorization: `Basic ${Buffer.from('web:wrong').toString('base64')}` });
        assert.equal(response.status, 401);
        assert.match(response.headers.get('www-authenticate')!, /^Basic /);
        assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
      });

      it('no client authentication at all: 401 invalid_client', async () => {
        const response = await push(webForm({ client_id: 'web' }), {});
        assert.equal(response.status, 401);
        assert.equal(((await response.json()) as { error: string }).error, 'invalid_client');
      });

      const refusedAtPush = async (form: Record<string, string>, error: string) => {
        const response = await push(form);
        assert.equal(response.status, 400);
        assert.equal(response.headers.get('location'), null, 'never a redirect');
        assert.equal(((await response.json()) as { error: string }).error, error);
      };
      it('the whole request is validated at push time, errors as JSON (§2.3)', async () => {
        await refusedAtPush(webForm({ redirect_uri: 'https://evil.example/cb' }), 'invalid_request');
        await refusedAtPush(webForm({ scope: 'nothing-known' }), 'invalid_scope');
        await refusedAtPush(webForm({ response_type: 'token' }), 'unsupported_response_type');
        await refusedAtPush(webForm({ code_challenge_method: 'S512' }), 'invalid_request');
        await refusedAtPush(webForm({ response_mode: 'nonsense' }), 'invalid_request');
      });
      it('request_uri inside a pushed request is invalid_request (§2.1)', async () => {
        await refusedAtPush(webForm({ request_uri: 'urn:ietf:params:oauth:request_uri:abc' }), 'invalid_request');
      });
      it('a client_id other than the authenticated client is invalid_request', async () => {
        await refusedAtPush(webForm({ client_id: 'single' }), 'invalid_request');
      });

      it('the request_uri is single use: the second /auth is invalid_request_uri', async () => {
        const requestUri = await pushedUri();
        assert.match(redirected(await authGet({ client_id: 'web', request_uri: requestUri })).pathname, /\/login$/);
        assert.equal(await pageError(await authGet({ client_id: 'web', request_uri: requestUri })), 'invalid_request_uri');
      });

      it('another client cannot use it, and the attempt does not use it up', async () => {
        const requestUri = await pushedUri();
        assert.equal(await pageError(await authGet({ client_id: 'single', request_uri: requestUri })), 'invalid_request_uri');
        assert.match(redirected(await authGet({ client_id: 'web', request_uri: requestUri })).pathname, /\/login$/);
      });

      it('an expired request_uri is invalid_request_uri', async () => {
        const requestUri = await pushedUri();
        await server.services.db.updateTable('pushed_authorization_requests').set({ expires_at: 1 }).execute();
        assert.equal(await pageError(await authGet({ client_id: 'web', request_uri: requestUri })), 'invalid_request_uri');
      });

      it('an unknown urn is invalid_request_uri; an external request_uri is request_uri_not_supported', async () => {
        assert.equal(
          await pageError(await authGet({ client_id: 'web', request_uri: 'urn:ietf:params:oauth:request_uri:made-up' })),
          'invalid_request_uri',
        );
        const location = redirected(
          await authGet({ ...webForm(), client_id: 'web', request_uri: 'https://rp.example/request.jwt' } as Record<string, string>),
        );
        assert.equal(location.searchParams.get('error'), 'request_uri_not_supported');
      });

      it('only the pushed parameters count at /auth (§4): the query cannot change redirect_uri or state', async () => {
        const requestUri = await pushedUri(webForm({ state: 'pushed-state' }));
        const result = await authorize(server.url, {
          client_id: 'web',
          request_uri: requestUri,
          redirect_uri: 'https://rp.example/cb2?bar=foo',
          state: 'evil',
          scope: 'openid email phone',
        });
        assert.ok(result.location.startsWith('https://rp.example/cb?'), result.location);
        assert.equal(result.state, 'pushed-state');
        assert.ok(result.code);
      });

      it('require_pushed_authorization_requests: /auth without PAR is invalid_request, with PAR it goes on', async () => {
        const form = { client_id: 'par-only', ...webForm({ redirect_uri: 'https://par-only.example/cb' }) };
        const location = redirected(await authGet(form));
        assert.equal(location.origin, 'https://par-only.example');
        assert.equal(location.searchParams.get('error'), 'invalid_request');
        const response = await push({ ...form, client_secret: 'par-only-secret-par-only-secret' }, {});
        assert.equal(response.status, 201);
        const { request_uri } = (await response.json()) as { request_uri: string };
        assert.match(redirected(await authGet({ client_id: 'par-only', request_uri })).pathname, /\/login$/);
      });
    });

    describe('request objects (RFC 9101)', () => {
      const objectParams = { response_type: 'code', scope: 'openid', redirect_uri: 'https://pk.example/cb', state: 'jar-state', ...pkce };

      it('oauth4webapi: a signed request object at /auth replaces the query', async () => {
        const request = await oauth.issueRequestObject(as, pkApp, objectParams, { key: keys.app.privateKey, kid: keys.app.kid });
        const result = await authorize(server.url, { client_id: 'pk-app', request, state: 'ignored', scope: 'openid phone' });
        assert.equal(result.state, 'jar-state');
        assert.ok(result.code);
      });

      it('oauth4webapi: a request object pushed to /par', async () => {
        const request = await oauth.issueRequestObject(
          as,
          pkApp,
          { ...objectParams, state: 'jar-par' },
          { key: keys.app.privateKey, kid: keys.app.kid },
        );
        const pushed = await oauth.processPushedAuthorizationResponse(
          as,
          pkApp,
          await oauth.pushedAuthorizationRequest(as, pkApp, pkAuth, { request }, insecure),
        );
        const result = await authorize(server.url, { client_id: 'pk-app', request_uri: pushed.request_uri });
        assert.equal(result.state, 'jar-par');
        assert.ok(result.code);
      });

      const claims = { iss: 'pk-app', aud: '', client_id: 'pk-app', ...objectParams };
      const refusedObject = async (request: string) => {
        // The query's registered redirect_uri is trusted, so the error goes there (RFC 9101 §6.3).
        const location = redirected(await authGet({ client_id: 'pk-app', redirect_uri: 'https://pk.example/cb', request }));
        assert.equal(location.origin, 'https://pk.example');
        assert.equal(location.searchParams.get('error'), 'invalid_request_object');
        assert.equal(location.searchParams.get('iss'), server.url);
      };
      it('a bad signature (a key the client never registered) is invalid_request_object', async () => {
        await refusedObject(await handSignedRequestObject(keys.stranger.privateKey, 'app-key', { ...claims, aud: server.url }));
      });
      it('alg none is invalid_request_object', async () => {
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const now = Math.floor(Date.now() / 1000);
        await refusedObject(`${encode({ alg: 'none' })}.${encode({ ...claims, aud: server.url, exp: now + 60 })}.`);
      });
      it('the wrong aud or iss is invalid_request_object', async () => {
        await refusedObject(await handSignedRequestObject(keys.app.privateKey, 'app-key', { ...claims, aud: 'https://other.example' }));
        await refusedObject(await handSignedRequestObject(keys.app.privateKey, 'app-key', { ...claims, aud: server.url, iss: 'web' }));
      });
      it('an expired request object, or one without exp, is invalid_request_object', async () => {
        const old = Math.floor(Date.now() / 1000) - 3600;
        await refusedObject(
          await handSignedRequestObject(keys.app.privateKey, 'app-key', { ...claims, aud: server.url, iat: old, nbf: old, exp: old + 60 }),
        );
        await refusedObject(await handSignedRequestObject(keys.app.privateKey, 'app-key', { ...claims, aud: server.url, exp: undefined }));
      });
      it('a client_id inside that differs from the request is invalid_request_object', async () => {
        await refusedObject(
          await handSignedRequestObject(keys.app.privateKey, 'app-key', { ...claims, aud: server.url, client_id: 'web' }),
        );
      });
      it('a replayed jti is invalid_request_object', async () => {
        const request = await handSignedRequestObject(keys.app.privateKey, 'app-key', { ...claims, aud: server.url, jti: 'once' });
        assert.match(redirected(await authGet({ client_id: 'pk-app', request })).pathname, /\/login$/);
        await refusedObject(request);
      });
      it('at /par a bad request object is a JSON invalid_request_object', async () => {
        const request = await handSignedRequestObject(keys.stranger.privateKey, 'app-key', { ...claims, aud: server.url });
        const assertion = await clientAssertion(keys.app, 'pk-app', server.url);
        const refused = await fetch(`${server.url}/par`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_id: 'pk-app',
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: assertion,
            request,
          }),
        });
        assert.equal(refused.status, 400);
        assert.equal(((await refused.json()) as { error: string }).error, 'invalid_request_object');
      });
      it('hostile request objects and request_uris get OAuth errors, never a 500', async () => {
        const odd = await handSignedRequestObject(keys.app.privateKey, 'app-key', {
          ...claims,
          aud: server.url,
          response_type: ['code'],
          scope: 42,
          state: { nested: true },
          claims: 'not json',
        });
        const inputs = ['not-a-jwt', 'a.b.c', 'e30.e30.', `${'x'.repeat(3000)}.y.z`, odd];
        for (const request of inputs) {
          const response = await authGet({ client_id: 'pk-app', redirect_uri: 'https://pk.example/cb', request });
          assert.ok(response.status === 303 || response.status === 400, `${response.status} for ${request.slice(0, 20)}`);
        }
        for (const requestUri of [
          'urn:ietf:params:oauth:request_uri:\u0000',
          'urn:ietf:params:oauth:request_uri:',
          'javascript:alert(1)',
        ]) {
          const response = await authGet({ client_id: 'pk-app', request_uri: requestUri });
          assert.ok(response.status === 303 || response.status === 400, `${response.status} for ${requestUri}`);
        }
      });
      it('require_signed_request_object: a plain request is invalid_request', async () => {
        const location = redirected(
          await authGet({ client_id: 'signed-only', ...objectParams, redirect_uri: 'https://signed-only.example/cb' }),
        );
        assert.equal(location.searchParams.get('error'), 'invalid_request');
      });
    });

    describe('JWT-secured authorization responses (JARM)', () => {
      const jwks = async () => createLocalJWKSet((await (await fetch(`${server.url}/jwks`)).json()) as JSONWebKeySet);

      it('oauth4webapi: response_mode=jwt through PAR, the response verified, the code redeemed', async () => {
        const pushed = await oauth.processPushedAuthorizationResponse(
          as,
          pkApp,
          await oauth.pushedAuthorizationRequest(
            as,
            pkApp,
            pkAuth,
            {
              response_type: 'code',
              response_mode: 'jwt',
              scope: 'openid',
              redirect_uri: 'https://pk.example/cb',
              state: 'jarm-1',
              ...pkce,
            },
            insecure,
          ),
        );
        const result = await authorize(server.url, { client_id: 'pk-app', request_uri: pushed.request_uri });
        const url = new URL(result.location);
        assert.deepEqual([...url.searchParams.keys()], ['response'], 'only the response JWT travels');
        const params = await oauth.validateJwtAuthResponse(as, pkApp, url, 'jarm-1', insecure);
        const tokens = await oauth.processAuthorizationCodeResponse(
          as,
          pkApp,
          await oauth.authorizationCodeGrantRequest(as, pkApp, pkAuth, params, 'https://pk.example/cb', VERIFIER, insecure),
        );
        assert.ok(tokens.access_token);
      });

      it('form_post.jwt and fragment.jwt deliver the same JWT their way', async () => {
        const form = await authorize(server.url, { client_id: 'web', ...webForm({ response_mode: 'form_post.jwt', state: 'fp' }) });
        assert.deepEqual([...form.params.keys()], ['response']);
        const { payload } = await jwtVerify(form.params.get('response')!, await jwks(), { issuer: server.url, audience: 'web' });
        assert.equal(payload.state, 'fp');
        assert.equal(typeof payload.code, 'string');
        assert.ok(payload.exp! - payload.iat! <= 600);
        const fragment = await authorize(
          server.url,
          { client_id: 'web', ...webForm({ response_mode: 'fragment.jwt' }) },
          { jar: form.jar },
        );
        assert.ok(new URL(fragment.location).hash.startsWith('#response='));
      });

      it('errors redirected to the client are JWT-secured too', async () => {
        const location = redirected(
          await authGet({ client_id: 'web', ...webForm({ response_mode: 'query.jwt', scope: 'unknown-only', state: 'e1' }) }),
        );
        const { payload, protectedHeader } = await jwtVerify(location.searchParams.get('response')!, await jwks(), {
          issuer: server.url,
          audience: 'web',
        });
        assert.equal(protectedHeader.alg, 'RS256');
        assert.equal(payload.error, 'invalid_scope');
        assert.equal(payload.state, 'e1');
        await assert.rejects(oauth.validateJwtAuthResponse(as, { client_id: 'web' }, location, 'e1', insecure), (err: unknown) => {
          assert.ok(err instanceof oauth.AuthorizationResponseError);
          assert.equal(err.error, 'invalid_scope');
          return true;
        });
      });
    });
  });
}

describe('discovery leaves out what is turned off', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { par: { enabled: false }, jarm: { enabled: false }, requestObjects: { enabled: false } } });
  });
  after(() => server.close());

  it('no PAR endpoint, no request objects, no JARM modes', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc.pushed_authorization_request_endpoint, undefined);
    assert.equal(doc.require_pushed_authorization_requests, undefined);
    assert.equal(doc.request_parameter_supported, false);
    assert.equal(doc.request_object_signing_alg_values_supported, undefined);
    assert.equal(doc.authorization_signing_alg_values_supported, undefined);
    assert.deepEqual(doc.response_modes_supported, ['query', 'fragment', 'form_post']);
    assert.equal((await fetch(`${server.url}/par`, { method: 'POST' })).status, 404);
  });
});

for (const database of DATABASES) {
  describe(`pushed authorization requests with several resources (RFC 8707) (${database})`, () => {
    const API_ONE = 'https://api-one.example';
    const API_TWO = 'https://api-two.example';
    let server: TestServer;
    before(async () => {
      const keys = await parKeys();
      server = await startTestServer({
        database,
        config: { clients: parClients(keys), users: AUTHORIZE_USERS, accessTokens: { resources: [API_ONE, API_TWO] } },
      });
    });
    after(() => server.close());

    it('takes resource more than once at /par; the token is for the granted resource its request names', async () => {
      const body = new URLSearchParams({
        response_type: 'code',
        scope: 'openid',
        redirect_uri: 'https://rp.example/cb',
        state: 's-res',
        ...pkce,
      });
      body.append('resource', API_ONE);
      body.append('resource', API_TWO);
      const pushed = await fetch(`${server.url}/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: WEB_BASIC },
        body,
      });
      assert.equal(pushed.status, 201);
      const { request_uri } = (await pushed.json()) as { request_uri: string };
      const { code } = await authorize(server.url, { client_id: 'web', request_uri });
      assert.ok(code);
      const token = await fetch(`${server.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: WEB_BASIC },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: code,
          redirect_uri: 'https://rp.example/cb',
          code_verifier: VERIFIER,
          resource: API_TWO,
        }),
      });
      assert.equal(token.status, 200);
      const { access_token } = (await token.json()) as { access_token: string };
      assert.equal(JSON.parse(Buffer.from(access_token.split('.')[1], 'base64url').toString()).aud, API_TWO);
    });

    it('refuses a repeated parameter other than resource, and an unknown resource, as JSON errors', async () => {
      const repeated = new URLSearchParams({ response_type: 'code', redirect_uri: 'https://rp.example/cb', ...pkce });
      repeated.append('scope', 'openid');
      repeated.append('scope', 'profile');
      const unknown = new URLSearchParams({ response_type: 'code', scope: 'openid', redirect_uri: 'https://rp.example/cb', ...pkce });
      unknown.append('resource', API_ONE);
      unknown.append('resource', 'https://unknown.example');
      for (const [body, error] of [
        [repeated, 'invalid_request'],
        [unknown, 'invalid_target'],
      ] as const) {
        const response = await fetch(`${server.url}/par`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: WEB_BASIC },
          body,
        });
        assert.equal(response.status, 400);
        assert.equal(((await response.json()) as { error: string }).error, error);
      }
    });
  });
}
