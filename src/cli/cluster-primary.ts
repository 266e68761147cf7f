import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

export interface ClusterOptions {
  workers: number;
  logger: Logger;
  /** Called once, when every first-generation worker listens. */
  onListening: () => void;
}

/** A worker that dies sooner than this after starting is restarted after a pause (no crash loop). */
const QUICK_DEATH_MS = 5_000;
/** How long the workers get to drain before the primary gives up on them. */
const DRAIN_TIMEOUT_MS = 15_000;

/**
 * `serve --workers N`: the primary forks N workers that run the same server on the same
 * port (node:cluster shares the listening socket) and share keys and state through the
 * database. It restarts a worker that dies, and on SIGTERM / SIGINT asks every worker to
 * drain and exits when they all have.
 */
export function runClusterPrimary({ workers, logger, onListening }: ClusterOptions): void {
  let stopping = false;
  let waitingFor = workers;
  const startedAt = new Map<number, number>();

  const fork = () => {
    const worker = cluster.fork();
    startedAt.set(worker.id, Date.now());
  };

  cluster.on('listening', (worker: Worker) => {
    logger.debug({ worker: worker.process.pid }, 'worker listening');
    if (--waitingFor === 0) onListening();
  });

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    startedAt.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info('every worker has drained: exiting');
        process.exit(0);
      }
      return;
    }
    logger.error({ worker: worker.process.pid, code, signal }, 'worker died: starting another');
    if (lived < QUICK_DEATH_MS) setTimeout(fork, 1_000);
    else fork();
  });

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: asking workers to drain');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(1), DRAIN_TIMEOUT_MS).unref();
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  logger.info({ workers }, 'starting workers');
  for (let i = 0; i < workers; i++) fork();
}
