import type { Logger } from 'pino';
import type { Config } from '../config/load-config.js';
import type { PurgeStep } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { purgeExpired, type PurgeReport } from './purge-expired.js';

export interface Janitor {
  /** One full purge now (also what `tessera janitor` runs). */
  runOnce(): Promise<PurgeReport>;
  /** Stops the timer and any purge in progress (between batches). */
  stop(): void;
}

export interface JanitorDeps {
  /** What to purge, table by table (storage/expired-rows-store.ts). */
  steps: PurgeStep[];
  config: Pick<Config, 'janitor'>;
  clock: Clock;
}

/**
 * Purges expired rows of the provider's database, every `janitor.interval` seconds when
 * started with `schedule`. Every instance may run one: deletes are idempotent, and a run
 * never overlaps the previous one in the same process. The timer does not keep the process alive.
 */
export function createJanitor({ steps, config, clock }: JanitorDeps, logger?: Logger): Janitor & { schedule(): void } {
  const { batchSize, pause, interval } = config.janitor;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PurgeReport> | undefined;

  const runOnce = () => {
    running ??= purgeExpired(steps, { batchSize, pause, signal: abort.signal, clock }).finally(() => {
      running = undefined;
    });
    return running;
  };

  return {
    runOnce,
    schedule() {
      if (interval <= 0 || timer) return;
      timer = setInterval(() => {
        runOnce().then(
          (report) => {
            const total = Object.values(report).reduce((a, b) => a + b, 0);
            if (total > 0) logger?.info({ purged: report }, 'janitor purged expired rows');
          },
          (err) => logger?.warn({ err }, 'janitor run failed; will retry at the next interval'),
        );
      }, interval * 1000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      abort.abort();
    },
  };
}
