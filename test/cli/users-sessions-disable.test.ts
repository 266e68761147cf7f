import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { run } from '../../src/cli/main.js';
import { DATABASES } from '../support/databases.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/test-provider.js';
import { browse, parseForms, signInWithForm, type CookieJar } from '../support/browser-less.js';
import { issueCode, postToken } from '../support/issue-code.js';
import { ALICE, postCredentials, tokenTestConfig, userinfo } from '../support/token-fixtures.js';

const BOB = { username: 'bob', password: 'bob-password' };

/**
 * `tessera users sessions revoke|list` and `users disable|enable`, run in-process against the
 * database of a provider (they never talk to the server): what they end stops working at once
 * on the server.
 */
for (const database of DATABASES) {
  describe(`tessera users sessions and disable (${database})`, () => {
    let server: TestServer;
    let dir: string;
    let configFile: string;

    before(async () => {
      server = await startTestServer({ database, config: tokenTestConfig({ users: [ALICE, BOB] }) });
      dir = mkdtempSync(join(tmpdir(), 'tessera-cli-users-'));
      configFile = join(dir, 'tessera.json');
      let databaseUrl = server.services.config.databaseUrl;
      if (database === 'postgres') {
        const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(server.services.db);
        databaseUrl += `${databaseUrl.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${rows[0].schema}`)}`;
      }
      writeFileSync(configFile, JSON.stringify({ databaseUrl, secret: TEST_SECRET, logLevel: 'silent', issuer: server.url }));
    });
    after(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    async function tessera(...argv: string[]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await run([...argv, '--config', configFile], { out: (t) => out.push(t), err: (t) => err.push(t) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    }

    const userId = async (username: string) => (await server.services.users.findByUsername(username))!.id;
    const signedIn = async (jar: CookieJar) => (await browse(jar, `${server.url}/account`)).status === 200;

    /** Tokens of a code exchange in the browser session `sid` (offline_access gives a refresh token). */
    async function tokensIn(username: string, sid: string, scope: string) {
      const { code } = await issueCode(server.services, 'web', await userId(username), {
        scope,
        sid,
        redirectUri: 'https://app.example/cb',
      });
      const result = await postToken(server.url, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'https://app.example/cb',
        ...postCredentials('web'),
      });
      assert.equal(result.status, 200, JSON.stringify(result.body));
      return result.body as { access_token: string; refresh_token?: string };
    }
    const refresh = (token: string) =>
      postToken(server.url, { grant_type: 'refresh_token', refresh_token: token, ...postCredentials('web') });
    const introspect = async (token: string) => {
      const response = await fetch(`${server.url}/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, ...postCredentials('web') }),
      });
      assert.equal(response.status, 200);
      return (await response.json()) as { active: boolean };
    };

    it('has help for each new command', async () => {
      for (const argv of [
        ['users', 'sessions', 'revoke', '--help'],
        ['users', 'sessions', 'list', '--help'],
        ['users', 'disable', '--help'],
        ['users', 'enable', '--help'],
      ]) {
        const result = await tessera(...argv);
        assert.equal(result.code, 0, argv.join(' '));
        assert.match(result.out, new RegExp(`^Usage: tessera ${argv.slice(0, -1).join(' ')} <username>`));
      }
      const group = await tessera('users', 'sessions', '--help');
      assert.match(group.out, /revoke/);
      assert.match((await tessera('users', '--help')).out, /disable/);
    });

    it('refuses an unknown user with exit code 1', async () => {
      for (const argv of [
        ['users', 'sessions', 'revoke', 'nobody'],
        ['users', 'disable', 'nobody'],
        ['users', 'enable', 'nobody'],
      ]) {
        const result = await tessera(...argv);
        assert.equal(result.code, 1);
        assert.match(result.err, /no user nobody/);
      }
    });

    it("sessions revoke ends every session of the user with their session-bound tokens; offline_access and other users' stay", async () => {
      const first = (await signInWithForm(server.url, ALICE.username, ALICE.password)).jar;
      const second = (await signInWithForm(server.url, ALICE.username, ALICE.password)).jar;
      const bob = (await signInWithForm(server.url, BOB.username, BOB.password)).jar;
      const listed = await tessera('users', 'sessions', 'list', 'alice', '--json');
      const sessions = JSON.parse(listed.out) as { sid: string; address: string }[];
      assert.equal(sessions.length, 2);
      assert.equal(sessions[0].address, '127.0.0.1');
      const online = await tokensIn('alice', sessions[0].sid, 'openid');
      const offline = await tokensIn('alice', sessions[1].sid, 'openid offline_access');

      const result = await tessera('users', 'sessions', 'revoke', 'alice', '--json');
      assert.equal(result.code, 0, result.err);
      assert.deepEqual(JSON.parse(result.out), { username: 'alice', sessions_ended: 2 });

      assert.equal(await signedIn(first), false);
      assert.equal(await signedIn(second), false);
      assert.equal(await signedIn(bob), true);
      assert.equal((await userinfo(server.url, online.access_token)).status, 401);
      assert.equal((await refresh(offline.refresh_token!)).status, 200, 'offline_access outlives the session, as at logout');
      assert.match((await tessera('users', 'sessions', 'list', 'alice')).out, /no live sessions/);
      const [event] = await server.services.audit.list({ type: 'session.revoked' });
      assert.deepEqual(event.detail, { by: 'operator', sessions: 2, revoked_grants: 1 });
    });

    it('disable: sign-in refused with a clear message, sessions and every token dead; enable lets the user sign in again', async () => {
      const jar = (await signInWithForm(server.url, ALICE.username, ALICE.password)).jar;
      const [session] = await server.services.sessions.listOfUser(await userId('alice'));
      const tokens = await tokensIn('alice', session.sid, 'openid offline_access');
      assert.equal(await introspect(tokens.access_token).then((b) => b.active), true);

      const result = await tessera('users', 'disable', 'alice');
      assert.equal(result.code, 0, result.err);
      assert.match(result.out, /^disabled alice; ended 1 session/);

      assert.equal(await signedIn(jar), false);
      const page = await browse(jar, `${server.url}/login`);
      const form = parseForms(await page.text())[0];
      const refused = await browse(jar, form.action, { form: { ...form.fields, login: ALICE.username, password: ALICE.password } });
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /This account is disabled/);
      const wrong = await browse(jar, form.action, { form: { ...form.fields, login: ALICE.username, password: 'not-the-password' } });
      assert.doesNotMatch(await wrong.text(), /disabled/, 'only the right password learns that the account is disabled');

      assert.equal((await userinfo(server.url, tokens.access_token)).status, 401);
      assert.equal((await introspect(tokens.access_token)).active, false);
      assert.equal((await introspect(tokens.refresh_token!)).active, false);
      const refreshed = await refresh(tokens.refresh_token!);
      assert.equal(refreshed.status, 400);
      assert.equal(refreshed.body.error, 'invalid_grant');
      const listed = JSON.parse((await tessera('users', 'list', '--json')).out) as { username: string; disabled: boolean }[];
      assert.deepEqual(
        listed.map((u) => [u.username, u.disabled]),
        [
          ['alice', true],
          ['bob', false],
        ],
      );

      assert.match((await tessera('users', 'list')).out, /\nalice .* disabled\n/);
      const enabled = await tessera('users', 'enable', 'alice');
      assert.equal(enabled.code, 0, enabled.err);
      assert.equal(enabled.out, 'enabled alice');
      const back = await signInWithForm(server.url, ALICE.username, ALICE.password);
      assert.equal(back.response.status, 303);
      assert.equal((await refresh(tokens.refresh_token!)).status, 400, 'what disabling revoked stays revoked');
      const types = (await server.services.audit.list({ type: 'user.*' })).map((e) => e.type);
      assert.ok(types.includes('user.disabled') && types.includes('user.enabled'), types.join());
    });
  });
}
