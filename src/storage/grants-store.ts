import type { Db } from './database.js';
import type { GrantRow } from './schema.js';
import type { GrantRecord, GrantsStore } from './ports.js';

export function grantsStore(db: Db): GrantsStore {
  return {
    async find(id) {
      const row = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toGrantRecord(row);
    },
    async revoke(id, now) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('grants').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
        await trx
          .updateTable('refresh_tokens')
          .set({ revoked_at: now })
          .where('grant_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
        await trx
          .updateTable('access_tokens')
          .set({ revoked_at: now })
          .where('grant_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
      });
    },
    async revokeAllOfUser(userId, now) {
      await db.transaction().execute(async (trx) => {
        const grantsOfUser = trx.selectFrom('grants').select('id').where('user_id', '=', userId);
        for (const table of ['refresh_tokens', 'access_tokens'] as const)
          await trx
            .updateTable(table)
            .set({ revoked_at: now })
            .where('grant_id', 'in', grantsOfUser)
            .where('revoked_at', 'is', null)
            .execute();
        await trx.updateTable('grants').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
      });
    },
    async revokeAllOfUserAndClient(userId, clientId, now) {
      return db.transaction().execute(async (trx) => {
        const grantsOfPair = trx.selectFrom('grants').select('id').where('user_id', '=', userId).where('client_id', '=', clientId);
        for (const table of ['refresh_tokens', 'access_tokens'] as const)
          await trx
            .updateTable(table)
            .set({ revoked_at: now })
            .where('grant_id', 'in', grantsOfPair)
            .where('revoked_at', 'is', null)
            .execute();
        const result = await trx
          .updateTable('grants')
          .set({ revoked_at: now })
          .where('user_id', '=', userId)
          .where('client_id', '=', clientId)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return Number(result.numUpdatedRows);
      });
    },
    async findBySid(sid) {
      const rows = await db.selectFrom('grants').selectAll().where('sid', '=', sid).execute();
      return rows.map(toGrantRecord);
    },
    async listLive({ userId, clientId, limit }, now) {
      let query = db.selectFrom('grants').selectAll().where('revoked_at', 'is', null).where('expires_at', '>', now);
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      if (clientId !== undefined) query = query.where('client_id', '=', clientId);
      const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
      return rows.map(toGrantRecord);
    },
  };
}

/** Grants are written by the stores that create them with their code or device approval. */
export function toGrantRow(grant: GrantRecord): GrantRow {
  return {
    id: grant.id,
    user_id: grant.userId,
    client_id: grant.clientId,
    scope: grant.scope,
    sid: grant.sid,
    created_at: grant.createdAt,
    expires_at: grant.expiresAt,
    revoked_at: grant.revokedAt,
  };
}

function toGrantRecord(row: GrantRow): GrantRecord {
  return {
    id: row.id,
    userId: row.user_id,
    clientId: row.client_id,
    scope: row.scope,
    sid: row.sid,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
