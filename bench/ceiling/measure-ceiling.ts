import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./ceiling-worker.ts', import.meta.url));

export interface Ceiling {
  /** jose signatures per second on this machine: the better of one process with many in flight and one process per core. */
  RS256: number;
  ES256: number;
  /** argon2id hashes per second with Tessera's parameters, as many in flight as libuv has threads. */
  argon2: number;
}

function worker(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) =>
      code === 0
        ? resolve((JSON.parse(out.trim().split('\n').pop() as string) as { perSecond: number }).perSecond)
        : reject(new Error(`ceiling worker ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Runs while nothing else of the benchmark does. */
export async function measureCeiling(seconds: number): Promise<Ceiling & { detail: string[] }> {
  const cores = availableParallelism();
  const detail: string[] = [];
  const sign = async (alg: string) => {
    // jose signs with WebCrypto, which runs on libuv's thread pool: one process can use every core.
    const single = await worker(['sign', alg, String(seconds), '64']);
    const perCore = (await Promise.all(Array.from({ length: cores }, () => worker(['sign', alg, String(seconds), '16'])))).reduce(
      (a, b) => a + b,
      0,
    );
    const node = await worker(['sign-node', alg, String(seconds), '64']);
    detail.push(
      `${alg}: jose ${Math.round(single)}/s from one process, ${Math.round(perCore)}/s from ${cores} processes ` +
        `(the ceiling: the better of the two); node:crypto on the thread pool, one process: ${Math.round(node)}/s`,
    );
    return Math.max(single, perCore);
  };
  const RS256 = await sign('RS256');
  const ES256 = await sign('ES256');
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const argon2 = await worker(['argon2', String(Math.max(seconds, 2)), String(threads)]);
  detail.push(`argon2id: ${argon2.toFixed(1)}/s with ${threads} in flight (libuv's thread pool)`);
  return { RS256, ES256, argon2, detail };
}
