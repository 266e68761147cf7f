import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTessera, type SpawnedTessera } from './spawn-tessera.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/** One of examples/ running as its own process, as a reader would start it (`npx tsx <file>`). */
export interface SpawnedExample {
  process: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first output that matches (rejects if the process ends first). */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<number | string>;
  stop(): Promise<number | string>;
}

export function spawnExample(file: string, env: Record<string, string>, args: string[] = []): SpawnedExample {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    process: child,
    output: () => output,
    exited,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) {
            listeners.delete(check);
            resolve(match);
          }
        };
        listeners.add(check);
        check();
        void exited.then((code) => {
          if (listeners.delete(check)) reject(new Error(`${file} exited (${code}) before printing ${pattern}:\n${output}`));
        });
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A real `tessera serve` on a fresh SQLite file, with the given settings; `stop()` removes the file. */
export async function spawnTesseraForExample(config: Record<string, unknown>): Promise<SpawnedTessera> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-example-'));
  const server = await spawnTessera({ config: { databaseUrl: `sqlite:${join(dir, 'tessera.db')}`, ...config } });
  void server.exited.then(() => rmSync(dir, { recursive: true, force: true }));
  return server;
}
