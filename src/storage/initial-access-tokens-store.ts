import type { Db } from './database.js';
import type { InitialAccessTokenRow } from './schema.js';
import type { InitialAccessTokenRecord, InitialAccessTokensStore } from './ports.js';

export function initialAccessTokensStore(db: Db): InitialAccessTokensStore {
  return {
    async insert(token) {
      await db
        .insertInto('initial_access_tokens')
        .values({ token_hash: token.tokenHash, description: token.description, created_at: token.createdAt, expires_at: token.expiresAt })
        .execute();
    },
    async findValid(tokenHash, now) {
      const row = await db
        .selectFrom('initial_access_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async list() {
      const rows = await db.selectFrom('initial_access_tokens').selectAll().orderBy('created_at').execute();
      return rows.map(toRecord);
    },
    async delete(tokenHash) {
      const result = await db.deleteFrom('initial_access_tokens').where('token_hash', '=', tokenHash).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function toRecord(row: InitialAccessTokenRow): InitialAccessTokenRecord {
  return { tokenHash: row.token_hash, description: row.description, createdAt: row.created_at, expiresAt: row.expires_at };
}
