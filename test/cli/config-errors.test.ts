import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'tessera-config-errors-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The real command, from source; resolves with its exit code and stderr. */
function tessera(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000); // a config that passed would serve forever
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

describe('config errors through the CLI', { timeout: 200_000 }, () => {
  it('lists every problem at once, with "did you mean" for settings and TESSERA_* variables, exit 1, no stack trace', async () => {
    const file = join(dir, 'tessera.json');
    writeFileSync(
      file,
      JSON.stringify({
        isuer: 'https://id.example.com',
        port: '4631',
        pkce: { requiredForAll: 'yes' },
        ttl: { accesToken: 900 },
        clients: [{ client_id: 'x', redirect_uris: ['https://x.example.com/cb#frag'] }],
      }),
    );
    const { code, stderr } = await tessera(['serve', '--config', file], {
      TESSERA_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      TESSERA_ISSEUR: 'https://id.example.com',
    });
    assert.equal(code, 1, stderr);
    assert.equal(
      stderr.replace(/: invalid_redirect_uri: .*/, ': invalid_redirect_uri: …'),
      [
        'tessera serve: config: 6 problems:',
        '  isuer: unknown setting (did you mean issuer?)',
        '  ttl.accesToken: unknown setting (did you mean ttl.accessToken?)',
        '  TESSERA_ISSEUR: unknown environment variable (did you mean TESSERA_ISSUER?)',
        '  port: must be a number, got string',
        '  pkce.requiredForAll: must be a boolean, got string',
        '  clients[0] (x): invalid_redirect_uri: …',
        '',
      ].join('\n'),
    );
  });
});
