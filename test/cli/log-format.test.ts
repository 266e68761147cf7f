import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, TEST_SECRET } from '../support/test-provider.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real `tessera serve` until it logs that it listens, then stops it; returns its stdout. */
async function serveOutput(name: string, args: string[], env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      TESSERA_DATA_DIR: join(dir, name),
      DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // Generous: tsx compiles the CLI at start, which takes long on a machine busy with other suites.
  for (let i = 0; i < 1800 && !out.includes('tessera is listening'); i++) {
    if (child.exitCode !== null || i === 1799) {
      child.kill('SIGKILL');
      throw new Error(`never listened: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // One request, so a request line is logged too.
  await fetch(`http://127.0.0.1:${port}/healthz`);
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGTERM');
  await exited;
  return out;
}

/** An ANSI colour escape (ESC [ n m). */
const COLOUR = new RegExp(String.fromCharCode(27) + '\\[\\d+m');

const logLines = (out: string) => out.split('\n').filter((line) => line.startsWith('{'));

describe('log format', { timeout: 600_000 }, () => {
  it('dev mode: colourised, human-readable lines; production: one JSON object a line; log.format / env overrides', async () => {
    // One after the other: four compiling processes at once starve each other on a busy machine.
    const dev = await serveOutput('dev', ['--dev'], { FORCE_COLOR: '1' });
    const devJson = await serveOutput('dev-json', ['--dev'], { TESSERA_LOG_FORMAT: 'json' });
    const production = await serveOutput('prod', [], { TESSERA_SECRET: TEST_SECRET });
    const productionPretty = await serveOutput('prod-pretty', [], { TESSERA_SECRET: TEST_SECRET, LOG_FORMAT: 'pretty', NO_COLOR: '1' });

    assert.match(dev, COLOUR, 'colours');
    const plain = dev.replace(new RegExp(COLOUR.source, 'g'), '');
    assert.match(plain, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: tessera is listening$/m);
    assert.match(plain, /^\s+issuer: "http:\/\/localhost:\d+"$/m);
    assert.equal(logLines(dev).length, 0, 'no JSON lines in dev mode');

    for (const out of [devJson, production]) {
      const lines = logLines(out).map((line) => JSON.parse(line) as Record<string, unknown>);
      const listening = lines.find((line) => line.msg === 'tessera is listening');
      assert.ok(listening, out);
      assert.equal(listening.level, 30);
      assert.equal(listening.service, 'tessera');
      assert.ok(lines.some((line) => (line.req as { path?: string } | undefined)?.path === '/healthz'));
      assert.doesNotMatch(out, COLOUR);
    }

    assert.match(productionPretty, /^\[[\d:.]+\] INFO: tessera is listening$/m);
    assert.doesNotMatch(productionPretty, COLOUR, 'NO_COLOR is honoured');
  });

  it('a log format other than pretty or json is a config error', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      env: { PATH: process.env.PATH ?? '', TESSERA_SECRET: TEST_SECRET, TESSERA_LOG_FORMAT: 'text' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    assert.equal(code, 1);
    assert.match(err, /config: log\.format: must be pretty or json/);
  });
});
