import type { Db } from './database.js';
import type { AuthorizationCodeRow } from './schema.js';

export type AuthorizationCodeRecord = AuthorizationCodeRow;

/** Authorization codes, stored by hash. */
export interface AuthorizationCodesStore {
  insert(record: AuthorizationCodeRecord): Promise<void>;
  /**
   * Marks the code used, atomically (STYLE.md §7): returns the record on the first use only.
   * A second call finds `consumed_at` set and returns `{ replayed: record }` so the caller can
   * revoke the grant (RFC 6749 §4.1.2).
   */
  consume(codeHash: string, now: number): Promise<{ record?: AuthorizationCodeRecord; replayed?: AuthorizationCodeRecord }>;
  deleteExpired(before: number, limit: number): Promise<number>;
}

export function authorizationCodesStore(db: Db): AuthorizationCodesStore {
  return {
    async insert(record) {
      await db.insertInto('authorization_codes').values(record).execute();
    },
    async consume(codeHash, now) {
      const record = await db
        .updateTable('authorization_codes')
        .set({ consumed_at: now })
        .where('code_hash', '=', codeHash)
        .where('consumed_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (record) return { record };
      const replayed = await db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      return { replayed };
    },
    async deleteExpired(before, limit) {
      const victims = db.selectFrom('authorization_codes').select('code_hash').where('expires_at', '<', before).limit(limit);
      const result = await db.deleteFrom('authorization_codes').where('code_hash', 'in', victims).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
