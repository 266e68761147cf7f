import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, browse, CookieJar, parseForms } from '../support/browser-less.js';
import { AUTHORIZE_CLIENTS, AUTHORIZE_USERS, webRequest } from '../support/authorize-fixtures.js';
import { authUrl, getUserinfo, redeem } from '../support/security-flows.js';

// Security review findings 6, 9 and 10: what an id_token_hint may do, and what it may not.
for (const database of DATABASES) {
  describe(`id_token_hint (${database})`, () => {
    let server: TestServer;
    /** Alice's real tokens, from a real sign-in of the `web` client. */
    let alice: { access_token: string; id_token?: string };
    before(async () => {
      server = await startTestServer({ database, config: { clients: AUTHORIZE_CLIENTS, users: AUTHORIZE_USERS } });
      const signedIn = await authorize(server.url, webRequest());
      alice = await redeem(server.url, signedIn.code!);
    });
    after(() => server.close());

    describe('finding 6: an access token is never taken for an ID token', () => {
      it('at /auth: an access token as id_token_hint is invalid_request', async () => {
        const response = await fetch(authUrl(server.url, { id_token_hint: alice.access_token }), { redirect: 'manual' });
        const location = new URL(response.headers.get('location')!);
        assert.equal(location.origin + location.pathname, 'https://rp.example/cb');
        assert.equal(location.searchParams.get('error'), 'invalid_request');
      });

      it('at /session/end: an access token as id_token_hint is a 400 page, and the session stays', async () => {
        const { jar } = await authorize(server.url, webRequest());
        const response = await browse(jar, `${server.url}/session/end?${new URLSearchParams({ id_token_hint: alice.access_token })}`);
        assert.equal(response.status, 400);
        assert.equal(response.headers.get('location'), null);
        const again = await authorize(server.url, webRequest({ prompt: 'none' }), { jar });
        assert.ok(again.code, 'still signed in');
      });

      it('a logout token, or any other typed JWT of ours, is no ID token either', async () => {
        const key = server.services.keys.signingKey('RS256');
        const { sub } = JSON.parse(Buffer.from(alice.id_token!.split('.')[1], 'base64url').toString()) as { sub: string };
        for (const typ of ['logout+jwt', 'at+jwt', 'application/at+jwt', 'token-introspection+jwt']) {
          const token = await new SignJWT({ sub, aud: 'web', events: {} })
            .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ })
            .setIssuer(server.url)
            .setIssuedAt()
            .setExpirationTime('5m')
            .sign(key.privateKey);
          const response = await fetch(authUrl(server.url, { id_token_hint: token }), { redirect: 'manual' });
          assert.equal(new URL(response.headers.get('location')!).searchParams.get('error'), 'invalid_request', typ);
        }
      });

      it('the other way round: an ID token is no access token at /userinfo', async () => {
        const answer = await getUserinfo(server.url, alice.id_token!);
        assert.equal(answer.status, 401);
        assert.match(answer.wwwAuthenticate ?? '', /error="invalid_token"/);
      });
    });

    describe("finding 9: an id_token_hint never puts the user's login name into a URL", () => {
      it('from a fresh browser, the sign-in page URL and form carry no login name', async () => {
        const jar = new CookieJar();
        const response = await browse(jar, authUrl(server.url, { id_token_hint: alice.id_token }));
        assert.equal(response.status, 303);
        const login = new URL(response.headers.get('location')!);
        assert.equal(login.pathname, '/login');
        assert.equal(login.searchParams.get('login_hint'), null);
        assert.ok(!login.toString().includes('alice'), login.toString());
        const page = await browse(jar, login.toString());
        assert.equal(parseForms(await page.text())[0].fields.login ?? '', '');
      });

      it("with another user's session, the sign-in page URL carries no login name either", async () => {
        const bob = await authorize(server.url, webRequest(), { username: 'bob', password: AUTHORIZE_USERS[1].password });
        const response = await browse(bob.jar, authUrl(server.url, { id_token_hint: alice.id_token }));
        const login = new URL(response.headers.get('location')!);
        assert.equal(login.pathname, '/login');
        assert.ok(!login.toString().includes('alice'), login.toString());
      });

      it("the client's own login_hint still prefills", async () => {
        const response = await fetch(authUrl(server.url, { id_token_hint: alice.id_token, login_hint: 'alice' }), { redirect: 'manual' });
        assert.equal(new URL(response.headers.get('location')!).searchParams.get('login_hint'), 'alice');
      });
    });

    describe('finding 10: id_token_hint naming A, then a sign-in as B', () => {
      it('from a fresh browser: login_required at the redirect URI, no code for B', async () => {
        const result = await authorize(server.url, webRequest({ id_token_hint: alice.id_token }), {
          username: 'bob',
          password: AUTHORIZE_USERS[1].password,
        });
        assert.deepEqual(result.pages, ['login']);
        assert.equal(result.code, undefined);
        assert.equal(result.error, 'login_required');
        assert.equal(result.state, 'state-123');
        assert.equal(result.iss, server.url);
        assert.ok(result.location.startsWith('https://rp.example/cb?'));
      });

      it("with B's session, B signing in again: login_required", async () => {
        const bob = await authorize(server.url, webRequest(), { username: 'bob', password: AUTHORIZE_USERS[1].password });
        const result = await authorize(server.url, webRequest({ id_token_hint: alice.id_token }), {
          jar: bob.jar,
          username: 'bob',
          password: AUTHORIZE_USERS[1].password,
        });
        assert.deepEqual(result.pages, ['login']);
        assert.equal(result.error, 'login_required');
        assert.equal(result.code, undefined);
      });

      it('signing in as A answers with a code for A', async () => {
        const result = await authorize(server.url, webRequest({ id_token_hint: alice.id_token }));
        assert.ok(result.code);
        const tokens = await redeem(server.url, result.code);
        const hinted = JSON.parse(Buffer.from(alice.id_token!.split('.')[1], 'base64url').toString()) as { sub: string };
        const issued = JSON.parse(Buffer.from(tokens.id_token!.split('.')[1], 'base64url').toString()) as { sub: string };
        assert.equal(issued.sub, hinted.sub);
      });
    });

    describe('claims.id_token.sub.value names the user (OIDC Core §5.5.1, a MUST)', () => {
      const subOf = (idToken: string) => (JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString()) as { sub: string }).sub;
      const asking = (sub: unknown, extra: Record<string, string> = {}) =>
        webRequest({ claims: JSON.stringify({ id_token: { sub: { value: sub } } }), ...extra });

      it('naming A, then a sign-in as B: login_required, no code for B', async () => {
        const result = await authorize(server.url, asking(subOf(alice.id_token!)), {
          username: 'bob',
          password: AUTHORIZE_USERS[1].password,
        });
        assert.equal(result.code, undefined);
        assert.equal(result.error, 'login_required');
      });

      it("naming A with B's session and prompt=none: login_required", async () => {
        const bob = await authorize(server.url, webRequest(), { username: 'bob', password: AUTHORIZE_USERS[1].password });
        const result = await authorize(server.url, asking(subOf(alice.id_token!), { prompt: 'none' }), { jar: bob.jar });
        assert.equal(result.code, undefined);
        assert.equal(result.error, 'login_required');
      });

      it('naming A, signing in as A: a code whose ID token is for A', async () => {
        const result = await authorize(server.url, asking(subOf(alice.id_token!)));
        assert.ok(result.code);
        const tokens = await redeem(server.url, result.code);
        assert.equal(subOf(tokens.id_token!), subOf(alice.id_token!));
      });

      it('disagreeing with id_token_hint: login_required at once; a value that is no string: invalid_request', async () => {
        const both = await fetch(
          authUrl(server.url, { id_token_hint: alice.id_token!, claims: JSON.stringify({ id_token: { sub: { value: 'someone-else' } } }) }),
          {
            redirect: 'manual',
          },
        );
        assert.equal(new URL(both.headers.get('location')!).searchParams.get('error'), 'login_required');
        const bad = await fetch(authUrl(server.url, { claims: JSON.stringify({ id_token: { sub: { value: 42 } } }) }), {
          redirect: 'manual',
        });
        assert.equal(new URL(bad.headers.get('location')!).searchParams.get('error'), 'invalid_request');
      });
    });
  });
}
