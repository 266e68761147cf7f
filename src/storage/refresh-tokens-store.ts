import type { Db } from './database.js';
import type { RefreshTokenRow } from './schema.js';
import type { RefreshTokenRecord, RefreshTokensStore } from './ports.js';
import { readClaimsRequest, readStringList, writeClaimsRequest, writeStringList } from './json-columns.js';

export function refreshTokensStore(db: Db): RefreshTokensStore {
  return {
    async insert(record) {
      await db.insertInto('refresh_tokens').values(toRow(record)).execute();
    },
    async findByHash(tokenHash) {
      const row = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row && toRecord(row);
    },
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
        await trx.insertInto('refresh_tokens').values(toRow(successor)).execute();
        return true;
      }),
  };
}

function toRow(record: RefreshTokenRecord): RefreshTokenRow {
  return {
    token_hash: record.tokenHash,
    grant_id: record.grantId,
    client_id: record.clientId,
    user_id: record.userId,
    scope: record.scope,
    claims: writeClaimsRequest(record.claims),
    resource: record.resource,
    auth_time: record.authTime,
    acr: record.acr,
    amr: writeStringList(record.amr),
    sid: record.sid,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    consumed_at: record.consumedAt,
    revoked_at: record.revokedAt,
    dpop_jkt: record.dpopJkt ?? null,
  };
}

function toRecord(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    tokenHash: row.token_hash,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    scope: row.scope,
    claims: readClaimsRequest(row.claims),
    resource: row.resource,
    authTime: row.auth_time,
    acr: row.acr,
    amr: readStringList(row.amr),
    sid: row.sid,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
    revokedAt: row.revoked_at,
    dpopJkt: row.dpop_jkt,
  };
}
