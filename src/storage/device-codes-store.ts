import { sql } from 'kysely';
import type { Db } from './database.js';
import type { DeviceCodeRow } from './schema.js';
import type { DeviceCodeRecord, DeviceCodesStore } from './ports.js';
import { toGrantRow } from './grants-store.js';
import { readStringList, writeStringList } from './json-columns.js';

/** RFC 8628 §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests". */
export const SLOW_DOWN_STEP = 5;

export function deviceCodesStore(db: Db): DeviceCodesStore {
  return {
    async create(record) {
      await db.insertInto('device_codes').values(toRow(record)).execute();
    },
    async findByDeviceCode(hash) {
      const row = await db.selectFrom('device_codes').selectAll().where('device_code_hash', '=', hash).executeTakeFirst();
      return row && toRecord(row);
    },
    async findByUserCode(userCode) {
      const row = await db.selectFrom('device_codes').selectAll().where('user_code', '=', userCode).executeTakeFirst();
      return row && toRecord(row);
    },
    approve: (userCode, grant, approval, now) =>
      db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('grants').values(toGrantRow(grant)).execute();
          const result = await trx
            .updateTable('device_codes')
            .set({
              status: 'approved',
              user_id: approval.userId,
              grant_id: grant.id,
              auth_time: approval.authTime,
              acr: approval.acr,
              amr: writeStringList(approval.amr),
              sid: approval.sid,
            })
            .where('user_code', '=', userCode)
            .where('status', '=', 'pending')
            .where('expires_at', '>', now)
            .executeTakeFirst();
          // Not pending any more (decided in another tab, or expired): the grant must not stay.
          if (Number(result.numUpdatedRows) !== 1) throw new NotApproved();
          return true;
        })
        .catch((err: unknown) => {
          if (err instanceof NotApproved) return false;
          throw err;
        }),
    async deny(userCode, now) {
      const result = await db
        .updateTable('device_codes')
        .set({ status: 'denied' })
        .where('user_code', '=', userCode)
        .where('status', '=', 'pending')
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async recordPoll(hash, now) {
      // The one decision: only a poll at least `interval` after the previous one gets through.
      const allowed = await db
        .updateTable('device_codes')
        .set({ last_polled_at: now })
        .where('device_code_hash', '=', hash)
        .where((eb) => eb.or([eb('last_polled_at', 'is', null), eb(sql<number>`last_polled_at + ${sql.ref('interval')}`, '<=', now)]))
        .returningAll()
        .executeTakeFirst();
      if (allowed) return { outcome: 'allowed', record: toRecord(allowed) };
      // Too early: the penalty, counted from this poll (RFC 8628 §3.5).
      const slowed = await db
        .updateTable('device_codes')
        .set({ last_polled_at: now, interval: sql<number>`${sql.ref('interval')} + ${SLOW_DOWN_STEP}` })
        .where('device_code_hash', '=', hash)
        .returningAll()
        .executeTakeFirst();
      return slowed ? { outcome: 'slow_down', record: toRecord(slowed) } : { outcome: 'unknown' };
    },
    async consume(hash, now) {
      const row = await db
        .updateTable('device_codes')
        .set({ status: 'consumed', consumed_at: now })
        .where('device_code_hash', '=', hash)
        .where('status', '=', 'approved')
        .returningAll()
        .executeTakeFirst();
      return row && toRecord(row);
    },
  };
}

/** Rolls the approval's transaction back when the code was no longer pending. */
class NotApproved extends Error {}

function toRow(record: DeviceCodeRecord): DeviceCodeRow {
  return {
    device_code_hash: record.deviceCodeHash,
    user_code: record.userCode,
    client_id: record.clientId,
    scope: record.scope,
    status: record.status,
    user_id: record.userId,
    grant_id: record.grantId,
    auth_time: record.authTime,
    acr: record.acr,
    amr: writeStringList(record.amr),
    sid: record.sid,
    resource: record.resource ?? null,
    interval: record.interval,
    last_polled_at: record.lastPolledAt,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    consumed_at: record.consumedAt,
  };
}

function toRecord(row: DeviceCodeRow): DeviceCodeRecord {
  return {
    deviceCodeHash: row.device_code_hash,
    userCode: row.user_code,
    clientId: row.client_id,
    scope: row.scope,
    status: row.status,
    userId: row.user_id,
    grantId: row.grant_id,
    authTime: row.auth_time,
    acr: row.acr,
    amr: readStringList(row.amr),
    sid: row.sid,
    resource: row.resource,
    interval: row.interval,
    lastPolledAt: row.last_polled_at,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  };
}
