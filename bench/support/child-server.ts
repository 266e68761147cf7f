import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

/** A provider running in its own process, as the benchmark sees it. */
export interface ChildServer {
  name: string;
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 answer of discovery. */
  startMs: number;
  /** Resident memory of the process and its children (cluster workers), in MB. */
  rss(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function statusOf(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Spawns `node args` and polls `url` every 2 ms until it answers 200 (cold start). */
export async function startChild(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  baseUrl: string,
  options: { timeoutMs?: number } = {},
): Promise<ChildServer> {
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
  let exited = null as number | null;
  child.on('exit', (code) => (exited = code ?? -1));
  const deadline = started + (options.timeoutMs ?? 60_000);
  const probe = `${baseUrl}/.well-known/openid-configuration`;
  for (;;) {
    if (exited !== null) throw new Error(`${name} exited (${exited}) before answering:\n${output}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not answer ${probe} in time:\n${output}`);
    }
    if ((await statusOf(probe)) === 200) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const startMs = performance.now() - started;
  const pid = child.pid as number;
  return {
    name,
    url: baseUrl,
    pid,
    startMs,
    rss: () => treeRss(pid),
    async stop() {
      if (exited !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await done;
      clearTimeout(timer);
    },
  };
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function treeRss(pid: number): number {
  let kb = 0;
  try {
    kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
  return kb / 1024 + children(pid).reduce((sum, c) => sum + treeRss(c), 0);
}
