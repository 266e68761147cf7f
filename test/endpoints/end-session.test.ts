import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { browse, parseForms, type CookieJar } from '../support/browser-less.js';
import { issueCode } from '../support/issue-code.js';
import { RP, logoutTestConfig, promptNone, signInAndGetTokens, type SignedIn } from '../support/logout-fixtures.js';

for (const database of DATABASES) {
  describe(`RP-initiated logout (${database})`, () => {
    let server: TestServer;
    let rp: client.Configuration;
    before(async () => {
      server = await startTestServer({ database, config: logoutTestConfig() });
      rp = await client.discovery(new URL(server.url), RP.client_id, RP.client_secret, undefined, {
        execute: [client.allowInsecureRequests],
      });
    });
    after(() => server.close());

    const endSession = (jar: CookieJar, params: Record<string, string>) =>
      browse(jar, `${server.url}/session/end?${new URLSearchParams(params)}`);
    const userinfoStatus = async (token: string) =>
      (await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).status;

    /** A page of ours, never a redirect to any client URI (catalogue §10, column P). */
    const assertPage = async (response: Response, status: number): Promise<string> => {
      assert.equal(response.status, status);
      assert.equal(response.headers.get('location'), null);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      return response.text();
    };

    /** Presses a button of the confirmation page; returns the response of the form POST. */
    const confirm = async (jar: CookieJar, page: string, choice: 'yes' | 'no' = 'yes') => {
      const form = parseForms(page).find((f) => f.action.endsWith('/session/end/confirm'));
      assert.ok(form, 'a confirmation form');
      return browse(jar, form.action, { form: { ...form.fields, logout: choice } });
    };

    it('advertises the logout endpoints in discovery', () => {
      const metadata = rp.serverMetadata();
      assert.equal(metadata.end_session_endpoint, `${server.url}/session/end`);
      assert.equal(metadata.backchannel_logout_supported, true);
      assert.equal(metadata.backchannel_logout_session_supported, true);
    });

    it('logs out with an id_token_hint of the session and redirects with state (openid-client buildEndSessionUrl)', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      assert.equal(await promptNone(server.url, signedIn.jar), undefined, 'signed in: prompt=none gives a code');
      assert.equal(await userinfoStatus(signedIn.accessToken), 200);
      const url = client.buildEndSessionUrl(rp, {
        id_token_hint: signedIn.idToken,
        post_logout_redirect_uri: 'https://rp.example/bye',
        state: 'logout-state',
      });
      const response = await browse(signedIn.jar, url.href);
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), 'https://rp.example/bye?state=logout-state');
      assert.match(response.headers.getSetCookie().join('\n'), /tessera_session=;.*Max-Age=0/);
      // The session is over: prompt=none must fail, and the session's tokens stop working.
      assert.equal(await promptNone(server.url, signedIn.jar), 'login_required');
      assert.equal(await userinfoStatus(signedIn.accessToken), 401);
    });

    it('keeps the query of a registered post_logout_redirect_uri and adds state', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const response = await endSession(signedIn.jar, {
        id_token_hint: signedIn.idToken,
        post_logout_redirect_uri: 'https://rp.example/bye-with?query=kept',
        state: 'a b',
      });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), 'https://rp.example/bye-with?query=kept&state=a+b');
    });

    it('redirects without state when none is sent', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const response = await endSession(signedIn.jar, {
        id_token_hint: signedIn.idToken,
        post_logout_redirect_uri: 'https://rp.example/bye',
      });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), 'https://rp.example/bye');
    });

    it('never redirects to an unregistered post_logout_redirect_uri', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const page = await assertPage(
        await endSession(signedIn.jar, { id_token_hint: signedIn.idToken, post_logout_redirect_uri: 'https://evil.example/', state: 's' }),
        400,
      );
      assert.match(page, /post_logout_redirect_uri is not registered/);
      assert.equal(await promptNone(server.url, signedIn.jar), undefined, 'still signed in');
    });

    it('treats a query added to a registered post_logout_redirect_uri as unregistered', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      await assertPage(
        await endSession(signedIn.jar, {
          id_token_hint: signedIn.idToken,
          post_logout_redirect_uri: 'https://rp.example/bye?foo=bar',
          state: 's',
        }),
        400,
      );
    });

    it('does not trust an id_token_hint whose header was replaced by alg none', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const [, payload] = signedIn.idToken.split('.');
      const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
      const page = await assertPage(
        await endSession(signedIn.jar, { id_token_hint: unsigned, post_logout_redirect_uri: 'https://rp.example/bye', state: 's' }),
        400,
      );
      assert.match(page, /id_token_hint is not an ID token issued by this server/);
      assert.equal(await promptNone(server.url, signedIn.jar), undefined, 'still signed in');
    });

    it('does not take an access token of ours for an id_token_hint (RFC 8725 §3.11, RFC 9068 §4)', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      assert.equal(decodeProtectedHeader(signedIn.accessToken).typ, 'at+jwt');
      const page = await assertPage(
        await endSession(signedIn.jar, {
          id_token_hint: signedIn.accessToken,
          post_logout_redirect_uri: 'https://rp.example/bye',
          state: 's',
        }),
        400,
      );
      assert.match(page, /id_token_hint is not an ID token issued by this server/);
      assert.equal(await promptNone(server.url, signedIn.jar), undefined, 'still signed in');
    });

    it('does not trust an id_token_hint forged with the client secret (HS256)', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const forged = await new SignJWT({ sub: 'SubjectID' })
        .setProtectedHeader({ alg: 'HS256', kid: decodeJwtHeaderKid(signedIn.idToken) })
        .setIssuer(RP.client_id)
        .setAudience(server.url)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(RP.client_secret));
      await assertPage(
        await endSession(signedIn.jar, { id_token_hint: forged, post_logout_redirect_uri: 'https://rp.example/bye', state: 's' }),
        400,
      );
    });

    it('accepts an expired id_token_hint of ours', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const claims = decodeJwt(signedIn.idToken);
      const key = server.services.keys.signingKey('RS256');
      const expired = await new SignJWT({ ...claims, iat: 1000, exp: 2000 })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
        .sign(key.privateKey);
      const response = await endSession(signedIn.jar, {
        id_token_hint: expired,
        post_logout_redirect_uri: 'https://rp.example/bye',
        state: 's',
      });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), 'https://rp.example/bye?state=s');
    });

    it('refuses a client_id that is not the audience of the hint, and an unknown client_id', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      await assertPage(
        await endSession(signedIn.jar, {
          id_token_hint: signedIn.idToken,
          client_id: 'other-rp',
          post_logout_redirect_uri: 'https://other.example/bye',
        }),
        400,
      );
      await assertPage(await endSession(signedIn.jar, { client_id: 'nobody', post_logout_redirect_uri: 'https://rp.example/bye' }), 400);
    });

    it('without a hint or client_id asks the person and never redirects to the given URI', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const page = await assertPage(
        await endSession(signedIn.jar, { post_logout_redirect_uri: 'https://rp.example/bye', state: 's' }),
        200,
      );
      assert.match(page, /You will not be sent back to any app/);
      assert.equal(await promptNone(server.url, signedIn.jar), undefined, 'nothing happens before the person confirms');
      const done = await confirm(signedIn.jar, page);
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), `${server.url}/session/end/done`);
      assert.equal(await promptNone(server.url, signedIn.jar), 'login_required');
    });

    it('with no parameters asks, then shows the signed-out page', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const page = await assertPage(await endSession(signedIn.jar, {}), 200);
      const done = await confirm(signedIn.jar, page);
      assert.equal(done.status, 303);
      const signedOut = await assertPage(await browse(signedIn.jar, done.headers.get('location')!), 200);
      assert.match(signedOut, /You are signed out/);
      assert.equal(await promptNone(server.url, signedIn.jar), 'login_required');
      assert.equal(await userinfoStatus(signedIn.accessToken), 401);
    });

    it('with a hint and state but no post_logout_redirect_uri shows the signed-out page', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const response = await endSession(signedIn.jar, { id_token_hint: signedIn.idToken, state: 's' });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), `${server.url}/session/end/done`);
      assert.equal(await promptNone(server.url, signedIn.jar), 'login_required');
    });

    it('with only state asks, then shows the signed-out page', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const done = await confirm(signedIn.jar, await assertPage(await endSession(signedIn.jar, { state: 's' }), 200));
      assert.equal(done.headers.get('location'), `${server.url}/session/end/done`);
    });

    it('with client_id instead of a hint asks, then goes back to the registered URI with state', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const page = await assertPage(
        await endSession(signedIn.jar, { client_id: 'rp', post_logout_redirect_uri: 'https://rp.example/bye', state: 'k' }),
        200,
      );
      assert.match(page, /Relying Party/);
      const done = await confirm(signedIn.jar, page);
      assert.equal(done.status, 303);
      assert.equal(done.headers.get('location'), 'https://rp.example/bye?state=k');
    });

    it('keeps the session when the person chooses to stay signed in', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const kept = await confirm(signedIn.jar, await assertPage(await endSession(signedIn.jar, {}), 200), 'no');
      assert.match(await assertPage(kept, 200), /still signed in/);
      assert.equal(await promptNone(server.url, signedIn.jar), undefined);
    });

    it('refuses a confirmation without the CSRF token', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const page = await assertPage(await endSession(signedIn.jar, {}), 200);
      const form = parseForms(page)[0];
      const { csrf_token: _dropped, ...fields } = form.fields;
      await assertPage(await browse(signedIn.jar, form.action, { form: { ...fields, logout: 'yes' } }), 400);
      assert.equal(await promptNone(server.url, signedIn.jar), undefined, 'still signed in');
    });

    it('asks when the hint belongs to another session of the browser', async () => {
      const first = await signInAndGetTokens(server.url);
      // Logging out the first session, then signing in again, makes the first hint stale.
      await endSession(first.jar, { id_token_hint: first.idToken });
      const second = await signInAndGetTokens(server.url, RP, { jar: first.jar });
      assert.notEqual(second.sid, first.sid);
      await assertPage(
        await endSession(second.jar, { id_token_hint: first.idToken, post_logout_redirect_uri: 'https://rp.example/bye' }),
        200,
      );
    });

    it('accepts the parameters as a POST form', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const response = await browse(signedIn.jar, `${server.url}/session/end`, {
        form: { id_token_hint: signedIn.idToken, post_logout_redirect_uri: 'https://rp.example/bye', state: 'p' },
      });
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), 'https://rp.example/bye?state=p');
    });

    it('turns a cross-site POST (no cookies sent) into a GET that carries them', async () => {
      const response = await fetch(`${server.url}/session/end`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: 'rp', post_logout_redirect_uri: 'https://rp.example/bye', state: 'x' }),
        redirect: 'manual',
      });
      assert.equal(response.status, 303);
      const location = new URL(response.headers.get('location')!);
      assert.equal(location.origin + location.pathname, `${server.url}/session/end`);
      assert.equal(location.searchParams.get('post_logout_redirect_uri'), 'https://rp.example/bye');
      assert.equal(location.searchParams.get('state'), 'x');
    });

    it('revokes the grants of the session except offline_access ones', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      const online = await issueCode(server.services, 'rp', signedIn.sub, { sid: signedIn.sid, scope: 'openid' });
      const offline = await issueCode(server.services, 'rp', signedIn.sub, { sid: signedIn.sid, scope: 'openid offline_access' });
      await endSession(signedIn.jar, { id_token_hint: signedIn.idToken });
      assert.notEqual((await server.services.grantsStore.find(online.grantId))?.revokedAt, null);
      assert.equal((await server.services.grantsStore.find(offline.grantId))?.revokedAt, null);
    });

    it('without a session, goes straight to the verified URI or the signed-out page', async () => {
      const signedIn = await signInAndGetTokens(server.url);
      await endSession(signedIn.jar, { id_token_hint: signedIn.idToken });
      const again = await endSession(signedIn.jar, {
        id_token_hint: signedIn.idToken,
        post_logout_redirect_uri: 'https://rp.example/bye',
        state: 'z',
      });
      assert.equal(again.headers.get('location'), 'https://rp.example/bye?state=z');
      const bare = await endSession(signedIn.jar, {});
      assert.equal(bare.headers.get('location'), `${server.url}/session/end/done`);
    });

    it('answers repeated parameters with an error page', async () => {
      const response = await fetch(`${server.url}/session/end?state=a&state=b`, { redirect: 'manual' });
      await assertPage(response, 400);
    });
  });
}

function decodeJwtHeaderKid(jwt: string): string {
  return (JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()) as { kid: string }).kid;
}

export type { SignedIn };
