/**
 * `npm run soak [-- --duration 60 --instances 1 --concurrency 8]`: the walkthrough's flows as a
 * mixed load (authorization code with sign-in and consent, refresh, client credentials, device
 * flow) against real `tessera serve` processes, crossing instances when there are several.
 * Reports errors (must be 0: the exit code is 1 otherwise), throughput, p50/p99 latency and the
 * servers' resident memory at start and end.
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../test/support/test-provider.js';
import { createSharedSchema, spawnTessera, type SpawnedTessera } from '../test/support/spawn-tessera.js';
import {
  approveDevice,
  clientCredentials,
  flowConfig,
  getCode,
  pollDevice,
  redeemCode,
  refresh,
  startDevice,
} from '../test/support/cluster-flows.js';

export interface SoakOptions {
  durationSeconds: number;
  instances: number;
  concurrency: number;
  /** Where to print progress; silent when omitted. */
  log?: (line: string) => void;
}

export interface SoakReport {
  durationSeconds: number;
  instances: number;
  flows: Record<string, number>;
  requests: number;
  errors: number;
  errorSamples: string[];
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  rssStartMb: number[];
  rssEndMb: number[];
}

/** `on` and `next` are instances; the sign-in pages run on the first (the issuer), whose URLs they print. */
type Flow = (on: string, next: string, issuer: string) => Promise<void>;

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/** /metrics is served outside dev mode only with a token. */
const METRICS_TOKEN = 'soak-metrics-token-0123456789';

/** The four walkthrough flows; each starts on one instance and finishes on the next. */
const FLOWS: Record<string, { weight: number; run: Flow }> = {
  authorization_code: {
    weight: 3,
    async run(on, next, issuer) {
      const { code, verifier } = await getCode(issuer);
      const tokens = await redeemCode(next, code, verifier);
      expect(tokens.status === 200, `code exchange: ${tokens.status} ${JSON.stringify(tokens.body)}`);
      const userinfo = await fetch(`${on}/userinfo`, { headers: { authorization: `Bearer ${tokens.body.access_token}` } });
      expect(userinfo.status === 200, `userinfo: ${userinfo.status}`);
      const refreshed = await refresh(on, tokens.body.refresh_token as string);
      expect(refreshed.status === 200, `refresh: ${refreshed.status} ${JSON.stringify(refreshed.body)}`);
    },
  },
  refresh_token: {
    weight: 2,
    async run(on, next, issuer) {
      const { code, verifier } = await getCode(issuer);
      let tokens = (await redeemCode(on, code, verifier)).body;
      for (const target of [next, on, next]) {
        const refreshed = await refresh(target, tokens.refresh_token as string);
        expect(refreshed.status === 200, `refresh chain: ${refreshed.status} ${JSON.stringify(refreshed.body)}`);
        tokens = refreshed.body;
      }
    },
  },
  client_credentials: {
    weight: 4,
    async run(on) {
      const tokens = await clientCredentials(on);
      expect(tokens.status === 200, `client credentials: ${tokens.status} ${JSON.stringify(tokens.body)}`);
    },
  },
  device_code: {
    weight: 1,
    async run(on, next) {
      const device = (await startDevice(on)) as { device_code: string; user_code: string; interval: number };
      const pending = await pollDevice(next, device.device_code);
      expect(pending.body.error === 'authorization_pending', `first poll: ${JSON.stringify(pending.body)}`);
      await approveDevice(next, device.user_code);
      await new Promise((resolve) => setTimeout(resolve, device.interval * 1000 + 50));
      const tokens = await pollDevice(on, device.device_code);
      expect(tokens.status === 200, `device poll: ${tokens.status} ${JSON.stringify(tokens.body)}`);
    },
  },
};

