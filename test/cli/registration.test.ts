import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices } from '../../src/app/create-services.js';
import { TEST_SECRET } from '../support/test-provider.js';

// The CLI opens the database named in its config file; SQLite keeps this to one temporary file.
describe('tessera registration tokens create', () => {
  let dir: string;
  let configFile: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-reg-'));
    configFile = join(dir, 'tessera.json');
    writeFileSync(
      configFile,
      JSON.stringify({ databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, secret: TEST_SECRET, issuer: 'https://id.example.com' }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('prints a token that the registration endpoint accepts, stored only as a hash', async () => {
    const { code, out } = await cli(
      'registration',
      'tokens',
      'create',
      '--config',
      configFile,
      '--expires-in',
      '600',
      '--description',
      'for the mobile team',
      '--json',
    );
    assert.equal(code, 0);
    const printed = JSON.parse(out) as { initial_access_token: string; expires_at: number; registration_endpoint: string };
    assert.equal(printed.registration_endpoint, 'https://id.example.com/reg');
    assert.ok(printed.expires_at > Date.now() / 1000);
    const services = await createServices(loadConfig({ file: configFile, env: {} }));
    try {
      assert.equal(await services.initialAccessTokens.isValid(printed.initial_access_token), true);
      const rows = await services.db.selectFrom('initial_access_tokens').selectAll().execute();
      assert.equal(rows.length, 1);
      assert.notEqual(rows[0].token_hash, printed.initial_access_token);
      assert.equal(rows[0].description, 'for the mobile team');
    } finally {
      await services.close();
    }
  });

  it('prints only the token on stdout without --json', async () => {
    const { code, out, err } = await cli('registration', 'tokens', 'create', '--config', configFile);
    assert.equal(code, 0);
    assert.match(out, /^[A-Za-z0-9_-]{43}$/);
    assert.match(err, /expires: never/);
  });

  it('refuses a bad --expires-in with a usage error', async () => {
    const { code, err } = await cli('registration', 'tokens', 'create', '--config', configFile, '--expires-in', 'soon');
    assert.equal(code, 2);
    assert.match(err, /--expires-in/);
  });

  it('has help at every level', async () => {
    assert.equal((await cli('registration', '--help')).code, 0);
    assert.match((await cli('registration', 'tokens', 'create', '--help')).out, /initial access token/);
  });
});
