import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { run } from '../../src/cli/main.js';
import { DATABASES } from '../support/databases.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/test-provider.js';
import { ADMIN_PERSON, adminTestConfig, api, personToken } from './admin-fixtures.js';

/** `tessera users grant-admin|revoke-admin` and `tessera admin-token`, on the server's database, no server involved. */
for (const database of DATABASES) {
  describe(`admin CLI (${database})`, () => {
    let server: TestServer;
    let dir: string;
    let configFile: string;
    before(async () => {
      server = await startTestServer({ database, config: adminTestConfig() });
      dir = mkdtempSync(join(tmpdir(), 'tessera-cli-admin-'));
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

    it('grant-admin makes the first administrator; revoke-admin stops their token at once', async () => {
      const before = await personToken(server, ADMIN_PERSON.username);
      assert.equal((await api(server, before, 'GET', '/users')).status, 403);
      assert.equal((await tessera('users', 'grant-admin', ADMIN_PERSON.username)).code, 0);
      const token = await personToken(server, ADMIN_PERSON.username);
      assert.equal((await api(server, token, 'GET', '/users')).status, 200);
      assert.equal((await tessera('users', 'revoke-admin', ADMIN_PERSON.username)).code, 0);
      assert.equal((await api(server, token, 'GET', '/users')).status, 403);
      assert.equal((await tessera('users', 'grant-admin', 'nobody')).code, 1);
      const events = await server.services.audit.list({ type: 'user.roles_changed' });
      assert.equal(events.length, 2);
      assert.ok(events.every((e) => e.actor === 'cli'));
    });

    it('admin-token mints a short-lived token the API accepts, within its scope, audited', async () => {
      const minted = await tessera('admin-token', '--scope', 'admin:read', '--ttl', '120', '--json');
      assert.equal(minted.code, 0, minted.err);
      const { access_token: token, expires_in: expiresIn, scope } = JSON.parse(minted.out);
      assert.equal(expiresIn, 120);
      assert.equal(scope, 'admin:read');
      assert.equal((await api(server, token, 'GET', '/keys')).status, 200);
      assert.equal((await api(server, token, 'POST', '/keys/rotate', {})).status, 403);
      const issued = await server.services.audit.list({ type: 'admin_token.issued' });
      assert.equal(issued[0].actor, 'cli');
      assert.equal((await tessera('admin-token', '--scope', 'openid')).code, 2);
      assert.equal((await tessera('admin-token', '--ttl', '99999')).code, 2);
      assert.equal((await tessera('admin-token', '--client', 'plain')).code, 1);
    });
  });
}
