import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOnce } from './compare.js';
import { scenario } from './scenarios.js';
import { LoadClient } from './support/load-client.js';
import { removeDir, startTessera } from './support/start-servers.js';

/**
 * `npm run bench -- --profile <scenario id> [--es256]`: Tessera under `node --cpu-prof`
 * while the scenario's load runs, then where the main thread's time went (self time by
 * package or source file, and the top functions), and how much CPU the whole process used
 * (signing and hashing run on libuv's thread pool, outside the JavaScript profile).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 10 ms
}

function bucket(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const src = /\/dist\/(.+)\.js$/.exec(url);
  if (src) return `src/${src[1]}.ts`;
  return url.startsWith('node:') ? url : url.replace(/^file:\/\/.*\//, '');
}

export async function runProfile(options: {
  id: string;
  es256: boolean;
  seconds: number;
  log: (line: string) => void;
  build: () => void;
}): Promise<void> {
  const { log } = options;
  options.build();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-profile-'));
  const server = await startTessera({
    database: 'sqlite',
    algorithm: options.es256 ? 'ES256' : 'RS256',
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
  });
  const load = new LoadClient();
  try {
    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const prepared = await scenario(options.id).prepare({ side: 'tessera', url: server.url, discovery });
    await runOnce(load, prepared, { connections: 32, duration: 1 });
    const before = cpuSeconds(server.pid);
    const result = await runOnce(load, prepared, { connections: 32, duration: options.seconds });
    const cores = (cpuSeconds(server.pid) - before) / options.seconds;
    log(
      `scenario ${options.id}: ${result.rate.toFixed(0)}/s, p50 ${result.p50} ms, p99 ${result.p99} ms; ` +
        `Tessera used ${cores.toFixed(2)} cores (main thread + thread pool)`,
    );
  } finally {
    load.close();
    await server.stop();
    removeDir(server.dir);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  rmSync(dir, { recursive: true, force: true });
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const total = profile.samples.length;
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const id of profile.samples) {
    const { callFrame: f } = byId.get(id) as ProfileNode;
    const b = bucket(f.url, f.functionName);
    buckets.set(b, (buckets.get(b) ?? 0) + 1);
    const fn = `${f.functionName || '(anonymous)'} ${b}:${f.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + 1);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, c]) => `  ${((c / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  log('main thread, self time by package / file (whole run, including start):');
  for (const line of top(buckets, 20)) log(line);
  log('top functions:');
  for (const line of top(functions, 25)) log(line);
}
