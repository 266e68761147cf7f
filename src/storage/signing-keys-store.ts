import type { Db } from './database.js';
import type { SigningKeyRow } from './schema.js';

export type StoredSigningKey = SigningKeyRow;

/** The signing keys table in domain words. Private parts arrive and leave encrypted. */
export interface SigningKeysStore {
  list(): Promise<StoredSigningKey[]>;
  insert(key: StoredSigningKey): Promise<void>;
  /** Stops a key from signing; it stays published until `expiresAt`. */
  retire(kid: string, retiredAt: number, expiresAt: number): Promise<void>;
  /** Drops keys whose publication period is over. */
  deleteExpired(now: number): Promise<number>;
}

export function signingKeysStore(db: Db): SigningKeysStore {
  return {
    list: () => db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid').execute(),
    async insert(key) {
      await db.insertInto('signing_keys').values(key).execute();
    },
    async retire(kid, retiredAt, expiresAt) {
      await db
        .updateTable('signing_keys')
        .set({ retired_at: retiredAt, expires_at: expiresAt })
        .where('kid', '=', kid)
        .where('retired_at', 'is', null)
        .execute();
    },
    async deleteExpired(now) {
      const result = await db.deleteFrom('signing_keys').where('expires_at', '<', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
