import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readDockerfile, execForm, type Stage } from './dockerfile.js';
import { freePort, TEST_SECRET } from '../support/test-provider.js';
import { DATABASES } from '../support/databases.js';
import { createSharedSchema } from '../support/spawn-tessera.js';

/**
 * Images cannot be built here, so this runs the Dockerfile's own steps in a clean folder:
 * the `deps` stage's install (production dependencies only), the `build` stage's compile,
 * the `runtime` stage's copies, then the runtime's CMD in production mode, on SQLite and
 * PostgreSQL. The steps are read from the Dockerfile, so the two cannot drift apart.
 */
const ROOT = resolve('.');
const stages = readDockerfile(join(ROOT, 'Dockerfile'));
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  assert.ok(found, `the Dockerfile has a ${name} stage`);
  return found;
};
const work = mkdtempSync(join(tmpdir(), 'tessera-production-install-'));
/** Kept between runs, as a CI cache would be: packages come from it instead of the registry. */
const npmCache = join(tmpdir(), 'tessera-npm-cache');
const folder = (name: string) => join(work, name);
const children: ChildProcess[] = [];

after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** A stage's WORKDIR is its folder here; COPY without --from takes from the checkout. */
function copyInto(stageName: string, args: string): void {
  const parts = args.split(/\s+/);
  const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
  const paths = parts.filter((p) => !p.startsWith('--'));
  const dest = paths.pop() as string;
  for (const source of paths) {
    const origin = from ? join(folder(from), source.replace(/^\/app\/?/, '')) : join(ROOT, source);
    const target = dest.endsWith('/') ? join(folder(stageName), dest, source.split('/').at(-1) as string) : join(folder(stageName), dest);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(origin, target, { recursive: true });
  }
}

function sh(command: string, cwd: string): void {
  execFileSync('sh', ['-c', command], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_cache: npmCache, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
  });
}

/**
 * better-sqlite3 fetches its compiled binary from GitHub, unreachable from here; the checkout's
 * own binary (same Node, same machine) goes into the npm cache where prebuild-install looks first.
 */
function seedSqlitePrebuild(): void {
  const binary = join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  if (!existsSync(binary)) return;
  const { version } = JSON.parse(
    execFileSync('node', ['-p', 'JSON.stringify(require("better-sqlite3/package.json"))'], { cwd: ROOT, encoding: 'utf8' }),
  ) as {
    version: string;
  };
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const url = `https://github.com/WiseLibs/better-sqlite3/releases/download/v${version}/${name}`;
  const cached = join(npmCache, '_prebuilds', `${createHash('sha512').update(url).digest('hex').slice(0, 6)}-${name}`);
  if (existsSync(cached)) return;
  mkdirSync(dirname(cached), { recursive: true });
  execFileSync('tar', ['czf', cached, 'build/Release/better_sqlite3.node'], { cwd: join(ROOT, 'node_modules/better-sqlite3') });
}

/** Runs a stage: COPY as copies, RUN in its folder. System set-up (apt-get, links, chown) is Docker's business. */
function runStage(name: string, options: { skipRun?: (command: string) => boolean } = {}): void {
  mkdirSync(folder(name), { recursive: true });
  for (const { op, args } of stage(name).instructions) {
    if (op === 'COPY') copyInto(name, args);
    if (op === 'RUN' && !/^(apt-get|ln |mkdir |chown )/.test(args) && !options.skipRun?.(args)) sh(args, folder(name));
  }
}

interface Server {
  url: string;
  output: () => string;
}

