import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { deviceCodesStore, type DeviceCodeRecord, type DeviceCodesStore } from '../../src/storage/device-codes-store.js';
import { generateUserCode } from '../../src/tokens/user-code.js';
import { randomToken } from '../../src/util/random.js';

const NOW = 1_800_000_000;

function pending(overrides: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord {
  return {
    device_code_hash: randomToken(32),
    user_code: generateUserCode(),
    client_id: 'tv',
    scope: 'openid',
    status: 'pending',
    user_id: null,
    grant_id: null,
    auth_time: null,
    acr: null,
    amr: null,
    sid: null,
    interval: 5,
    last_polled_at: null,
    created_at: NOW,
    expires_at: NOW + 600,
    consumed_at: null,
    ...overrides,
  };
}

const APPROVAL = { userId: 'u1', grantId: 'g1', authTime: NOW, acr: null, amr: '["pwd"]', sid: 's1' };

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
      assert.equal((await store.recordPoll(record.device_code_hash, NOW)).outcome, 'allowed');
      const fast = await store.recordPoll(record.device_code_hash, NOW + 4);
      assert.equal(fast.outcome, 'slow_down');
      assert.equal(fast.outcome === 'slow_down' && fast.record.interval, 10);
      // counted from the slowed poll, with the new interval
      assert.equal((await store.recordPoll(record.device_code_hash, NOW + 13)).outcome, 'slow_down');
      assert.equal((await store.findByDeviceCode(record.device_code_hash))?.interval, 15);
      assert.equal((await store.recordPoll(record.device_code_hash, NOW + 28)).outcome, 'allowed');
      assert.equal((await store.recordPoll('nope', NOW)).outcome, 'unknown');
    });

    it('lets exactly one of many concurrent polls through', async () => {
      const record = pending();
      await store.create(record);
      const results = await Promise.all(Array.from({ length: 25 }, () => store.recordPoll(record.device_code_hash, NOW)));
      assert.equal(results.filter((r) => r.outcome === 'allowed').length, 1);
    });

    it('approves or denies a pending, unexpired code once', async () => {
      const a = pending();
      const b = pending();
      const expired = pending({ expires_at: NOW - 1 });
      for (const r of [a, b, expired]) await store.create(r);
      assert.equal(await store.approve(a.user_code, APPROVAL, NOW), true);
      assert.equal(await store.approve(a.user_code, APPROVAL, NOW), false);
      assert.equal(await store.deny(a.user_code, NOW), false);
      const approved = await store.findByUserCode(a.user_code);
      assert.equal(approved?.status, 'approved');
      assert.equal(approved?.user_id, 'u1');
      assert.equal(approved?.grant_id, 'g1');
      assert.equal(approved?.sid, 's1');
      assert.equal(await store.deny(b.user_code, NOW), true);
      assert.equal(await store.approve(b.user_code, APPROVAL, NOW), false);
      assert.equal(await store.approve(expired.user_code, APPROVAL, NOW), false);
    });

    it('consumes an approved code exactly once, even concurrently', async () => {
      const record = pending();
      await store.create(record);
      assert.equal(await store.consume(record.device_code_hash, NOW), undefined, 'pending is not consumable');
      await store.approve(record.user_code, APPROVAL, NOW);
      const results = await Promise.all(Array.from({ length: 25 }, () => store.consume(record.device_code_hash, NOW)));
      assert.equal(results.filter(Boolean).length, 1);
      const consumed = await store.findByDeviceCode(record.device_code_hash);
      assert.equal(consumed?.status, 'consumed');
      assert.equal(consumed?.consumed_at, NOW);
    });

    it('deletes expired codes', async () => {
      const old = pending({ expires_at: NOW - 3600 });
      await store.create(old);
      assert.ok((await store.deleteExpired(NOW, 100)) >= 1);
      assert.equal(await store.findByDeviceCode(old.device_code_hash), undefined);
    });
  });
}
