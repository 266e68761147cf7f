import type { JWK } from 'jose';
import type { Db } from './database.js';
import type { SigningKeyRow } from './schema.js';
import type { SigningKeyRecord, SigningKeysStore } from './ports.js';

export function signingKeysStore(db: Db): SigningKeysStore {
  return {
    async list() {
      const rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid').execute();
      return rows.map(toRecord);
    },
    async insert(key) {
      await db
        .insertInto('signing_keys')
        .values({
          kid: key.kid,
          alg: key.alg,
          public_jwk: JSON.stringify(key.publicJwk),
          private_jwk_encrypted: key.privateJwkEncrypted,
          created_at: key.createdAt,
          retired_at: key.retiredAt,
          expires_at: key.expiresAt,
        })
        .execute();
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

function toRecord(row: SigningKeyRow): SigningKeyRecord {
  return {
    kid: row.kid,
    alg: row.alg,
    publicJwk: JSON.parse(row.public_jwk) as JWK,
    privateJwkEncrypted: row.private_jwk_encrypted,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    expiresAt: row.expires_at,
  };
}
