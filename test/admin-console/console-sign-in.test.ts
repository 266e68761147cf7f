import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-provider.js';

/** The console's sign-in, as a relying party: the request it sends, and what it refuses (no browser needed). */
describe('the admin console sign-in', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ listen: false });
  });
  after(() => server?.close());

  const cookiesOf = (headers: Record<string, unknown>): string =>
    ([headers['set-cookie']].flat().filter(Boolean) as string[]).map((c) => c.split(';')[0]).join('; ');

  it('sends a browser without a console session to sign in, keeping the page to come back to', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/admin/users?q=ada' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/admin/login?return_to=${encodeURIComponent('/admin/users?q=ada')}`);
  });

  it('asks for a code with PKCE S256, a state, a nonce and the admin API as the resource', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/admin/login?return_to=/admin/keys' });
    assert.equal(res.statusCode, 303);
    const url = new URL(String(res.headers.location));
    assert.equal(`${url.origin}${url.pathname}`, `${server.url}/auth`);
    const params = url.searchParams;
    assert.equal(params.get('client_id'), 'tessera-admin-console');
    assert.equal(params.get('response_type'), 'code');
    assert.equal(params.get('redirect_uri'), `${server.url}/admin/callback`);
    assert.equal(params.get('resource'), `${server.url}/admin/v1`);
    assert.equal(params.get('scope'), 'openid profile admin:read admin:write');
    assert.equal(params.get('code_challenge_method'), 'S256');
    assert.match(params.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.ok(params.get('state') && params.get('nonce'));
    // The verifier stays in a sealed HttpOnly cookie: nothing of it in the clear.
    const cookie = [res.headers['set-cookie']].flat().join('\n');
    assert.match(cookie, /tessera_admin_signin=v1\./);
    assert.match(cookie, /HttpOnly/);
    assert.doesNotMatch(cookie, new RegExp(params.get('state')!));
  });

  for (const returnTo of ['https://evil.example/admin', '//evil.example/admin', '/admin\\@evil.example', '/account', '/adminx']) {
    it(`never comes back to ${returnTo} (only console pages)`, async () => {
      const start = await server.app.inject({ method: 'GET', url: `/admin/login?return_to=${encodeURIComponent(returnTo)}` });
      const sealed = String([start.headers['set-cookie']].flat()[0]).split(';')[0].split('=')[1];
      const pending = JSON.parse(server.services.consoleBox.decrypt(sealed)) as { returnTo: string };
      assert.equal(pending.returnTo, '/admin');
    });
  }

  it('refuses a callback this browser did not start, and one whose state was changed', async () => {
    const stray = await server.app.inject({ method: 'GET', url: '/admin/callback?code=abc&state=xyz' });
    assert.equal(stray.statusCode, 400);
    assert.match(stray.body, /not started in this browser/);

    const start = await server.app.inject({ method: 'GET', url: '/admin/login' });
    const cookie = cookiesOf(start.headers);
    const changed = await server.app.inject({ method: 'GET', url: '/admin/callback?code=abc&state=changed', headers: { cookie } });
    assert.ok(changed.statusCode >= 400 && changed.statusCode < 500, `status ${changed.statusCode}`);
    // The pending sign-in is used up either way.
    assert.match([changed.headers['set-cookie']].flat().join('\n'), /tessera_admin_signin=;/);
  });

  it('shows an error from the authorization server as a page, not a 500', async () => {
    const start = await server.app.inject({ method: 'GET', url: '/admin/login' });
    const state = new URL(String(start.headers.location)).searchParams.get('state')!;
    const res = await server.app.inject({
      method: 'GET',
      url: `/admin/callback?error=server_error&error_description=down&state=${state}&iss=${encodeURIComponent(server.url)}`,
      headers: { cookie: cookiesOf(start.headers) },
    });
    assert.equal(res.statusCode, 400);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.body, /server_error/);
    assert.match(String(res.headers['content-security-policy']), /script-src 'none'/);
  });

  it('refuses a sign-out without the CSRF token', async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/admin/logout',
      payload: 'x=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /form has expired/);
  });

  it('ignores a console cookie sealed with another key or tampered with', async () => {
    const res = await server.app.inject({
      method: 'GET',
      url: '/admin/clients',
      headers: { cookie: 'tessera_admin=v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^\/admin\/login/);
  });
});
