import type { LoadResult, LoadSpec } from './load/load-spec.js';
import type { Prepared, Scenario, Side, Target } from './scenarios.js';
import type { LoadClient } from './support/load-client.js';

export interface Measurement {
  rate: number;
  p50: number;
  p99: number;
  failures: number;
  rates: number[];
  sample?: string;
}

export interface Row {
  scenario: Scenario;
  /** Which Tessera: "SQLite", "PostgreSQL", "SQLite, 2 workers", ... */
  variant: string;
  tessera?: Measurement;
  peer?: Measurement;
  /** Why a side did not run. */
  skipped?: string;
}

export interface LoadOptions {
  connections: number;
  duration: number;
  rounds: number;
  warmup: number;
  log: (line: string) => void;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

export function summarize(results: LoadResult[]): Measurement {
  return {
    rate: median(results.map((r) => r.rate)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    failures: results.reduce((sum, r) => sum + r.failures, 0),
    rates: results.map((r) => r.rate),
    sample: results.find((r) => r.sample)?.sample,
  };
}

export async function runOnce(
  load: LoadClient,
  prepared: Prepared,
  options: { connections: number; duration: number; overallRate?: number },
): Promise<LoadResult> {
  await prepared.beforeRun?.(prepared.spec);
  const result = await load.load({ ...prepared.spec, ...options } as LoadSpec);
  if (result.tokens) prepared.spec.tokens = result.tokens;
  return result;
}

/**
 * Runs one scenario against Tessera and the peer: a warm-up of each, then rounds that
 * alternate which goes first, same connections and duration. `during` is called with the
 * side being measured (to sample its memory).
 */
export async function compare(
  load: LoadClient,
  scenario: Scenario,
  variant: string,
  targets: Partial<Record<Side, Target>>,
  options: LoadOptions,
  during?: (side: Side) => () => void,
): Promise<Row> {
  const row: Row = { scenario, variant };
  const missing = targets.tessera && scenario.missing(targets.tessera.discovery);
  if (missing) {
    row.skipped = `Tessera has ${missing} yet`;
    options.log(`  ${scenario.id} ${variant}: skipped (${row.skipped})`);
    return row;
  }
  const prepared: Partial<Record<Side, Prepared>> = {};
  for (const side of ['tessera', 'peer'] as Side[]) {
    const target = targets[side];
    if (!target) continue;
    try {
      prepared[side] = await scenario.prepare(target);
      await runOnce(load, prepared[side], { connections: options.connections, duration: options.warmup });
    } catch (err) {
      options.log(`  ${scenario.id} ${variant} ${side}: could not prepare: ${(err as Error).message.split('\n')[0]}`);
      row.skipped = `${side}: ${(err as Error).message.split('\n')[0].slice(0, 160)}`;
      delete prepared[side];
    }
  }
  const results: Record<Side, LoadResult[]> = { tessera: [], peer: [] };
  for (let round = 0; round < options.rounds; round++) {
    const order: Side[] = round % 2 ? ['peer', 'tessera'] : ['tessera', 'peer'];
    for (const side of order) {
      if (!prepared[side]) continue;
      const stop = during?.(side);
      try {
        results[side].push(await runOnce(load, prepared[side], { connections: options.connections, duration: options.duration }));
      } finally {
        stop?.();
      }
    }
  }
  if (results.tessera.length) row.tessera = summarize(results.tessera);
  if (results.peer.length) row.peer = summarize(results.peer);
  const show = (m?: Measurement) =>
    m ? `${m.rate.toFixed(0)}/s p99 ${m.p99.toFixed(1)} ms${m.failures ? ` (${m.failures} failed: ${m.sample})` : ''}` : '-';
  options.log(`  ${scenario.id} ${variant}: tessera ${show(row.tessera)} | peer ${show(row.peer)}`);
  return row;
}
