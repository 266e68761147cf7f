import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/test-provider.js';
import { DEFAULT_USER, parseForms } from '../support/browser-less.js';
import { isSafeReturnTo } from '../../src/interaction/return-to.js';

describe('cookies under an https issuer', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ listen: false, config: { issuer: 'https://op.example', users: [DEFAULT_USER] } });
  });
  after(() => server.close());

  it('marks the CSRF and session cookies Secure', async () => {
    const page = await server.app.inject({ method: 'GET', url: '/login?return_to=/x' });
    const csrfCookie = String(page.headers['set-cookie']);
    assert.match(csrfCookie, /tessera_csrf=.*; Secure/);
    const form = parseForms(page.body)[0];
    assert.equal(form.action, 'https://op.example/login');
    const cookie = csrfCookie.split(';')[0];
    const response = await server.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...form.fields, login: DEFAULT_USER.username, password: DEFAULT_USER.password }).toString(),
    });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, 'https://op.example/x');
    const session = ([] as string[]).concat(response.headers['set-cookie'] as string[]).find((c) => c.startsWith('tessera_session='))!;
    assert.match(session, /HttpOnly/);
    assert.match(session, /SameSite=Lax/);
    assert.match(session, /Secure/);
    assert.match(session, /Path=\//);
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