/** The runtime's CMD (`tessera` is bin/tessera.js, linked onto the PATH), with the runtime's ENV. */
async function startRuntime(env: Record<string, string>): Promise<Server> {
  const runtime = stage('runtime');
  const imageEnv = Object.fromEntries(runtime.instructions.filter((i) => i.op === 'ENV').map((i) => i.args.split('=') as [string, string]));
  const [command, ...args] = execForm(runtime.instructions.find((i) => i.op === 'CMD')?.args ?? '');
  assert.equal(command, 'tessera');
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/tessera.js', ...args], {
    cwd: folder('runtime'),
    env: { PATH: process.env.PATH, ...imageEnv, HOST: '127.0.0.1', PORT: String(port), TESSERA_ISSUER: `http://127.0.0.1:${port}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`tessera exited: ${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, output: () => output };
    if (i > 600) throw new Error(`tessera never became ready: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function answersDiscovery(server: Server): Promise<void> {
  const response = await fetch(`${server.url}/.well-known/openid-configuration`);
  assert.equal(response.status, 200);
  const metadata = (await response.json()) as { issuer: string; token_endpoint: string };
  assert.equal(metadata.issuer, server.url);
  assert.equal(metadata.token_endpoint, `${server.url}/token`);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  // The image's HEALTHCHECK command, as Docker would run it.
  const [command, ...args] = execForm(stage('runtime').instructions.find((i) => i.op === 'HEALTHCHECK')?.args ?? '');
  assert.equal(command, 'node');
  execFileSync(process.execPath, args, { env: { PORT: new URL(server.url).port } });
  // Production logs: JSON lines, never pino-pretty's layout.
  assert.match(server.output(), /^\{"level":30,.*"msg":"tessera is listening"/m);
}

describe('the Dockerfile, run as a production install', { timeout: 900_000 }, () => {
  before(() => {
    seedSqlitePrebuild();
    runStage('deps');
    // The checkout's dev dependencies stand in for the build stage's `npm ci` (same lock file).
    mkdirSync(folder('build'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(folder('build'), 'node_modules'), 'dir');
    runStage('build', { skipRun: (command) => command.startsWith('npm ci') });
    runStage('runtime');
  });

  it('has the shape the operator contract needs', () => {
    const runtime = stage('runtime');
    assert.match(runtime.from, /^node:20(-slim)?$/);
    const ops = (op: string) => runtime.instructions.filter((i) => i.op === op).map((i) => i.args);
    assert.ok(ops('USER').length === 1 && ops('USER')[0] !== 'root', 'runs as a non-root user');
    assert.deepEqual(ops('EXPOSE'), ['3000']);
    assert.deepEqual(execForm(ops('CMD')[0]), ['tessera', 'serve']);
    assert.ok(ops('ENV').includes('NODE_ENV=production'));
    assert.match(ops('HEALTHCHECK')[0], /\/healthz/);
    assert.ok(stage('deps').instructions.some((i) => i.op === 'RUN' && /^npm ci --omit=dev\b/.test(i.args)));
  });

  it('installs production dependencies only: no tsx, typescript or test tools in the runtime', () => {
    const modules = join(folder('runtime'), 'node_modules');
    for (const name of ['pino', 'fastify', 'jose', 'kysely', 'pg', 'argon2']) assert.ok(existsSync(join(modules, name)), name);
    for (const name of ['tsx', 'typescript', 'eslint', 'playwright-core', 'oidc-provider', 'prettier']) {
      assert.ok(!existsSync(join(modules, name)), `${name} is a dev dependency`);
    }
    // Nothing above the folder could lend a dev dependency to module resolution.
    for (let dir = dirname(folder('runtime')); dir !== dirname(dir); dir = dirname(dir)) {
      assert.ok(!existsSync(join(dir, 'node_modules')), `${dir}/node_modules`);
    }
    assert.ok(existsSync(join(folder('runtime'), 'dist/cli/main.js')));
    assert.ok(!existsSync(join(folder('runtime'), 'src')), 'no TypeScript sources');
  });

  it('tessera --version runs from the build', () => {
    const { version } = JSON.parse(execFileSync('cat', ['package.json'], { encoding: 'utf8' })) as { version: string };
    assert.equal(
      execFileSync(process.execPath, ['bin/tessera.js', '--version'], { cwd: folder('runtime'), encoding: 'utf8' }),
      `tessera ${version}\n`,
    );
  });

  if (DATABASES.includes('sqlite')) {
    it('serves discovery and health on SQLite (the image default, ./data)', async () => {
      await answersDiscovery(await startRuntime({ TESSERA_SECRET: TEST_SECRET }));
      assert.ok(existsSync(join(folder('runtime'), 'data/tessera.db')));
    });
  }

  if (DATABASES.includes('postgres')) {
    it('serves discovery and health on PostgreSQL (DATABASE_URL, as compose.yaml sets it)', async (t) => {
      const shared = await createSharedSchema();
      t.after(() => shared.drop());
      await answersDiscovery(await startRuntime({ TESSERA_SECRET: TEST_SECRET, DATABASE_URL: shared.url }));
    });
  }
});
