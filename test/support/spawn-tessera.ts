import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { POSTGRES_URL, SQLITE_DRIVER } from './databases.js';
import { TEST_SECRET, freePort } from './test-provider.js';

/** A real `tessera serve` process, as production runs it. */
export interface SpawnedTessera {
  /** Where this process listens (may differ from the shared issuer behind a "load balancer"). */
  url: string;
  process: ChildProcess;
  /** Everything the process wrote to stdout and stderr (JSON log lines). */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface SpawnOptions {
  /** The config file settings (clients, users, ttl...). databaseUrl and issuer come from here too. */
  config: Record<string, unknown>;
  port?: number;
  env?: Record<string, string>;
}

/** A PostgreSQL URL that puts every connection of a process into `schema` (as an operator would for a shared database). */
export function postgresUrlWithSchema(schema: string): string {
  return `${POSTGRES_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** A fresh schema in the test PostgreSQL database, for several processes to share. */
export async function createSharedSchema(): Promise<{ schema: string; url: string; drop(): Promise<void> }> {
  const schema = `c_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return {
    schema,
    url: postgresUrlWithSchema(schema),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/** Starts `tessera serve` through tsx and waits until /readyz answers 200. */
export async function spawnTessera(options: SpawnOptions): Promise<SpawnedTessera> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'tessera-spawn-'));
  const configFile = join(dir, 'tessera.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      secret: TEST_SECRET,
      logLevel: 'warn',
      sqliteDriver: SQLITE_DRIVER,
      issuer: `http://127.0.0.1:${port}`,
      ...options.config,
      port,
      host: '127.0.0.1',
    }),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', configFile], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  void exited.then(() => rmSync(dir, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100))]);
    if (early !== undefined) throw new Error(`tessera exited (${early}) before it was ready:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`tessera did not become ready:\n${output}`);
    }
  }
  return {
    url,
    process: child,
    output: () => output,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
