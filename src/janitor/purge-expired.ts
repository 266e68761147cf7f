import type { PurgeStep } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';

export interface PurgeOptions {
  /** Rows per DELETE: small statements hold locks briefly, so requests are never stalled behind a purge. */
  batchSize: number;
  /** Milliseconds between batches, leaving the database to requests. */
  pause: number;
  /** Stops between batches when aborted (shutdown). */
  signal?: AbortSignal;
  clock: Clock;
}

/** Rows deleted per kind. */
export type PurgeReport = Record<string, number>;

/** Runs every step in batches until nothing expired is left; returns what was deleted. */
export async function purgeExpired(steps: PurgeStep[], options: PurgeOptions): Promise<PurgeReport> {
  const report: PurgeReport = {};
  for (const step of steps) {
    report[step.name] = 0;
    for (;;) {
      if (options.signal?.aborted) return report;
      const deleted = await step.purge(options.clock.nowSeconds(), options.batchSize);
      report[step.name] += deleted;
      if (deleted < options.batchSize) break;
      if (options.pause > 0) await new Promise((resolve) => setTimeout(resolve, options.pause));
    }
  }
  return report;
}
