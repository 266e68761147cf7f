import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, TEST_SECRET } from '../support/test-provider.js';
import { DATABASES, POSTGRES_URL } from '../support/databases.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-db-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The real `tessera serve`, from source; resolves with its exit code and stderr. */
function serve(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '', TESSERA_SECRET: TEST_SECRET, PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

const PASSWORD = 'hunter2-not-to-be-printed';

describe('database connection errors through the CLI', { timeout: 200_000 }, () => {
  it('name the database kind, its address, DATABASE_URL and the reason; never the password; exit 1 without a stack trace', async () => {
    const closedPort = await freePort();
    const notAFolder = join(dir, 'plain-file');
    writeFileSync(notAFolder, '');
    const configFile = join(dir, 'tessera.json');
    writeFileSync(configFile, JSON.stringify({ databaseUrl: `postgres://tessera:${PASSWORD}@127.0.0.1:${closedPort}/idp` }));
    const missingDatabase = new URL(POSTGRES_URL);
    missingDatabase.pathname = '/tessera_no_such_database';
    missingDatabase.password = PASSWORD;

    const cases: [string[], Record<string, string>, string][] = [
      [
        [],
        { DATABASE_URL: `postgres://tessera:${PASSWORD}@127.0.0.1:${closedPort}/idp` },
        `tessera serve: cannot connect to PostgreSQL at 127.0.0.1:${closedPort}/idp as tessera (from DATABASE_URL): connection refused (is the server running and listening there?)\n`,
      ],
      [
        ['--config', configFile],
        {},
        `tessera serve: cannot connect to PostgreSQL at 127.0.0.1:${closedPort}/idp as tessera (from databaseUrl in ${configFile}): connection refused (is the server running and listening there?)\n`,
      ],
      [
        [],
        { DATABASE_URL: `sqlite:${join(notAFolder, 'tessera.db')}` },
        `tessera serve: cannot open the SQLite database ${join(notAFolder, 'tessera.db')} (from DATABASE_URL): a part of the path is a file, not a folder\n`,
      ],
    ];
    if (DATABASES.includes('postgres')) {
      cases.push([
        [],
        { TESSERA_DATABASE_URL: missingDatabase.href },
        `tessera serve: cannot connect to PostgreSQL at ${missingDatabase.host}/tessera_no_such_database as ${missingDatabase.username} (from TESSERA_DATABASE_URL): database "tessera_no_such_database" does not exist\n`,
      ]);
    }
    await Promise.all(
      cases.map(async ([args, env, expected]) => {
        const { code, stderr } = await serve(args, env);
        assert.equal(code, 1, stderr);
        assert.equal(stderr, expected);
        assert.ok(!stderr.includes(PASSWORD));
      }),
    );
  });
});
