import type { Db } from './database.js';

/**
 * Identifiers of client assertions already accepted (RFC 7523 §3: a `jti` is never accepted
 * twice). Each is kept until the assertion it came from expires.
 */
export interface UsedJtisStore {
  /**
   * Records `key` until `expiresAt` in one atomic statement. Returns false when the key is
   * already recorded and not yet expired: the assertion is a replay.
   */
  remember(key: string, expiresAt: number, now: number): Promise<boolean>;
  deleteExpired(before: number, limit: number): Promise<number>;
}

export function usedJtisStore(db: Db): UsedJtisStore {
  return {
    async remember(key, expiresAt, now) {
      // Insert-or-fail: the primary key decides; a row left behind by an expired assertion
      // may be taken over, a live one may not (the conditional update changes no row).
      const result = await db
        .insertInto('used_jtis')
        .values({ key, expires_at: expiresAt })
        .onConflict((oc) => oc.column('key').doUpdateSet({ expires_at: expiresAt }).where('used_jtis.expires_at', '<=', now))
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async deleteExpired(before, limit) {
      const victims = db.selectFrom('used_jtis').select('key').where('expires_at', '<', before).limit(limit);
      const result = await db.deleteFrom('used_jtis').where('key', 'in', victims).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
