import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { authorize, browse, CookieJar, parseForms } from '../support/browser-less.js';
import { AUTHORIZE_CLIENTS, webRequest } from '../support/authorize-fixtures.js';
import { authUrl, getUserinfo, idTokenClaims, redeem } from '../support/security-flows.js';

/** The review's server B client `shop`: its scope leaves out email. */
const NARROW = {
  ...AUTHORIZE_CLIENTS[0],
  client_id: 'narrow',
  client_secret: 'narrow-secret-narrow-secret-narrow',
  scope: 'openid profile offline_access',
};
const ALICE = {
  username: 'alice',
  password: 'alice-password',
  claims: {
    name: 'Alice Example',
    email: 'alice@example.com',
    email_verified: true,
    phone_number: '+1 555 0100',
    address: { country: 'NL' },
    ssn: '123-45-6789',
    cost_centre: ['admins'],
    employee_id: 'E-1001',
  },
};
const PRIVATE = ['email', 'email_verified', 'phone_number', 'address', 'ssn', 'cost_centre', 'employee_id'];
const REVIEW_CLAIMS = JSON.stringify({
  id_token: { email: null, ssn: null, cost_centre: null, employee_id: null },
  userinfo: { email: null, ssn: null, cost_centre: null },
});

/** The scope and claim items the consent page lists. */
function consentItems(html: string): { scopes: string[]; claims: string[] } {
  return {
    scopes: [...html.matchAll(/data-scope="([^"]*)"/g)].map((m) => m[1]),
    claims: [...html.matchAll(/data-claim="([^"]*)"/g)].map((m) => m[1]).sort(),
  };
}

/** Signs alice in for `request` in a fresh jar and returns the consent page's HTML and the jar. */
async function consentPage(issuer: string, request: Record<string, string>): Promise<{ html: string; jar: CookieJar }> {
  const jar = new CookieJar();
  const start = await browse(jar, `${issuer}/auth?${new URLSearchParams(request)}`);
  const login = await browse(jar, new URL(start.headers.get('location')!).toString());
  const form = parseForms(await login.text())[0];
  const signedIn = await browse(jar, form.action, { form: { ...form.fields, login: ALICE.username, password: ALICE.password } });
  const page = await browse(jar, signedIn.headers.get('location')!);
  assert.equal(page.status, 200);
  return { html: await page.text(), jar };
}

