import { sql } from 'kysely';
import type { Db } from './database.js';
import type { DeviceCodeRow } from './schema.js';

export type DeviceCodeRecord = DeviceCodeRow;

/** What the verification page records when the end-user allows the device. */
export interface DeviceApproval {
  userId: string;
  grantId: string;
  authTime: number;
  acr: string | null;
  /** JSON array of strings, as in the other grant tables. */
  amr: string | null;
  sid: string | null;
}

/** The outcome of one poll of the token endpoint (RFC 8628 §3.4, §3.5). */
export type PollResult =
  | { outcome: 'allowed'; record: DeviceCodeRecord }
  | { outcome: 'slow_down'; record: DeviceCodeRecord }
  | { outcome: 'unknown' };

/**
 * Device authorization requests (RFC 8628), found by the hash of the device code or by
 * the normalised user code. Every state change is one conditional UPDATE, so several
 * processes on one database agree on it.
 */
export interface DeviceCodesStore {
  create(record: DeviceCodeRecord): Promise<void>;
  findByDeviceCode(deviceCodeHash: string): Promise<DeviceCodeRecord | undefined>;
  findByUserCode(userCode: string): Promise<DeviceCodeRecord | undefined>;
  /** Pending and unexpired → approved, once. False if it was not pending (or expired) any more. */
  approve(userCode: string, approval: DeviceApproval, now: number): Promise<boolean>;
  /** Pending and unexpired → denied, once. */
  deny(userCode: string, now: number): Promise<boolean>;
  /**
   * Counts one poll: if the previous poll was at least `interval` seconds ago it records this
   * one and answers `allowed`; otherwise it adds 5 s to the stored interval (RFC 8628 §3.5)
   * and answers `slow_down`. Of concurrent polls within one interval at most one is allowed.
   */
  recordPoll(deviceCodeHash: string, now: number): Promise<PollResult>;
  /** Approved → consumed, atomically (STYLE.md §7): the record on the first call only. */
  consume(deviceCodeHash: string, now: number): Promise<DeviceCodeRecord | undefined>;
  deleteExpired(before: number, limit: number): Promise<number>;
}

/** RFC 8628 §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests". */
export const SLOW_DOWN_STEP = 5;

export function deviceCodesStore(db: Db): DeviceCodesStore {
  return {
    async create(record) {
      await db.insertInto('device_codes').values(record).execute();
    },
    findByDeviceCode: (hash) => db.selectFrom('device_codes').selectAll().where('device_code_hash', '=', hash).executeTakeFirst(),
    findByUserCode: (userCode) => db.selectFrom('device_codes').selectAll().where('user_code', '=', userCode).executeTakeFirst(),
    async approve(userCode, approval, now) {
      const result = await db
        .updateTable('device_codes')
        .set({
          status: 'approved',
          user_id: approval.userId,
          grant_id: approval.grantId,
          auth_time: approval.authTime,
          acr: approval.acr,
          amr: approval.amr,
          sid: approval.sid,
        })
        .where('user_code', '=', userCode)
        .where('status', '=', 'pending')
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
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
      if (allowed) return { outcome: 'allowed', record: allowed };
      // Too early: the penalty, counted from this poll (RFC 8628 §3.5).
      const slowed = await db
        .updateTable('device_codes')
        .set({ last_polled_at: now, interval: sql<number>`${sql.ref('interval')} + ${SLOW_DOWN_STEP}` })
        .where('device_code_hash', '=', hash)
        .returningAll()
        .executeTakeFirst();
      return slowed ? { outcome: 'slow_down', record: slowed } : { outcome: 'unknown' };
    },
    consume: (hash, now) =>
      db
        .updateTable('device_codes')
        .set({ status: 'consumed', consumed_at: now })
        .where('device_code_hash', '=', hash)
        .where('status', '=', 'approved')
        .returningAll()
        .executeTakeFirst(),
    async deleteExpired(before, limit) {
      const victims = db.selectFrom('device_codes').select('device_code_hash').where('expires_at', '<', before).limit(limit);
      const result = await db.deleteFrom('device_codes').where('device_code_hash', 'in', victims).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
