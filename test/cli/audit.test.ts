import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices } from '../../src/app/create-services.js';
import { TEST_SECRET } from '../support/test-provider.js';

describe('tessera audit', () => {
  let dir: string;
  let configFile: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-cli-audit-'));
    configFile = join(dir, 'tessera.json');
    writeFileSync(configFile, JSON.stringify({ databaseUrl: `sqlite:${join(dir, 'db.sqlite')}`, secret: TEST_SECRET }));
    const services = await createServices(loadConfig({ file: configFile, env: {} }));
    try {
      await services.users.create('alice', 'alice-password-1');
      const alice = await services.users.findByUsername('alice');
      await services.audit.record({
        type: 'signin.failure',
        userId: alice?.id,
        address: '192.0.2.7',
        detail: { reason: 'bad_credentials' },
      });
      await services.audit.record({ type: 'signin.success', userId: alice?.id, address: '192.0.2.7' });
      await services.audit.record({ type: 'token.issued', clientId: 'app', detail: { grant_type: 'client_credentials' } });
    } finally {
      await services.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('lists events newest first as JSON, filtered by type family, user name and age', async () => {
    const { code, out } = await cli('audit', '--config', configFile, '--type', 'signin.*', '--user', 'alice', '--since', '1h', '--json');
    assert.equal(code, 0);
    const events = JSON.parse(out) as { type: string; address: string }[];
    assert.deepEqual(events.map((e) => e.type).sort(), ['signin.failure', 'signin.success']);
    assert.equal(events[0].address, '192.0.2.7');
  });

  it('prints a table, honours --client and --limit', async () => {
    const { code, out } = await cli('audit', '--config', configFile, '--client', 'app', '--limit', '5');
    assert.equal(code, 0);
    assert.match(out, /^AT\s+TYPE\s+USER\s+CLIENT/);
    assert.match(out, /token\.issued\s+-\s+app/);
    assert.equal((await cli('audit', '--config', configFile, '--limit', '1', '--json')).out.split('},{').length, 1);
  });

  it('refuses a bad --since or --limit with a usage error', async () => {
    assert.equal((await cli('audit', '--config', configFile, '--since', 'yesterday-ish')).code, 2);
    assert.equal((await cli('audit', '--config', configFile, '--limit', '0')).code, 2);
  });
});