// Security review finding 1: the claims parameter releases nothing the user did not allow or the client may not have.
for (const database of DATABASES) {
  describe(`claims release (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ database, config: { clients: [...AUTHORIZE_CLIENTS, NARROW], users: [ALICE] } });
    });
    after(() => server.close());

    it("review t10: claims beyond the client's scope are neither shown nor released, in the ID token or at userinfo", async () => {
      const request = webRequest({ client_id: 'narrow', scope: 'openid email', claims: REVIEW_CLAIMS });
      const { html } = await consentPage(server.url, request);
      assert.deepEqual(consentItems(html), { scopes: ['openid'], claims: [] });
      const result = await authorize(server.url, request);
      assert.ok(result.code);
      const tokens = await redeem(server.url, result.code, 'narrow', NARROW.client_secret);
      assert.equal(tokens.scope, 'openid');
      const idToken = idTokenClaims(tokens);
      for (const name of PRIVATE) assert.equal(idToken[name], undefined, `ID token: ${name}`);
      const info = await getUserinfo(server.url, tokens.access_token);
      assert.equal(info.status, 200);
      assert.deepEqual(Object.keys(info.body), ['sub']);
    });

    it('review t2: after consent to openid only, prompt=none with a claims request is consent_required, never a code', async () => {
      const first = await authorize(server.url, webRequest({ scope: 'openid' }));
      assert.ok(first.code);
      const claims = JSON.stringify({ id_token: { email: null }, userinfo: { phone_number: null, address: null } });
      const response = await browse(first.jar, authUrl(server.url, { scope: 'openid', prompt: 'none', claims }));
      assert.equal(response.status, 303);
      const location = new URL(response.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'consent_required');
      assert.equal(location.searchParams.get('code'), null);
    });

    it('claims beyond the granted scopes are listed on the consent page; once allowed they are released and remembered', async () => {
      const claims = JSON.stringify({ id_token: { email: { essential: true } }, userinfo: { phone_number: null, address: null } });
      const request = webRequest({ scope: 'openid', claims });
      const { html } = await consentPage(server.url, request);
      assert.deepEqual(consentItems(html), { scopes: ['openid'], claims: ['address', 'email', 'phone_number'] });
      assert.match(html, /Your email address/);

      const allowed = await authorize(server.url, request);
      assert.deepEqual(allowed.pages, ['login', 'consent']);
      const tokens = await redeem(server.url, allowed.code!);
      const idToken = idTokenClaims(tokens);
      assert.equal(idToken.email, 'alice@example.com');
      assert.equal(idToken.phone_number, undefined, 'asked for userinfo only');
      const info = await getUserinfo(server.url, tokens.access_token);
      assert.deepEqual(info.body, { phone_number: '+1 555 0100', address: { country: 'NL' }, sub: idToken.sub });

      // Remembered: the same request again needs no page, even with prompt=none.
      const again = await authorize(server.url, webRequest({ scope: 'openid', claims, prompt: 'none' }), { jar: allowed.jar });
      assert.deepEqual(again.pages, []);
      assert.ok(again.code);
      // A claim not yet allowed is asked for again.
      const more = await browse(
        allowed.jar,
        authUrl(server.url, { scope: 'openid', prompt: 'none', claims: JSON.stringify({ userinfo: { birthdate: null } }) }),
      );
      assert.equal(new URL(more.headers.get('location')!).searchParams.get('error'), 'consent_required');
    });

    it('essential claims the client may not have are simply absent, and ask for no consent', async () => {
      const claims = JSON.stringify({
        id_token: { email: { essential: true }, ssn: { essential: true }, name: { essential: true } },
        userinfo: { cost_centre: { essential: true }, phone_number: { essential: true } },
      });
      const request = webRequest({ client_id: 'narrow', scope: 'openid', claims });
      const { html } = await consentPage(server.url, request);
      assert.deepEqual(consentItems(html), { scopes: ['openid'], claims: ['name'] });
      const result = await authorize(server.url, request);
      const tokens = await redeem(server.url, result.code!, 'narrow', NARROW.client_secret);
      const idToken = idTokenClaims(tokens);
      assert.equal(idToken.name, 'Alice Example');
      for (const name of PRIVATE) assert.equal(idToken[name], undefined, `ID token: ${name}`);
      assert.deepEqual(Object.keys((await getUserinfo(server.url, tokens.access_token)).body), ['sub']);
    });

    it('attributes outside the standard scope claims are never released, even to a client allowed every scope', async () => {
      const claims = JSON.stringify({ id_token: { ssn: null, cost_centre: null }, userinfo: { employee_id: null, cost_centre: null } });
      const result = await authorize(server.url, webRequest({ scope: 'openid', claims, prompt: 'consent' }));
      const tokens = await redeem(server.url, result.code!);
      const idToken = idTokenClaims(tokens);
      for (const name of ['ssn', 'cost_centre', 'employee_id']) assert.equal(idToken[name], undefined, name);
      assert.deepEqual(Object.keys((await getUserinfo(server.url, tokens.access_token)).body), ['sub']);
    });

    it('within the granted scopes a claims request only shapes: email in the ID token without another consent', async () => {
      const first = await authorize(server.url, webRequest({ scope: 'openid email' }));
      const claims = JSON.stringify({ id_token: { email: null } });
      const again = await authorize(server.url, webRequest({ scope: 'openid email', claims, prompt: 'none' }), { jar: first.jar });
      assert.ok(again.code);
      assert.equal(idTokenClaims(await redeem(server.url, again.code)).email, 'alice@example.com');
    });
  });
}
