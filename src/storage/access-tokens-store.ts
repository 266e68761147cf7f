import type { Db } from './database.js';
import type { AccessTokenRow } from './schema.js';

export type AccessTokenRecord = AccessTokenRow;

/**
 * Access-token records: opaque tokens (found by hash), JWTs of user grants (so that revoking
 * the grant reaches them), and revocations of any JWT by `jti` until it expires.
 */
export interface AccessTokensStore {
  insert(record: AccessTokenRecord): Promise<void>;
  findByHash(tokenHash: string): Promise<AccessTokenRecord | undefined>;
  findByJti(jti: string): Promise<AccessTokenRecord | undefined>;
  /** Records the revocation of a JWT by jti, creating the record if the token had none. */
  revoke(record: Omit<AccessTokenRecord, 'revoked_at'>, now: number): Promise<void>;
  revokeByGrant(grantId: string, now: number): Promise<void>;
  deleteExpired(before: number, limit: number): Promise<number>;
}

export function accessTokensStore(db: Db): AccessTokensStore {
  return {
    async insert(record) {
      await db.insertInto('access_tokens').values(record).execute();
    },
    findByHash: (tokenHash) => db.selectFrom('access_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
    findByJti: (jti) => db.selectFrom('access_tokens').selectAll().where('jti', '=', jti).executeTakeFirst(),
    async revoke(record, now) {
      await db
        .insertInto('access_tokens')
        .values({ ...record, revoked_at: now })
        .onConflict((oc) => oc.column('jti').doUpdateSet({ revoked_at: now }))
        .execute();
    },
    async revokeByGrant(grantId, now) {
      await db.updateTable('access_tokens').set({ revoked_at: now }).where('grant_id', '=', grantId).where('revoked_at', 'is', null).execute();
    },
    async deleteExpired(before, limit) {
      const victims = db.selectFrom('access_tokens').select('jti').where('expires_at', '<', before).limit(limit);
      const result = await db.deleteFrom('access_tokens').where('jti', 'in', victims).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
