import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { usedJtisStore } from '../../src/storage/used-jtis-store.js';
import { expiredRowsStore } from '../../src/storage/expired-rows-store.js';

for (const kind of DATABASES) {
  describe(`used jtis store (${kind})`, () => {
    let db: Db;
    useMigratedDatabase(kind, (opened) => (db = opened));

    it('accepts a key once and refuses it while it lives', async () => {
      const store = usedJtisStore(db);
      assert.equal(await store.remember('c:1', 2000, 1000), true);
      assert.equal(await store.remember('c:1', 2000, 1500), false);
      assert.equal(await store.remember('other:1', 2000, 1500), true, 'per client');
    });

    it('lets exactly one of many concurrent uses win', async () => {
      const store = usedJtisStore(db);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.remember('c:race', 5000, 1000)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('lets a key be taken again once its record expired, and the janitor deletes expired records', async () => {
      const store = usedJtisStore(db);
      assert.equal(await store.remember('c:old', 100, 50), true);
      assert.equal(await store.remember('c:old', 400, 200), true);
      assert.equal(await store.remember('c:old', 500, 300), false);
      assert.equal(await store.remember('c:gone', 10, 5), true);
      const step = expiredRowsStore(db, { auditRetentionDays: 0 }).find((s) => s.name === 'used_jtis')!;
      assert.ok((await step.purge(20, 100)) >= 1);
      assert.equal(await store.remember('c:gone', 600, 300), true);
    });
  });
}
