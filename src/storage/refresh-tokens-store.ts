import type { Db } from './database.js';
import type { RefreshTokenRow } from './schema.js';

export type RefreshTokenRecord = RefreshTokenRow;

/** Refresh tokens, stored by hash, in domain words (STYLE.md §5). */
export interface RefreshTokensStore {
  insert(record: RefreshTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Rotation (RFC 9700 §4.14.2): marks the old token used and stores its successor, in one
   * transaction. The mark is atomic (STYLE.md §7): false when the old token was already
   * used or revoked, and then nothing is stored.
   */
  rotate(oldHash: string, successor: RefreshTokenRecord, now: number): Promise<boolean>;
  deleteExpired(before: number, limit: number): Promise<number>;
}

export function refreshTokensStore(db: Db): RefreshTokensStore {
  return {
    async insert(record) {
      await db.insertInto('refresh_tokens').values(record).execute();
    },
    findByHash: (tokenHash) => db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
    rotate: (oldHash, successor, now) =>
      db.transaction().execute(async (trx) => {
        const used = await trx
          .updateTable('refresh_tokens')
          .set({ consumed_at: now })
          .where('token_hash', '=', oldHash)
          .where('consumed_at', 'is', null)
          .where('revoked_at', 'is', null)
          .returning('token_hash')
          .executeTakeFirst();
        if (!used) return false;
        await trx.insertInto('refresh_tokens').values(successor).execute();
        return true;
      }),
    async deleteExpired(before, limit) {
      const victims = db.selectFrom('refresh_tokens').select('token_hash').where('expires_at', '<', before).limit(limit);
      const result = await db.deleteFrom('refresh_tokens').where('token_hash', 'in', victims).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
