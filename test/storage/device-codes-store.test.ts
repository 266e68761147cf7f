import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { deviceCodesStore } from '../../src/storage/device-codes-store.js';
import { grantsStore } from '../../src/storage/grants-store.js';
import { expiredRowsStore } from '../../src/storage/expired-rows-store.js';
import type { DeviceCodeRecord, DeviceCodesStore, GrantRecord } from '../../src/storage/ports.js';
import { generateUserCode } from '../../src/tokens/user-code.js';
import { randomToken } from '../../src/util/random.js';

const NOW = 1_800_000_000;

function pending(overrides: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord {
  return {
    deviceCodeHash: randomToken(32),
    userCode: generateUserCode(),
    clientId: 'tv',
    scope: 'openid',
    status: 'pending',
    userId: null,
    grantId: null,
    authTime: null,
    acr: null,
    amr: [],
    sid: null,
    interval: 5,
    lastPolledAt: null,
    createdAt: NOW,
    expiresAt: NOW + 600,
    consumedAt: null,
    ...overrides,
  };
}

const APPROVAL = { userId: 'u1', authTime: NOW, acr: null, amr: ['pwd'], sid: 's1' };

/** A fresh grant for each approval: the store writes it with the approval. */
const grant = (id = randomToken(8)): GrantRecord => ({
  id,
  userId: 'u1',
  clientId: 'tv',
  scope: 'openid',
  sid: null,
  createdAt: NOW,
  expiresAt: NOW + 3600,
  revokedAt: null,
});

for (const kind of DATABASES) {
  describe(`device codes store (${kind})`, () => {
    let db: Db;
    let store: DeviceCodesStore;
    useMigratedDatabase(kind, (opened) => {
      db = opened;
      store = deviceCodesStore(db);
    });

    it('allows the first poll, then slow_down within the interval, growing it by 5 s each time', async () => {
      const record = pending();
      await store.create(record);
      assert.equal((await store.recordPoll(record.deviceCodeHash, NOW)).outcome, 'allowed');
      const fast = await store.recordPoll(record.deviceCodeHash, NOW + 4);
      assert.equal(fast.outcome, 'slow_down');
      assert.equal(fast.outcome === 'slow_down' && fast.record.interval, 10);
      // counted from the slowed poll, with the new interval
      assert.equal((await store.recordPoll(record.deviceCodeHash, NOW + 13)).outcome, 'slow_down');
      assert.equal((await store.findByDeviceCode(record.deviceCodeHash))?.interval, 15);
      assert.equal((await store.recordPoll(record.deviceCodeHash, NOW + 28)).outcome, 'allowed');
      assert.equal((await store.recordPoll('nope', NOW)).outcome, 'unknown');
    });

    it('lets exactly one of many concurrent polls through', async () => {
      const record = pending();
      await store.create(record);
      const results = await Promise.all(Array.from({ length: 25 }, () => store.recordPoll(record.deviceCodeHash, NOW)));
      assert.equal(results.filter((r) => r.outcome === 'allowed').length, 1);
    });

    it('approves or denies a pending, unexpired code once', async () => {
      const a = pending();
      const b = pending();
      const expired = pending({ expiresAt: NOW - 1 });
      for (const r of [a, b, expired]) await store.create(r);
      assert.equal(await store.approve(a.userCode, grant('g1'), APPROVAL, NOW), true);
      assert.equal(await store.approve(a.userCode, grant('g-late'), APPROVAL, NOW), false);
      assert.equal(await grantsStore(db).find('g-late'), undefined, 'a refused approval stores no grant');
      assert.equal(await store.deny(a.userCode, NOW), false);
      const approved = await store.findByUserCode(a.userCode);
      assert.equal(approved?.status, 'approved');
      assert.equal(approved?.userId, 'u1');
      assert.equal(approved?.grantId, 'g1');
      assert.deepEqual(approved?.amr, ['pwd']);
      assert.equal((await grantsStore(db).find('g1'))?.clientId, 'tv');
      assert.equal(approved?.sid, 's1');
      assert.equal(await store.deny(b.userCode, NOW), true);
      assert.equal(await store.approve(b.userCode, grant(), APPROVAL, NOW), false);
      assert.equal(await store.approve(expired.userCode, grant(), APPROVAL, NOW), false);
    });

    it('consumes an approved code exactly once, even concurrently', async () => {
      const record = pending();
      await store.create(record);
      assert.equal(await store.consume(record.deviceCodeHash, NOW), undefined, 'pending is not consumable');
      await store.approve(record.userCode, grant(), APPROVAL, NOW);
      const results = await Promise.all(Array.from({ length: 25 }, () => store.consume(record.deviceCodeHash, NOW)));
      assert.equal(results.filter(Boolean).length, 1);
      const consumed = await store.findByDeviceCode(record.deviceCodeHash);
      assert.equal(consumed?.status, 'consumed');
      assert.equal(consumed?.consumedAt, NOW);
    });

    it('the janitor deletes expired codes', async () => {
      const old = pending({ expiresAt: NOW - 3600 });
      await store.create(old);
      const step = expiredRowsStore(db, { auditRetentionDays: 0 }).find((s) => s.name === 'device_codes')!;
      assert.ok((await step.purge(NOW, 100)) >= 1);
      assert.equal(await store.findByDeviceCode(old.deviceCodeHash), undefined);
    });
  });
}
