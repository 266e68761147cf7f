import type { Db } from './database.js';
import type { AccessTokenRow } from './schema.js';
import type { AccessTokenRecord, AccessTokensStore } from './ports.js';
import { readAccessTokenExtra, writeAccessTokenExtra } from './json-columns.js';

export function accessTokensStore(db: Db): AccessTokensStore {
  return {
    async insert(record) {
      await db.insertInto('access_tokens').values(toRow(record)).execute();
    },
    async findByHash(tokenHash) {
      const row = await db.selectFrom('access_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row && toRecord(row);
    },
    async findByJti(jti) {
      const row = await db.selectFrom('access_tokens').selectAll().where('jti', '=', jti).executeTakeFirst();
      return row && toRecord(row);
    },
    async revoke(record, now) {
      await db
        .insertInto('access_tokens')
        .values(toRow({ ...record, revokedAt: now }))
        .onConflict((oc) => oc.column('jti').doUpdateSet({ revoked_at: now }))
        .execute();
    },
  };
}

function toRow(record: AccessTokenRecord): AccessTokenRow {
  return {
    jti: record.jti,
    token_hash: record.tokenHash,
    grant_id: record.grantId,
    client_id: record.clientId,
    user_id: record.userId,
    scope: record.scope,
    audience: record.audience,
    data: writeAccessTokenExtra(record.extra),
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    revoked_at: record.revokedAt,
    dpop_jkt: record.dpopJkt ?? null,
  };
}

function toRecord(row: AccessTokenRow): AccessTokenRecord {
  return {
    jti: row.jti,
    tokenHash: row.token_hash,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    scope: row.scope,
    audience: row.audience,
    extra: readAccessTokenExtra(row.data),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    dpopJkt: row.dpop_jkt,
  };
}
