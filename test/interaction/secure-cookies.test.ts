import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { DEFAULT_USER, parseForms } from '../support/browser-less.js';
import { isSafeReturnTo } from '../../src/interaction/return-to.js';

const setCookies = (response: { headers: Record<string, unknown> }): string[] =>
  ([] as string[]).concat((response.headers['set-cookie'] as string[]) ?? []);
const pair = (setCookie: string): string => setCookie.split(';')[0];

/** Security review finding 15: no cookie prefix, and a CSRF token that was not bound to the session. */
describe('cookies under an https issuer', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      listen: false,
      config: { issuer: 'https://op.example', users: [DEFAULT_USER, { username: 'mallory', password: 'mallory-password' }] },
    });
  });
  after(() => server.close());

  const signIn = async (username: string, password: string) => {
    const page = await server.app.inject({ method: 'GET', url: '/login?return_to=/x' });
    const csrf = setCookies(page).find((c) => c.startsWith('__Host-tessera_csrf='))!;
    const form = parseForms(page.body)[0];
    const response = await server.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: pair(csrf), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...form.fields, login: username, password }).toString(),
    });
    return { csrf, form, response };
  };

  it('names every cookie __Host- and marks it Secure, HttpOnly, SameSite=Lax, Path=/ without Domain', async () => {
    const { csrf, form, response } = await signIn(DEFAULT_USER.username, DEFAULT_USER.password);
    assert.equal(form.action, 'https://op.example/login');
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, 'https://op.example/x');
    const cookies = [csrf, ...setCookies(response)];
    assert.deepEqual(cookies.map((c) => pair(c).split('=')[0]).sort(), [
      '__Host-tessera_csrf',
      '__Host-tessera_device',
      '__Host-tessera_session',
    ]);
    for (const cookie of cookies) {
      assert.match(cookie, /; Secure/, cookie);
      assert.match(cookie, /; HttpOnly/, cookie);
      assert.match(cookie, /; SameSite=Lax/, cookie);
      assert.match(cookie, /; Path=\/(;|$)/, cookie);
      assert.doesNotMatch(cookie, /Domain=/i, cookie);
    }
  });

  it('does not read the unprefixed names, which a sibling subdomain could set', async () => {
    const { response } = await signIn(DEFAULT_USER.username, DEFAULT_USER.password);
    const session = pair(setCookies(response).find((c) => c.startsWith('__Host-tessera_session='))!).split('=')[1];
    assert.equal(await server.services.sessions.current({ cookies: { tessera_session: session } } as never), undefined);
    assert.ok(await server.services.sessions.current({ cookies: { '__Host-tessera_session': session } } as never));
  });
});

describe('cookies under an http issuer (dev)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      listen: false,
      config: { users: [DEFAULT_USER, { username: 'mallory', password: 'mallory-password' }] },
    });
  });
  after(() => server.close());

  const signIn = async (username: string, password: string) => {
    const page = await server.app.inject({ method: 'GET', url: '/login?return_to=/x' });
    const csrf = setCookies(page).find((c) => c.startsWith('tessera_csrf='))!;
    const form = parseForms(page.body)[0];
    const response = await server.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: pair(csrf), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...form.fields, login: username, password }).toString(),
    });
    return { csrf, response };
  };

  it('keeps plain names and no Secure, which browsers refuse over http', async () => {
    const page = await server.app.inject({ method: 'GET', url: '/login?return_to=/x' });
    const csrf = setCookies(page)[0];
    assert.match(csrf, /^tessera_csrf=/);
    assert.doesNotMatch(csrf, /Secure/);
  });

  it('refuses a CSRF token from another browser session, even with the same CSRF cookie (tossed)', async () => {
    const victim = await signIn(DEFAULT_USER.username, DEFAULT_USER.password);
    const attacker = await signIn('mallory', 'mallory-password');
    const seed = pair(victim.csrf);
    const victimSession = pair(setCookies(victim.response).find((c) => c.startsWith('tessera_session='))!);
    const attackerSession = pair(setCookies(attacker.response).find((c) => c.startsWith('tessera_session='))!);
    const tokenIn = async (session: string) =>
      parseForms(
        (await server.app.inject({ method: 'GET', url: '/login?return_to=/x', headers: { cookie: `${seed}; ${session}` } })).body,
      )[0].fields.csrf_token;
    const attackersToken = await tokenIn(attackerSession);
    const victimsToken = await tokenIn(victimSession);
    assert.notEqual(attackersToken, victimsToken);
    const post = (token: string) =>
      server.app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: `${seed}; ${victimSession}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ csrf_token: token, return_to: '/x', login: 'mallory', password: 'mallory-password' }).toString(),
      });
    const refused = await post(attackersToken);
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /form has expired/);
    assert.equal((await post(victimsToken)).statusCode, 303);
  });
});

describe('return_to (no open redirect)', () => {
  it('accepts local paths only', () => {
    for (const ok of ['/', '/device', '/device?user_code=ABCD-EFGH', '/auth/resume?interaction=v1.abc'])
      assert.equal(isSafeReturnTo(ok), true, ok);
    for (const bad of [
      '',
      'device',
      '//evil.example',
      '/\\evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      '/\nx',
      '\\\\evil',
      '/x\\y',
    ]) {
      assert.equal(isSafeReturnTo(bad), false, bad);
    }
  });
});
