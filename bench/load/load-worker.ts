import type { LoadSpec, SignInSpec } from './load-spec.js';
import { runAutocannon } from './run-autocannon.js';
import { runSignIns } from './run-sign-ins.js';

/**
 * The load generator's own process (forked by bench/run.ts), so that its CPU is never the
 * provider's: it receives one job at a time over IPC and answers with the result.
 */
type Job = { id: number; type: 'load'; spec: LoadSpec } | { id: number; type: 'sign-ins'; spec: SignInSpec };

process.on('message', (job: Job) => {
  const work = job.type === 'load' ? runAutocannon(job.spec) : runSignIns(job.spec);
  work.then(
    (result) => process.send?.({ id: job.id, result }),
    (err: Error) => process.send?.({ id: job.id, error: err.stack ?? String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
