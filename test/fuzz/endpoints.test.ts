import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DATABASES } from '../support/databases.js';
import { assertSafeAnswer, send, startFuzzServer, type FuzzServer } from './hostile-server.js';
import { encode, request } from './arbitraries.js';

/** Runs per endpoint: enough to reach the branches, small enough for every CI run. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

for (const database of DATABASES) {
  describe(`hostile requests to every endpoint (${database})`, () => {
    let fuzz: FuzzServer;
    before(async () => {
      fuzz = await startFuzzServer(database);
    });
    after(() => fuzz.server.close());

    it('answers random, missing, repeated and malformed input with a safe 4xx on every path', async () => {
      for (const path of fuzz.paths) {
        await fc.assert(
          fc.asyncProperty(request, async (r) => {
            const req = encode(path, r);
            const res = await send(fuzz.server.url, req).catch((err: Error) => {
              throw new Error(`${req.method} ${req.path.slice(0, 200)} ${JSON.stringify(req.headers).slice(0, 300)}: ${err.message}`);
            });
            assertSafeAnswer(fuzz, req, res);
          }),
          { numRuns: RUNS, endOnFailure: true, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
        );
      }
    });
  });
}
