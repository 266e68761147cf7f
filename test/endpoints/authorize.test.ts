import { after, before, describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, browse, CookieJar } from '../support/browser-less.js';
import { AUTHORIZE_CLIENTS, AUTHORIZE_USERS, S256_CHALLENGE, webRequest } from '../support/authorize-fixtures.js';
import { hashToken } from '../../src/util/hashing.js';

for (const database of DATABASES) {
  describe(`authorization endpoint: refusals shown as a page (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { clients: AUTHORIZE_CLIENTS, users: AUTHORIZE_USERS } });
    });
    after(() => server.close());

    const refusedAsPage = async (params: Record<string, string>, query?: string) => {
      const response = await fetch(`${server.url}/auth?${query ?? new URLSearchParams(params)}`, { redirect: 'manual' });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null, 'never redirected');
      assert.match(response.headers.get('content-type')!, /^text\/html/);
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
      assert.match(response.headers.get('content-security-policy')!, /frame-ancestors 'none'/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      return response.text();
    };

    it('unknown client_id', async () => {
      await refusedAsPage(webRequest({ client_id: 'nobody' }));
    });
    it('missing client_id', async () => {
      await refusedAsPage(webRequest({ client_id: undefined }));
    });
    it('repeated client_id', async () => {
      await refusedAsPage({}, `${new URLSearchParams(webRequest())}&client_id=web`);
    });
    it('unregistered redirect_uri with a suffix (no prefix match)', async () => {
      await refusedAsPage(webRequest({ redirect_uri: 'https://rp.example/cb/extra' }));
    });
    it('redirect_uri with a query added', async () => {
      await refusedAsPage(webRequest({ redirect_uri: 'https://rp.example/cb?foo=bar' }));
    });
    it('redirect_uri with a different query than registered', async () => {
      await refusedAsPage(webRequest({ redirect_uri: 'https://rp.example/cb2?foo=bar' }));
    });
    it('redirect_uri differing in case', async () => {
      await refusedAsPage(webRequest({ redirect_uri: 'https://RP.example/cb' }));
    });
    it('missing redirect_uri when two are registered', async () => {
      await refusedAsPage(webRequest({ redirect_uri: undefined }));
    });
    it('repeated redirect_uri', async () => {
      await refusedAsPage({}, `${new URLSearchParams(webRequest())}&redirect_uri=https%3A%2F%2Frp.example%2Fcb`);
    });
    it('a client without redirect URIs', async () => {
      await refusedAsPage(webRequest({ client_id: 'service', redirect_uri: undefined }));
    });
    it('escapes what it shows', async () => {
      const html = await refusedAsPage(webRequest({ redirect_uri: 'https://rp.example/<script>' }));
      assert.doesNotMatch(html, /<script>/);
    });
    it('a POST that is not a form', async () => {
      const response = await fetch(`${server.url}/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(webRequest()),
        redirect: 'manual',
      });
      assert.equal(response.status, 400);
      assert.equal(response.headers.get('location'), null);
    });
    it('never allows CORS', async () => {
      const response = await fetch(`${server.url}/auth?${new URLSearchParams(webRequest())}`, {
        redirect: 'manual',
        headers: { origin: 'https://evil.example' },
      });
      assert.equal(response.headers.get('access-control-allow-origin'), null);
      const preflight = await fetch(`${server.url}/auth`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    });
  });

  describe(`authorization endpoint: errors redirected to the client (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: { clients: AUTHORIZE_CLIENTS, users: AUTHORIZE_USERS, pkce: { requiredForAll: false, allowPlain: false } },
      });
    });
    after(() => server.close());

    /** Sends the request without a session and returns the error parameters of the redirect. */
    const refused = async (params: Record<string, string>, expected: string, query?: string) => {
      const response = await fetch(`${server.url}/auth?${query ?? new URLSearchParams(params)}`, { redirect: 'manual' });
      assert.equal(response.status, 303);
      const location = new URL(response.headers.get('location')!);
      const registered = params.redirect_uri ?? 'https://single.example/cb';
      assert.ok(location.toString().startsWith(registered), `${location} goes to ${registered}`);
      assert.equal(location.searchParams.get('error'), expected, location.searchParams.get('error_description') ?? '');
      assert.equal(location.searchParams.get('state'), params.state ?? null);
      assert.equal(location.searchParams.get('iss'), server.url);
      assert.equal(location.searchParams.get('code'), null);
      assert.match(location.searchParams.get('error_description')!, /^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
      return location;
    };

    it('missing response_type: invalid_request', async () => {
      await refused(webRequest({ response_type: undefined }), 'invalid_request');
    });
    it('response_type token: unsupported_response_type', async () => {
      await refused(webRequest({ response_type: 'token' }), 'unsupported_response_type');
    });
    it('response_type id_token: unsupported_response_type', async () => {
      await refused(webRequest({ response_type: 'id_token' }), 'unsupported_response_type');
    });
    it('repeated scope: invalid_request', async () => {
      await refused(webRequest(), 'invalid_request', `${new URLSearchParams(webRequest())}&scope=email`);
    });
    it('repeated state: invalid_request without the ambiguous state', async () => {
      const response = await fetch(`${server.url}/auth?${new URLSearchParams(webRequest())}&state=other`, { redirect: 'manual' });
      const location = new URL(response.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.equal(location.searchParams.get('state'), null);
    });
    it('unsigned request object (alg none): invalid_request_object', async () => {
      await refused(webRequest({ request: 'eyJhbGciOiJub25lIn0.e30.' }), 'invalid_request_object');
    });
    it('request_uri parameter: request_uri_not_supported', async () => {
      await refused(webRequest({ request_uri: 'https://rp.example/req.jwt' }), 'request_uri_not_supported');
    });
    it('missing scope: invalid_scope', async () => {
      await refused(webRequest({ scope: undefined }), 'invalid_scope');
    });
    it('only unknown scopes: invalid_scope', async () => {
      await refused(webRequest({ scope: 'foo bar' }), 'invalid_scope');
    });
    it('only scopes the client may not have: invalid_scope', async () => {
      await refused(
        webRequest({ client_id: 'limited', redirect_uri: 'https://limited.example/cb', scope: 'profile phone' }),
        'invalid_scope',
      );
    });
    it('unsupported prompt value: invalid_request', async () => {
      await refused(webRequest({ prompt: 'bogus' }), 'invalid_request');
    });
    it('prompt=none with another value: invalid_request', async () => {
      await refused(webRequest({ prompt: 'none login' }), 'invalid_request');
    });
    it('negative or non-numeric max_age: invalid_request', async () => {
      await refused(webRequest({ max_age: '-1' }), 'invalid_request');
      await refused(webRequest({ max_age: 'soon' }), 'invalid_request');
    });
    it('claims that are not a JSON object: invalid_request', async () => {
      await refused(webRequest({ claims: 'not json' }), 'invalid_request');
      await refused(webRequest({ claims: '[1]' }), 'invalid_request');
      await refused(webRequest({ claims: '{"userinfo":[]}' }), 'invalid_request');
    });
    it('resource that is not an absolute URI: invalid_target', async () => {
      await refused(webRequest({ resource: 'api' }), 'invalid_target');
      await refused(webRequest({ resource: 'https://api.example/#x' }), 'invalid_target');
    });
    it('bad id_token_hint: invalid_request', async () => {
      await refused(webRequest({ id_token_hint: 'not.a.jwt' }), 'invalid_request');
    });
    it('unknown response_mode: invalid_request', async () => {
      await refused(webRequest({ response_mode: 'web_message' }), 'invalid_request');
    });
    it('a client not registered for the code flow: unauthorized_client', async () => {
      await server.services.clients.save(
        {
          client_id: 'cc-with-uri',
          client_secret: 'x'.repeat(32),
          redirect_uris: ['https://cc.example/cb'],
          grant_types: ['client_credentials'],
          response_types: [],
          token_endpoint_auth_method: 'client_secret_basic',
        },
        'test',
      );
      await refused(webRequest({ client_id: 'cc-with-uri', redirect_uri: 'https://cc.example/cb' }), 'unauthorized_client');
    });
    it('prompt=none without a session: login_required, no page', async () => {
      await refused(webRequest({ prompt: 'none', state: 'x'.repeat(128) }), 'login_required');
    });
    it('omitted redirect_uri with one registered: the error goes to that one', async () => {
      await refused({ response_type: 'code', client_id: 'single', scope: 'bogus', state: 's' }, 'invalid_scope');
    });
    it('keeps the registered query of the redirect URI', async () => {
      const location = await refused(webRequest({ redirect_uri: 'https://rp.example/cb2?bar=foo', scope: 'nothing' }), 'invalid_scope');
      assert.equal(location.searchParams.get('bar'), 'foo');
    });
    it('fragment response mode puts the error in the fragment', async () => {
      const response = await fetch(
        `${server.url}/auth?${new URLSearchParams(webRequest({ response_mode: 'fragment', scope: 'nothing' }))}`,
        { redirect: 'manual' },
      );
      const location = new URL(response.headers.get('location')!);
      assert.equal(location.search, '');
      const fragment = new URLSearchParams(location.hash.slice(1));
      assert.equal(fragment.get('error'), 'invalid_scope');
      assert.equal(fragment.get('iss'), server.url);
      assert.equal(fragment.get('state'), 'state-123');
    });
    it('form_post response mode posts the error with an auto-submitting form that also works without script', async () => {
      const response = await fetch(
        `${server.url}/auth?${new URLSearchParams(webRequest({ response_mode: 'form_post', scope: 'nothing' }))}`,
        { redirect: 'manual' },
      );
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('location'), null);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const csp = response.headers.get('content-security-policy')!;
      assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
      assert.match(csp, /frame-ancestors 'none'/);
      const html = await response.text();
      assert.match(html, /<form method="post" action="https:\/\/rp.example\/cb" id="form-post">/);
      assert.match(html, /<input type="hidden" name="error" value="invalid_scope">/);
      assert.match(html, /<input type="hidden" name="state" value="state-123">/);
      assert.ok(html.includes(`<input type="hidden" name="iss" value="${server.url}">`));
      assert.match(html, /<button type="submit">Continue<\/button>/);
      assert.match(html, /<script>document.getElementById\("form-post"\).submit\(\);<\/script>/);
      const script = /<script>([^<]*)<\/script>/.exec(html)![1];
      assert.ok(csp.includes(`script-src 'sha256-${createHash('sha256').update(script).digest('base64')}'`), csp);
    });

    // RFC 7636 rows of the conformance catalogue.
    it('PKCE: public client without code_challenge: invalid_request', async () => {
      await refused(webRequest({ client_id: 'spa', redirect_uri: 'https://spa.example/cb' }), 'invalid_request');
    });
    it('PKCE: client with require_pkce without code_challenge: invalid_request', async () => {
      await refused(webRequest({ client_id: 'strict', redirect_uri: 'https://strict.example/cb' }), 'invalid_request');
    });
    it('PKCE: unknown code_challenge_method: invalid_request', async () => {
      await refused(webRequest({ code_challenge: S256_CHALLENGE, code_challenge_method: 'S512' }), 'invalid_request');
    });
    it('PKCE: plain refused when the setting turns it off', async () => {
      await refused(webRequest({ code_challenge: S256_CHALLENGE, code_challenge_method: 'plain' }), 'invalid_request');
    });
    it('PKCE: a challenge without a method means plain, refused here', async () => {
      await refused(webRequest({ code_challenge: S256_CHALLENGE }), 'invalid_request');
    });
    it('PKCE: a method without a challenge: invalid_request', async () => {
      await refused(webRequest({ code_challenge_method: 'S256' }), 'invalid_request');
    });
    it('PKCE: a challenge of the wrong shape: invalid_request', async () => {
      await refused(webRequest({ code_challenge: 'short', code_challenge_method: 'S256' }), 'invalid_request');
      await refused(webRequest({ code_challenge: 'a'.repeat(129), code_challenge_method: 'S256' }), 'invalid_request');
      await refused(webRequest({ code_challenge: `${'a'.repeat(42)}+`, code_challenge_method: 'S256' }), 'invalid_request');
    });
    it('PKCE: a valid S256 challenge goes on to sign-in', async () => {
      const query = new URLSearchParams(
        webRequest({
          client_id: 'spa',
          redirect_uri: 'https://spa.example/cb',
          code_challenge: S256_CHALLENGE,
          code_challenge_method: 'S256',
        }),
      );
      const response = await fetch(`${server.url}/auth?${query}`, { redirect: 'manual' });
      assert.equal(response.status, 303);
      assert.ok(response.headers.get('location')!.startsWith(`${server.url}/login?`));
    });
  });

  describe(`authorization endpoint: who may use PKCE plain, with the default settings (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { clients: AUTHORIZE_CLIENTS, users: AUTHORIZE_USERS } });
    });
    after(() => server.close());

    const answer = async (params: Record<string, string>) =>
      new URL((await fetch(`${server.url}/auth?${new URLSearchParams(params)}`, { redirect: 'manual' })).headers.get('location')!);
    const assertRefused = async (params: Record<string, string>, description: RegExp) => {
      const location = await answer(params);
      assert.equal(location.origin + location.pathname, params.redirect_uri, 'the error goes back to the client');
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.match(location.searchParams.get('error_description')!, description);
    };
    const goesToSignIn = async (params: Record<string, string>) => assert.equal((await answer(params)).pathname, '/login');
    const spa = { client_id: 'spa', redirect_uri: 'https://spa.example/cb' };
    const s256 = { client_id: 's256', redirect_uri: 'https://s256.example/cb' };
    const challenge = 'a'.repeat(43);

    it('a public client sending a challenge without a method (plain, RFC 7636 §4.3) is refused with a clear error', async () => {
      await assertRefused(webRequest({ ...spa, code_challenge: challenge }), /code_challenge_method is missing, which means plain/);
      await assertRefused(webRequest({ ...spa, code_challenge: challenge, code_challenge_method: 'plain' }), /plain is not allowed/);
      await goesToSignIn(webRequest({ ...spa, code_challenge: S256_CHALLENGE, code_challenge_method: 'S256' }));
    });

    it('a confidential client may still use plain, as the walkthrough does', async () => {
      await goesToSignIn(webRequest({ code_challenge: challenge }));
      await goesToSignIn(webRequest({ code_challenge: challenge, code_challenge_method: 'plain' }));
    });

    it('a client registered with require_pkce_s256 must send an S256 challenge', async () => {
      await assertRefused(webRequest({ ...s256 }), /PKCE is required/);
      await assertRefused(webRequest({ ...s256, code_challenge: challenge }), /missing, which means plain/);
      await assertRefused(webRequest({ ...s256, code_challenge: challenge, code_challenge_method: 'plain' }), /plain is not allowed/);
      await goesToSignIn(webRequest({ ...s256, code_challenge: S256_CHALLENGE, code_challenge_method: 'S256' }));
    });
  });

  describe(`authorization endpoint: codes (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({
        database,
        config: { clients: AUTHORIZE_CLIENTS, users: AUTHORIZE_USERS, accessTokens: { resources: ['https://api.example/'] } },
      });
    });
    after(() => server.close());

    const codeRow = (code: string) =>
      server.services.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', hashToken(code)).executeTakeFirstOrThrow();

    it('signs in, consents and returns code, state and iss; stores the code hashed with the request bound to it', async () => {
      const claims = JSON.stringify({ userinfo: { name: { essential: true } } });
      const result = await authorize(
        server.url,
        webRequest({
          extra: 'ignored-unknown-parameter',
          claims,
          resource: 'https://api.example/',
          code_challenge: S256_CHALLENGE,
          code_challenge_method: 'S256',
          display: 'popup',
          ui_locales: 'fr en',
          acr_values: '1 2',
          claims_locales: 'se',
          login_hint: 'alice',
        }),
      );
      assert.deepEqual(result.pages, ['login', 'consent']);
      assert.ok(result.location.startsWith('https://rp.example/cb?'));
      assert.ok(result.code && result.code.length >= 43);
      assert.equal(result.state, 'state-123');
      assert.equal(result.iss, server.url);
      assert.deepEqual([...result.params.keys()].sort(), ['code', 'iss', 'state']);
      const row = await codeRow(result.code);
      const user = await server.services.users.findByUsername('alice');
      assert.equal(row.client_id, 'web');
      assert.equal(row.user_id, user!.id);
      assert.equal(row.redirect_uri, 'https://rp.example/cb');
      assert.equal(row.scope, 'openid profile');
      assert.equal(row.nonce, 'nonce-456');
      assert.equal(row.code_challenge, S256_CHALLENGE);
      assert.equal(row.code_challenge_method, 'S256');
      assert.deepEqual(JSON.parse(row.claims!), JSON.parse(claims));
      assert.equal(row.resource, 'https://api.example/');
      assert.equal(row.amr, '["pwd"]');
      assert.equal(row.consumed_at, null);
      assert.equal(row.expires_at - row.created_at, server.services.config.ttl.authorizationCode);
      const grant = await server.services.grantsStore.find(row.grant_id);
      assert.equal(grant!.scope, 'openid profile');
      assert.equal(grant!.sid, row.sid);
      assert.equal(grant!.expiresAt - grant!.createdAt, server.services.config.ttl.grant);
      assert.deepEqual(await server.services.sessions.clientsOf(row.sid!), ['web']);
      const session = await server.services.sessions.findBySid(row.sid!);
      assert.equal(session!.authTime, row.auth_time);
    });

    it('records an omitted redirect_uri as empty (allowed with exactly one registered)', async () => {
      const result = await authorize(server.url, { response_type: 'code', client_id: 'single', scope: 'openid', state: 'st' });
      assert.ok(result.location.startsWith('https://single.example/cb?'));
      assert.equal((await codeRow(result.code!)).redirect_uri, '');
    });

    it('keeps the exact redirect_uri with its query', async () => {
      const result = await authorize(server.url, webRequest({ redirect_uri: 'https://rp.example/cb2?bar=foo' }));
      const url = new URL(result.location);
      assert.equal(url.searchParams.get('bar'), 'foo');
      assert.equal((await codeRow(result.code!)).redirect_uri, 'https://rp.example/cb2?bar=foo');
    });

    it('a challenge without a method is plain (RFC 7636 §4.3)', async () => {
      const result = await authorize(server.url, webRequest({ code_challenge: S256_CHALLENGE }));
      const row = await codeRow(result.code!);
      assert.equal(row.code_challenge_method, 'plain');
    });

    it('works as a POST form (OIDC Core §3.1.2.1)', async () => {
      const jar = new CookieJar();
      await authorize(server.url, webRequest(), { jar });
      const response = await browse(jar, `${server.url}/auth`, { form: webRequest() });
      assert.equal(response.status, 303);
      const location = new URL(response.headers.get('location')!);
      assert.ok(location.searchParams.get('code'));
      assert.equal(location.searchParams.get('iss'), server.url);
    });

    it('plain OAuth without openid still gets a code', async () => {
      const result = await authorize(server.url, webRequest({ scope: 'profile', nonce: undefined }));
      assert.equal((await codeRow(result.code!)).scope, 'profile');
    });

    it('drops unknown and disallowed scopes when some remain (RFC 6749 §3.3)', async () => {
      const result = await authorize(server.url, {
        response_type: 'code',
        client_id: 'limited',
        redirect_uri: 'https://limited.example/cb',
        scope: 'openid email phone made-up',
      });
      assert.equal((await codeRow(result.code!)).scope, 'openid email');
    });

    it('drops offline_access without prompt=consent (OIDC Core §11)', async () => {
      const result = await authorize(server.url, webRequest({ scope: 'openid offline_access' }));
      assert.equal((await codeRow(result.code!)).scope, 'openid');
    });

    it('grants offline_access with prompt=consent, asking consent again even if remembered', async () => {
      const jar = new CookieJar();
      await authorize(server.url, webRequest({ scope: 'openid' }), { jar });
      const result = await authorize(server.url, webRequest({ scope: 'openid offline_access', prompt: 'consent' }), { jar });
      assert.deepEqual(result.pages, ['consent']);
      assert.equal((await codeRow(result.code!)).scope, 'openid offline_access');
    });

    it('drops offline_access for a client without the refresh_token grant even with prompt=consent', async () => {
      const result = await authorize(server.url, {
        response_type: 'code',
        client_id: 'single',
        scope: 'openid offline_access',
        prompt: 'consent',
      });
      assert.equal((await codeRow(result.code!)).scope, 'openid');
    });

    it('fragment and form_post success responses carry code, state and iss', async () => {
      const jar = new CookieJar();
      const fragment = await authorize(server.url, webRequest({ response_mode: 'fragment' }), { jar });
      assert.ok(new URL(fragment.location).hash.includes('code='));
      assert.equal(fragment.iss, server.url);
      const posted = await authorize(server.url, webRequest({ response_mode: 'form_post' }), { jar });
      assert.deepEqual(posted.pages, ['form_post']);
      assert.ok(posted.code);
      assert.equal(posted.state, 'state-123');
      assert.equal(posted.iss, server.url);
    });

    it('a request without state gets no state back', async () => {
      const result = await authorize(server.url, webRequest({ state: undefined }));
      assert.equal(result.params.has('state'), false);
      assert.ok(result.code);
    });

    it('returns long state and nonce intact', async () => {
      const state = 's'.repeat(400);
      const nonce = 'n'.repeat(384);
      const result = await authorize(server.url, webRequest({ state, nonce }));
      assert.equal(result.state, state);
      assert.equal((await codeRow(result.code!)).nonce, nonce);
    });
  });
}
