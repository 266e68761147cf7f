import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { loadCliConfig } from '../../src/cli/open-services.js';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/config/config-error.js';
import { createServices } from '../../src/app/create-services.js';
import { openDatabase } from '../../src/storage/database.js';
import { TEST_SECRET } from '../support/test-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-'));
const configFile = join(dir, 'tessera.json');
const databaseUrl = `sqlite:${join(dir, 'tessera.db')}`;

interface Result {
  code: number;
  out: string;
  err: string;
}

/** Runs `tessera <argv> --config <file>` in-process and captures its output. */
async function tessera(argv: string[], stdin = ''): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run([...argv, '--config', configFile], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => stdin,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function json(argv: string[], stdin = ''): Promise<any> {
  const result = await tessera([...argv, '--json'], stdin);
  assert.equal(result.code, 0, result.err);
  return JSON.parse(result.out);
}

/** Opens the same database the CLI used, as the server would. */
async function withServerView<T>(work: (services: Awaited<ReturnType<typeof createServices>>) => Promise<T>): Promise<T> {
  const services = await createServices(loadConfig({ file: configFile, env: {} }));
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('tessera admin commands', () => {
  before(() => writeFileSync(configFile, JSON.stringify({ databaseUrl, secret: TEST_SECRET, logLevel: 'silent' })));

  it('migrate brings the schema up to date, then has nothing to do', async () => {
    assert.ok((await json(['migrate'])).applied.length >= 1);
    assert.deepEqual((await json(['migrate'])).applied, []);
  });

  describe('clients', () => {
    let secret: string;

    it('create generates a high-entropy secret, shows it once and stores only its HMAC', async () => {
      const created = await json([
        'clients',
        'create',
        '--id',
        'cli-app',
        '--name',
        'CLI app',
        '--redirect-uri',
        'https://app.example.com/cb',
        '--redirect-uri',
        'http://127.0.0.1:8080/cb',
        '--grant-type',
        'authorization_code',
        '--grant-type',
        'refresh_token',
        '--scope',
        'openid profile',
      ]);
      secret = created.client_secret;
      assert.match(secret, /^[A-Za-z0-9_-]{43,}$/, '256 bits, base64url');
      assert.deepEqual(created.redirect_uris, ['https://app.example.com/cb', 'http://127.0.0.1:8080/cb']);
      assert.deepEqual(created.grant_types, ['authorization_code', 'refresh_token']);
      assert.equal(created.scope, 'openid profile');
      const db = openDatabase(databaseUrl);
      const rows = await db.selectFrom('clients').selectAll().execute();
      await db.destroy();
      assert.ok(!JSON.stringify(rows).includes(secret), 'the plain secret is nowhere in the database');
      await withServerView(async (p) => assert.equal(p.clients.checkSecret((await p.clients.find('cli-app'))!, secret), true));
    });

    it('prints the secret with a warning in text mode', async () => {
      const result = await tessera(['clients', 'create', '--id', 'text-app', '--redirect-uri', 'https://text.example.com/cb']);
      assert.equal(result.code, 0);
      assert.match(result.out, /^created client text-app \(client_secret_basic/);
      assert.match(result.out, /client_secret: [A-Za-z0-9_-]{43}/);
      assert.match(result.out, /cannot be shown again/);
    });

    it('create takes --metadata JSON and --metadata-file, flags winning; no secret for a public client', async () => {
      const file = join(dir, 'meta.json');
      writeFileSync(
        file,
        JSON.stringify({ client_id: 'native-app', redirect_uris: ['com.example.app:/callback'], application_type: 'native' }),
      );
      const created = await json([
        'clients',
        'create',
        '--metadata-file',
        file,
        '--metadata',
        '{"client_name":"From JSON","token_endpoint_auth_method":"client_secret_post"}',
        '--auth-method',
        'none',
      ]);
      assert.equal(created.client_id, 'native-app');
      assert.equal(created.client_name, 'From JSON');
      assert.equal(created.token_endpoint_auth_method, 'none');
      assert.equal(created.client_secret, undefined);
      assert.equal(created.has_secret, false);
    });

    it('create takes --subject-type pairwise, and refuses it where the sector is unclear (OIDC Core §8.1)', async () => {
      const created = await json([
        'clients',
        'create',
        '--id',
        'pairwise-app',
        '--redirect-uri',
        'https://pw.example.com/cb',
        '--subject-type',
        'pairwise',
      ]);
      assert.equal(created.subject_type, 'pairwise');
      const unclear = await tessera([
        'clients',
        'create',
        '--id',
        'two-hosts',
        '--subject-type',
        'pairwise',
        '--redirect-uri',
        'https://one.example.com/cb',
        '--redirect-uri',
        'https://two.example.com/cb',
      ]);
      assert.equal(unclear.code, 1);
      assert.match(unclear.err, /invalid_client_metadata: .*sector_identifier_uri/);
    });

    it('create generates a client_id when none is given', async () => {
      const created = await json(['clients', 'create', '--grant-type', 'client_credentials']);
      assert.match(created.client_id, /^[A-Za-z0-9_-]{20,}$/);
      assert.ok(created.client_secret);
    });

    it('list and show never print a secret', async () => {
      const list = await json(['clients', 'list']);
      assert.ok(list.some((c: { client_id: string }) => c.client_id === 'cli-app'));
      const shown = await json(['clients', 'show', 'cli-app']);
      assert.equal(shown.client_name, 'CLI app');
      assert.equal(shown.has_secret, true);
      assert.equal(shown.origin, 'cli');
      const text = (await tessera(['clients', 'list'])).out + (await tessera(['clients', 'show', 'cli-app'])).out;
      assert.ok(!text.includes(secret));
      assert.match(text, /^CLIENT_ID\s+AUTH_METHOD/);
    });

    it('update changes the given metadata and keeps the rest and the secret', async () => {
      const updated = await json([
        'clients',
        'update',
        'cli-app',
        '--name',
        'Renamed',
        '--post-logout-redirect-uri',
        'https://app.example.com/',
      ]);
      assert.equal(updated.client_name, 'Renamed');
      assert.deepEqual(updated.post_logout_redirect_uris, ['https://app.example.com/']);
      assert.equal(updated.scope, 'openid profile');
      assert.equal(updated.client_secret, undefined);
      await withServerView(async (p) => assert.equal(p.clients.checkSecret((await p.clients.find('cli-app'))!, secret), true));
    });

    it('update --rotate-secret shows a new secret once; the old one stops working', async () => {
      const rotated = await json(['clients', 'update', 'cli-app', '--rotate-secret']);
      assert.ok(rotated.client_secret && rotated.client_secret !== secret);
      await withServerView(async (p) => {
        const client = (await p.clients.find('cli-app'))!;
        assert.equal(p.clients.checkSecret(client, rotated.client_secret), true);
        assert.equal(p.clients.checkSecret(client, secret), false);
      });
      const publicClient = await tessera(['clients', 'update', 'native-app', '--rotate-secret']);
      assert.equal(publicClient.code, 1);
      assert.match(publicClient.err, /native-app uses none, which has no secret/);
    });

    it('refuses invalid metadata with exit code 1, naming the problem', async () => {
      const result = await tessera(['clients', 'create', '--id', 'bad', '--redirect-uri', 'http://app.example.com/cb']);
      assert.equal(result.code, 1);
      assert.match(result.err, /invalid_redirect_uri: .*must use https/);
      const scheme = await tessera(['clients', 'create', '--id', 'bad-scheme', '--redirect-uri', 'myapp://cb']);
      assert.equal(scheme.code, 1);
      assert.match(scheme.err, /invalid_redirect_uri: .*myapp: scheme is not allowed for a web client/);
      const update = await tessera(['clients', 'update', 'cli-app', '--grant-type', 'password']);
      assert.equal(update.code, 1);
      assert.match(update.err, /grant type password is not supported/);
    });

    it('refuses a duplicate id, an unknown client, and a secret given in metadata', async () => {
      assert.match(
        (await tessera(['clients', 'create', '--id', 'cli-app', '--redirect-uri', 'https://a.example.com/cb'])).err,
        /already exists/,
      );
      const missing = await tessera(['clients', 'show', 'nobody']);
      assert.equal(missing.code, 1);
      assert.match(missing.err, /no client nobody/);
      const withSecret = await tessera(['clients', 'create', '--metadata', '{"client_secret":"x"}']);
      assert.equal(withSecret.code, 2);
      assert.match(withSecret.err, /generated, not given/);
    });

    it('delete removes the client; deleting again fails', async () => {
      assert.deepEqual(await json(['clients', 'delete', 'text-app']), { deleted: 'text-app' });
      assert.equal((await tessera(['clients', 'delete', 'text-app'])).code, 1);
    });
  });

  describe('users', () => {
    it('create reads the password from stdin with --password-stdin and stores claims', async () => {
      const created = await json(
        [
          'users',
          'create',
          'ada',
          '--password-stdin',
          '--claims',
          '{"email_verified":true}',
          '--name',
          'Ada',
          '--email',
          'ada@example.com',
        ],
        'correct horse battery',
      );
      assert.equal(created.username, 'ada');
      assert.deepEqual(created.claims, { email_verified: true, name: 'Ada', email: 'ada@example.com' });
      await withServerView(async (p) => assert.equal((await p.users.authenticate('ada', 'correct horse battery'))?.id, created.sub));
    });

    it('stores the password as argon2id, never in clear', async () => {
      const db = openDatabase(databaseUrl);
      const row = await db.selectFrom('users').selectAll().where('username', '=', 'ada').executeTakeFirstOrThrow();
      await db.destroy();
      assert.match(row.password_hash, /^\$argon2id\$/);
    });

    it('list shows users without password hashes', async () => {
      const list = await json(['users', 'list']);
      assert.deepEqual(
        list.map((u: { username: string }) => u.username),
        ['ada'],
      );
      assert.ok(!JSON.stringify(list).includes('argon2'));
      assert.match((await tessera(['users', 'list'])).out, /^USERNAME\s+SUB/);
    });

    it('set-password changes the password (--password), ending the sessions and revoking the grants of the user', async () => {
      const grantId = await withServerView(async (p) => {
        const ada = await p.users.findByUsername('ada');
        await p.db
          .insertInto('grants')
          .values({
            id: 'g-ada',
            user_id: ada!.id,
            client_id: 'cli-app',
            scope: 'openid',
            sid: null,
            created_at: 1,
            expires_at: 4102444800,
          })
          .execute();
        return 'g-ada';
      });
      const changed = await json(['users', 'set-password', 'ada', '--password', 'another password']);
      assert.deepEqual(changed, { username: 'ada', password_changed: true, sessions_ended: 0, tokens_revoked: true });
      await withServerView(async (p) => assert.notEqual((await p.grantsStore.find(grantId))?.revokedAt, null));
      await withServerView(async (p) => {
        assert.ok(await p.users.authenticate('ada', 'another password'));
        assert.equal(await p.users.authenticate('ada', 'correct horse battery'), undefined);
      });
    });

    it('refuses bad input: missing password, short password, bad claims, duplicates', async () => {
      const noPassword = await tessera(['users', 'create', 'bob']);
      assert.equal(noPassword.code, 2);
      assert.match(noPassword.err, /missing --password or --password-stdin/);
      assert.match((await tessera(['users', 'create', 'bob', '--password', 'short'])).err, /password must be 8 to 1024 characters/);
      assert.match(
        (await tessera(['users', 'create', 'bob', '--password', 'long enough', '--claims', '{"email_verified":"yes"}'])).err,
        /email_verified must be true or false/,
      );
      const badJson = await tessera(['users', 'create', 'bob', '--password', 'long enough', '--claims', '{']);
      assert.equal(badJson.code, 2);
      assert.match(badJson.err, /--claims is not valid JSON/);
      assert.match((await tessera(['users', 'create', 'ada', '--password', 'long enough'])).err, /already exists/);
      assert.equal((await tessera(['users', 'set-password', 'nobody', '--password', 'long enough'])).code, 1);
    });

    it('delete removes the user', async () => {
      assert.deepEqual(await json(['users', 'delete', 'ada']), { deleted: 'ada' });
      assert.deepEqual(await json(['users', 'list']), []);
      assert.equal((await tessera(['users', 'delete', 'ada'])).code, 1);
    });
  });

  describe('keys', () => {
    it('list shows kid, algorithm, times and which key is active', async () => {
      const keys = await json(['keys', 'list']);
      assert.equal(keys.length, 1);
      assert.equal(keys[0].alg, 'RS256');
      assert.equal(keys[0].active, true);
      assert.equal(keys[0].retired_at, null);
      assert.ok(!JSON.stringify(keys).includes('"d"'));
      assert.match((await tessera(['keys', 'list'])).out, /^KID\s+ALG\s+CREATED\s+RETIRED\s+PUBLISHED_UNTIL\s+ACTIVE/);
    });

    it('rotate publishes a new key at once; it signs after keys.refreshInterval, the old one stays published', async () => {
      const [before] = await json(['keys', 'list']);
      const startedAt = Math.floor(Date.now() / 1000);
      const rotated = await json(['keys', 'rotate']);
      assert.notEqual(rotated.kid, before.kid);
      assert.equal(rotated.alg, 'RS256');
      assert.ok(rotated.signs_from >= startedAt + 60, 'after the default 60 s refresh interval');
      assert.deepEqual(
        rotated.retired.map((k: { kid: string }) => k.kid),
        [before.kid],
      );
      const keys = await json(['keys', 'list']);
      assert.equal(keys.find((k: { kid: string }) => k.kid === rotated.kid).active, false);
      const old = keys.find((k: { kid: string }) => k.kid === before.kid);
      assert.equal(old.active, true, 'the old key signs until every server has published the new one');
      assert.ok(old.expires_at > old.retired_at);
      await withServerView(async (p) => {
        assert.equal(p.keys.signingKey('RS256').kid, before.kid);
        assert.ok(p.keys.jwks().includes(rotated.kid), 'a server publishes the new key before it signs');
      });
      // The interval passes (moved back in the database rather than waited for): the new key signs.
      const db = openDatabase(databaseUrl);
      await db
        .updateTable('signing_keys')
        .set({ created_at: rotated.signs_from - 120 })
        .where('kid', '=', rotated.kid)
        .execute();
      await db
        .updateTable('signing_keys')
        .set({ retired_at: rotated.signs_from - 120 })
        .where('kid', '=', before.kid)
        .execute();
      await db.destroy();
      assert.equal((await json(['keys', 'list'])).find((k: { kid: string }) => k.kid === rotated.kid).active, true);
      await withServerView(async (p) => {
        assert.equal(p.keys.signingKey('RS256').kid, rotated.kid);
        assert.ok(p.keys.jwks().includes(before.kid));
      });
    });

    it('rotate --alg adds ES256 and EdDSA keys; an unknown algorithm is a usage error', async () => {
      assert.equal((await json(['keys', 'rotate', '--alg', 'ES256'])).alg, 'ES256');
      assert.equal((await json(['keys', 'rotate', '--alg', 'EdDSA'])).alg, 'EdDSA');
      const active = (await json(['keys', 'list'])).filter((k: { active: boolean }) => k.active).map((k: { alg: string }) => k.alg);
      assert.deepEqual(new Set(active), new Set(['RS256', 'ES256', 'EdDSA']));
      const bad = await tessera(['keys', 'rotate', '--alg', 'HS256']);
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--alg must be one of RS256, ES256, EdDSA/);
    });
  });

  describe('usage', () => {
    const commands = [
      ['serve'],
      ['migrate'],
      ['clients'],
      ['users'],
      ['keys'],
      ...['create', 'list', 'show', 'update', 'delete'].map((s) => ['clients', s]),
      ...['create', 'list', 'delete', 'set-password'].map((s) => ['users', s]),
      ['keys', 'list'],
      ['keys', 'rotate'],
    ];
    for (const command of commands) {
      it(`tessera ${command.join(' ')} --help`, async () => {
        const out: string[] = [];
        const code = await run([...command, '--help'], { out: (t) => out.push(t), err: (t) => out.push(t) });
        assert.equal(code, 0);
        assert.match(out.join('\n'), new RegExp(`^Usage: tessera ${command[0]}`));
      });
    }

    it('exit code 2 for unknown commands, subcommands, flags and missing arguments', async () => {
      for (const argv of [
        ['bogus'],
        ['clients', 'bogus'],
        ['clients', 'list', '--bogus'],
        ['clients', 'show'],
        ['users'],
        ['clients', 'show', 'a', 'b'],
      ]) {
        const err: string[] = [];
        const code = await run(argv, { out: () => {}, err: (t) => err.push(t) });
        assert.equal(code, 2, argv.join(' '));
        assert.ok(err.join(' ').length > 0);
      }
      const err: string[] = [];
      await run(['clients', 'list', '--bogus'], { out: () => {}, err: (t) => err.push(t) });
      assert.match(err.join(''), /--bogus/);
    });
  });
});

describe('which database and secret an admin command uses', () => {
  const io = { out: () => {}, err: () => {} };

  it('with no config file and no TESSERA_SECRET: dev mode data, as npm start', () => {
    const notes: string[] = [];
    const config = loadCliConfig(undefined, { out: () => {}, err: (t) => notes.push(t) }, {});
    assert.equal(config.dev, true);
    assert.equal(config.databaseUrl, 'sqlite:./data/tessera.db');
    assert.match(notes.join(''), /dev-mode data/);
  });

  it('with TESSERA_SECRET and DATABASE_URL: exactly what serve uses', () => {
    const config = loadCliConfig(undefined, io, { TESSERA_SECRET: TEST_SECRET, DATABASE_URL: 'postgres://db.example.com/tessera' });
    assert.equal(config.dev, false);
    assert.equal(config.secret, TEST_SECRET);
    assert.equal(config.databaseUrl, 'postgres://db.example.com/tessera');
  });

  it('with a config file (flag or TESSERA_CONFIG): that file, and its missing secret is an error as for serve', () => {
    assert.equal(loadCliConfig(configFile, io, {}).databaseUrl, databaseUrl);
    assert.equal(loadCliConfig(undefined, io, { TESSERA_CONFIG: configFile }).databaseUrl, databaseUrl);
    const noSecret = join(dir, 'no-secret.json');
    writeFileSync(noSecret, JSON.stringify({ databaseUrl }));
    assert.throws(
      () => loadCliConfig(noSecret, io, {}),
      (err: unknown) => err instanceof ConfigError && err.setting === 'secret',
    );
  });

  it('with DATABASE_URL, TESSERA_CONFIG or --config but no TESSERA_SECRET: refuses, naming TESSERA_SECRET, never dev mode', () => {
    const noSecret = join(dir, 'no-secret-either.json');
    writeFileSync(noSecret, JSON.stringify({ databaseUrl }));
    const attempts: [string, () => unknown][] = [
      ['DATABASE_URL', () => loadCliConfig(undefined, io, { DATABASE_URL: databaseUrl })],
      ['DATABASE_URL', () => loadCliConfig(undefined, io, { TESSERA_DATABASE_URL: databaseUrl })],
      ['TESSERA_CONFIG', () => loadCliConfig(undefined, io, { TESSERA_CONFIG: noSecret })],
      [`--config ${noSecret}`, () => loadCliConfig(noSecret, io, {})],
    ];
    for (const [named, attempt] of attempts) {
      assert.throws(attempt, (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.setting, 'secret');
        assert.match(err.message, /TESSERA_SECRET/);
        assert.ok(err.message.includes(`${named} is given`), err.message);
        return true;
      });
    }
  });

  it('`clients create` with DATABASE_URL and no secret exits 1 with that message and writes nothing', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'tessera-cli-nosecret-'));
    try {
      const result = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'clients',
          'create',
          '--id',
          'would-be-lost',
          '--redirect-uri',
          'https://app.example.com/cb',
        ],
        {
          cwd: new URL('../..', import.meta.url).pathname,
          // A fallback to dev mode would create the database here and the secret under TESSERA_DATA_DIR.
          env: { PATH: process.env.PATH, DATABASE_URL: `sqlite:${join(scratch, 'server.db')}`, TESSERA_DATA_DIR: join(scratch, 'data') },
          encoding: 'utf8',
        },
      );
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /^tessera clients: config: secret: is required outside dev mode: set TESSERA_SECRET/);
      assert.match(result.stderr, /DATABASE_URL is given/);
      assert.equal(result.stdout, '');
      assert.deepEqual(readdirSync(scratch), [], 'no database, no data folder, no secret');
      assert.equal(existsSync(join(scratch, 'data')), false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