async function rssMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = text.split('\n').find((l) => l.startsWith('process_resident_memory_bytes '));
  return line ? Math.round(Number(line.split(' ')[1]) / 1048576) : NaN;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
  const issuer = `http://127.0.0.1:${ports[0]}`;
  // One instance runs on SQLite; several share a PostgreSQL schema, as in production.
  const dir = mkdtempSync(join(tmpdir(), 'tessera-soak-'));
  const shared = options.instances > 1 ? await createSharedSchema() : undefined;
  const databaseUrl = shared?.url ?? `sqlite:${join(dir, 'soak.db')}`;
  const config = flowConfig({
    databaseUrl,
    issuer,
    // One address and one public client start every device flow of the load: the per-(client, address)
    // limit of /device/auth, like the sign-in limits below, is for strangers, not for this.
    device: { interval: 1, authorizationRequestsPerAddress: 0 },
    metrics: { enabled: true, token: METRICS_TOKEN },
    signIn: { maxFailuresPerAccountAndAddress: 1000, maxFailuresPerAccount: 1000, maxFailuresPerAddress: 100000, window: 60 },
  });
  const servers: SpawnedTessera[] = [];
  const realFetch = globalThis.fetch;
  try {
    servers.push(await spawnTessera({ config, port: ports[0] }));
    servers.push(...(await Promise.all(ports.slice(1).map((port) => spawnTessera({ config, port })))));
    const urls = servers.map((s) => s.url);
    const rssStartMb = await Promise.all(urls.map(rssMb));
    const database = shared ? 'PostgreSQL' : 'SQLite';
    log(`soak: ${options.instances} instance(s) on ${database}, ${options.concurrency} clients, ${options.durationSeconds} s`);

    const latencies: number[] = [];
    globalThis.fetch = async (input, init) => {
      const started = performance.now();
      const response = await realFetch(input, init);
      latencies.push(performance.now() - started);
      return response;
    };
    const flows: Record<string, number> = {};
    const errorSamples: string[] = [];
    let errors = 0;
    const deck = Object.entries(FLOWS).flatMap(([name, flow]) => Array<string>(flow.weight).fill(name));
    const started = Date.now();
    const deadline = started + options.durationSeconds * 1000;
    let turn = 0;
    const client = async (id: number) => {
      while (Date.now() < deadline) {
        const name = deck[(turn++ + id) % deck.length];
        const i = turn % urls.length;
        try {
          await FLOWS[name].run(urls[i], urls[(i + 1) % urls.length], urls[0]);
          flows[name] = (flows[name] ?? 0) + 1;
        } catch (err) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${name}: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, (_, id) => client(id)));
    const elapsed = (Date.now() - started) / 1000;
    globalThis.fetch = realFetch;
    const rssEndMb = await Promise.all(urls.map(rssMb));
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      durationSeconds: Math.round(elapsed),
      instances: options.instances,
      flows,
      requests: latencies.length,
      errors,
      errorSamples,
      requestsPerSecond: Math.round(latencies.length / elapsed),
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      rssStartMb,
      rssEndMb,
    };
  } finally {
    globalThis.fetch = realFetch;
    await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    await shared?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      instances: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '8' },
      json: { type: 'boolean' },
    },
  });
  const report = await runSoak({
    durationSeconds: Number(values.duration),
    instances: Number(values.instances),
    concurrency: Number(values.concurrency),
    log: (l) => console.error(l),
  });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(
      `flows:       ${Object.entries(report.flows)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    console.log(`requests:    ${report.requests} in ${report.durationSeconds} s = ${report.requestsPerSecond} req/s`);
    console.log(`latency:     p50 ${report.p50Ms} ms, p99 ${report.p99Ms} ms`);
    console.log(`memory RSS:  start ${report.rssStartMb.join(', ')} MB, end ${report.rssEndMb.join(', ')} MB`);
    console.log(`errors:      ${report.errors}${report.errorSamples.length ? `\n  ${report.errorSamples.join('\n  ')}` : ''}`);
  }
  process.exitCode = report.errors === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
