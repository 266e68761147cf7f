import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices } from '../../src/app/create-services.js';
import { TEST_SECRET } from '../support/test-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-cli-mfa-'));
const configFile = join(dir, 'tessera.json');
writeFileSync(configFile, JSON.stringify({ databaseUrl: `sqlite:${join(dir, 'tessera.db')}`, secret: TEST_SECRET, logLevel: 'silent' }));
after(() => rmSync(dir, { recursive: true, force: true }));

async function tessera(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run([...argv, '--config', configFile], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readStdin: async () => '',
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tessera users mfa reset', () => {
  it('removes the authenticator app, recovery codes and passkeys of a user, and says how many', async () => {
    assert.equal((await tessera(['users', 'create', 'carol', '--password', 'carol-password'])).code, 0);
    const services = await createServices(loadConfig({ file: configFile, env: {} }));
    let userId: string;
    try {
      userId = (await services.users.findByUsername('carol'))!.id;
      await services.mfa.totp!.start(userId, 'carol');
      await services.secondFactors.useTotpStep(userId, 1, 1);
      await services.mfa.recoveryCodes.regenerate(userId);
      assert.equal(await services.mfa.totp!.isActive(userId), true);
    } finally {
      await services.close();
    }
    const result = await tessera(['users', 'mfa', 'reset', 'carol', '--json']);
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(JSON.parse(result.out), { username: 'carol', removed: { totp: 1, recovery_codes: 10, passkeys: 0 } });
    const after = await createServices(loadConfig({ file: configFile, env: {} }));
    try {
      assert.equal(await after.mfa.totp!.isActive(userId), false);
      assert.equal(await after.mfa.recoveryCodes.remaining(userId), 0);
    } finally {
      await after.close();
    }
  });

  it('an unknown user is an error, and help is shown', async () => {
    const result = await tessera(['users', 'mfa', 'reset', 'nobody']);
    assert.notEqual(result.code, 0);
    assert.match(result.err, /no user nobody/);
    assert.match((await tessera(['users', 'mfa', 'reset', '--help'])).out, /Removes every second factor/);
  });
});
