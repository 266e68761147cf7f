import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES } from '../support/databases.js';
import { runSoak } from '../../bench/soak.js';

// The short form of `npm run soak` (the full one runs 60 s or more): every flow, across two
// instances on PostgreSQL when it is in TEST_DATABASES, must finish without a single error.
describe('soak (short form)', () => {
  it('runs the four walkthrough flows as a mixed load for 15 s without an error', async () => {
    const report = await runSoak({
      durationSeconds: Number(process.env.SOAK_SECONDS ?? 15),
      instances: DATABASES.includes('postgres') ? 2 : 1,
      concurrency: 4,
    });
    assert.equal(report.errors, 0, report.errorSamples.join('\n'));
    for (const flow of ['authorization_code', 'refresh_token', 'client_credentials', 'device_code'])
      assert.ok((report.flows[flow] ?? 0) > 0, `${flow} ran`);
    assert.ok(report.rssEndMb.every((mb) => Number.isFinite(mb)));
  });
});
