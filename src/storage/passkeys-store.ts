import type { Db } from './database.js';
import type { PasskeyRow } from './schema.js';
import type { PasskeyRecord, PasskeysStore, WebauthnChallengesStore } from './ports.js';
import { readStringList, writeStringList } from './json-columns.js';

export function passkeysStore(db: Db): PasskeysStore {
  return {
    async listOfUser(userId) {
      const rows = await db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
      return rows.map(toRecord);
    },
    async find(credentialId) {
      const row = await db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
      return row && toRecord(row);
    },
    async insert(passkey) {
      await db
        .insertInto('passkeys')
        .values({
          credential_id: passkey.credentialId,
          user_id: passkey.userId,
          name: passkey.name,
          public_key: passkey.publicKey,
          sign_count: passkey.signCount,
          transports: writeStringList(passkey.transports),
          device_type: passkey.deviceType,
          backed_up: passkey.backedUp ? 1 : 0,
          created_at: passkey.createdAt,
          last_used_at: passkey.lastUsedAt,
        })
        .execute();
    },
    async recordUse(credentialId, update) {
      await db
        .updateTable('passkeys')
        .set({ sign_count: update.signCount, backed_up: update.backedUp ? 1 : 0, last_used_at: update.now })
        .where('credential_id', '=', credentialId)
        .execute();
    },
    async rename(userId, credentialId, name) {
      const result = await db
        .updateTable('passkeys')
        .set({ name })
        .where('user_id', '=', userId)
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async remove(userId, credentialId) {
      const result = await db
        .deleteFrom('passkeys')
        .where('user_id', '=', userId)
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function toRecord(row: PasskeyRow): PasskeyRecord {
  return {
    credentialId: row.credential_id,
    userId: row.user_id,
    name: row.name,
    publicKey: row.public_key,
    signCount: Number(row.sign_count),
    transports: readStringList(row.transports),
    deviceType: row.device_type,
    backedUp: Number(row.backed_up) === 1,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export function webauthnChallengesStore(db: Db): WebauthnChallengesStore {
  return {
    async insert(challenge) {
      await db
        .insertInto('webauthn_challenges')
        .values({
          id: challenge.id,
          challenge: challenge.challenge,
          purpose: challenge.purpose,
          user_id: challenge.userId,
          expires_at: challenge.expiresAt,
          consumed_at: null,
        })
        .execute();
    },
    async consume(id, purpose, now) {
      // Single use across every instance: marked, not deleted, so a replay finds it used.
      const row = await db
        .updateTable('webauthn_challenges')
        .set({ consumed_at: now })
        .where('id', '=', id)
        .where('purpose', '=', purpose)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return (
        row && {
          id: row.id,
          challenge: row.challenge,
          purpose: row.purpose as 'register' | 'authenticate',
          userId: row.user_id,
          expiresAt: row.expires_at,
        }
      );
    },
  };
}
