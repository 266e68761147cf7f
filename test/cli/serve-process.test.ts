import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, TEST_SECRET } from '../support/test-provider.js';

/** The real `tessera` command, run from source (bin/tessera.js runs the same code from dist/). */
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const dir = mkdtempSync(join(tmpdir(), 'tessera-serve-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function tessera(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [...CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Polls until the server answers /healthz (startup through tsx can be slow on a busy machine). */
async function answers(url: string, process: Spawned): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (process.child.exitCode !== null) throw new Error(`exited early: ${process.stderr()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server never answered');
}

function serverEnv(port: number, name: string): Record<string, string> {
  return { PORT: String(port), HOST: '127.0.0.1', TESSERA_SECRET: TEST_SECRET, DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}` };
}

/** The worker processes of a cluster primary (tsx also runs an esbuild child, which is not one). */
function workers(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .filter((line) => line.includes('src/cli/main.ts'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

describe('tessera serve as a process', { timeout: 400_000 }, () => {
  it('a bad config exits 1 with a message naming the setting, no stack trace', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ secret: TEST_SECRET, clients: [{ client_id: 'web', redirect_uris: ['http://web.example.com/cb'] }] }),
    );
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['serve', '--config', file], {}, /^tessera serve: config: clients\[0\] \(web\): invalid_redirect_uri: .*must use https/m],
      [['serve'], { TESSERA_SECRET: TEST_SECRET, PORT: '99999' }, /^tessera serve: config: port: must be an integer from 0 to 65535/m],
      [['serve'], {}, /^tessera serve: config: secret: is required outside dev mode/m],
      [
        ['serve'],
        { TESSERA_SECRET: TEST_SECRET, TESSERA_ISSUER: 'https://id.example.com/?x=1' },
        /config: issuer: must not have a query or fragment/,
      ],
    ];
    await Promise.all(
      cases.map(async ([args, env, message]) => {
        const run = tessera(args, env);
        assert.equal(await run.exited, 1, run.stderr());
        assert.match(run.stderr(), message);
        assert.doesNotMatch(run.stderr(), /\n\s+at /);
      }),
    );
  });

  it('a usage mistake exits 2', async () => {
    const run = tessera(['serve', '--workers', 'many']);
    assert.equal(await run.exited, 2);
    assert.match(run.stderr(), /--workers must be a whole number/);
  });

  it('SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const port = await freePort();
    const server = tessera(['serve'], serverEnv(port, 'drain'));
    await answers(`http://127.0.0.1:${port}`, server);
    const body = 'grant_type=client_credentials&client_id=nobody&client_secret=whatever';
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      // Half the body now: the request is in flight when the signal arrives.
      req.write(body.slice(0, 20));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(20)), 500);
      }, 500);
    });
    const answered = await response;
    assert.equal(answered.status, 401, answered.body);
    assert.equal((JSON.parse(answered.body) as { error: string }).error, 'invalid_client');
    assert.equal(await server.exited, 0);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'no longer listening');
  });

  it('--workers 2 serves from two processes on one port, replaces a dead worker, drains on SIGTERM', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const primary = tessera(['serve', '--workers', '2'], serverEnv(port, 'cluster'));
    await answers(url, primary);
    for (let i = 0; i < 50 && workers(primary.child.pid!).length < 2; i++) await new Promise((r) => setTimeout(r, 200));
    const first = workers(primary.child.pid!);
    assert.equal(first.length, 2, 'two workers');
    // Both workers use the keys the primary created once: one kid in the JWKS, same answers.
    const jwks = await Promise.all(Array.from({ length: 6 }, async () => (await fetch(`${url}/jwks`)).text()));
    assert.equal(new Set(jwks).size, 1);
    assert.equal((JSON.parse(jwks[0]) as { keys: unknown[] }).keys.length, 1);

    process.kill(first[0], 'SIGKILL');
    let replaced: number[] = [];
    for (let i = 0; i < 600; i++) {
      replaced = workers(primary.child.pid!);
      if (replaced.length === 2 && !replaced.includes(first[0])) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(replaced.length, 2, 'the dead worker was replaced');
    assert.ok(!replaced.includes(first[0]));
    await answers(url, primary); // a pooled connection to the dead worker may fail once; a new one answers

    primary.child.kill('SIGTERM');
    assert.equal(await primary.exited, 0);
    assert.deepEqual(workers(primary.child.pid!), []);
  });
});
