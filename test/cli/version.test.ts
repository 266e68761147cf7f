import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

/** The real command, from source, as `npm run dev` runs it. */
function tessera(...args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
}

describe('tessera --version', () => {
  it('prints the package version for --version, -v and version, exit 0', () => {
    assert.match(version, /^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-v', 'version']) assert.equal(tessera(flag), `tessera ${version}\n`);
  });

  it('is mentioned in the help', () => {
    assert.match(tessera('--help'), /tessera --version/);
  });
});
