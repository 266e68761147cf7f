import type { Db } from './database.js';
import type { GrantRow } from './schema.js';

export type GrantRecord = GrantRow;

/**
 * Grants: one authorization of one client by one user (an authorization code or device code
 * and every token that descends from it). Revoking a grant revokes all of them at once.
 */
export interface GrantsStore {
  insert(grant: GrantRecord): Promise<void>;
  find(id: string): Promise<GrantRecord | undefined>;
  /** Marks the grant and its refresh and access tokens revoked, in one transaction. */
  revoke(id: string, now: number): Promise<void>;
  /** Grants of a browser session (for logout). */
  findBySid(sid: string): Promise<GrantRecord[]>;
}

export function grantsStore(db: Db): GrantsStore {
  return {
    async insert(grant) {
      await db.insertInto('grants').values(grant).execute();
    },
    find: (id) => db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst(),
    async revoke(id, now) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('grants').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
        await trx.updateTable('refresh_tokens').set({ revoked_at: now }).where('grant_id', '=', id).where('revoked_at', 'is', null).execute();
        await trx.updateTable('access_tokens').set({ revoked_at: now }).where('grant_id', '=', id).where('revoked_at', 'is', null).execute();
      });
    },
    findBySid: (sid) => db.selectFrom('grants').selectAll().where('sid', '=', sid).execute(),
  };
}
