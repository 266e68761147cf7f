import type { Db } from './database.js';
import type { FederatedIdentityRow } from './schema.js';
import type { FederatedIdentitiesStore, FederatedIdentityRecord } from './ports.js';

export function federatedIdentitiesStore(db: Db): FederatedIdentitiesStore {
  return {
    async find(connectorId, upstreamSubject) {
      const row = await db
        .selectFrom('federated_identities')
        .selectAll()
        .where('connector_id', '=', connectorId)
        .where('upstream_subject', '=', upstreamSubject)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async listOfUser(userId) {
      const rows = await db
        .selectFrom('federated_identities')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('connector_id')
        .execute();
      return rows.map(toRecord);
    },
    async link(identity) {
      const result = await db
        .insertInto('federated_identities')
        .values({
          connector_id: identity.connectorId,
          upstream_subject: identity.upstreamSubject,
          user_id: identity.userId,
          upstream_username: identity.upstreamUsername,
          email: identity.email,
          tokens_encrypted: identity.tokensEncrypted,
          created_at: identity.createdAt,
          last_used_at: identity.lastUsedAt,
        })
        .onConflict((oc) => oc.columns(['connector_id', 'upstream_subject']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async recordUse(connectorId, upstreamSubject, update) {
      await db
        .updateTable('federated_identities')
        .set({
          upstream_username: update.upstreamUsername,
          email: update.email,
          tokens_encrypted: update.tokensEncrypted,
          last_used_at: update.now,
        })
        .where('connector_id', '=', connectorId)
        .where('upstream_subject', '=', upstreamSubject)
        .execute();
    },
    async unlink(userId, connectorId, upstreamSubject) {
      const result = await db
        .deleteFrom('federated_identities')
        .where('user_id', '=', userId)
        .where('connector_id', '=', connectorId)
        .where('upstream_subject', '=', upstreamSubject)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function toRecord(row: FederatedIdentityRow): FederatedIdentityRecord {
  return {
    connectorId: row.connector_id,
    upstreamSubject: row.upstream_subject,
    userId: row.user_id,
    upstreamUsername: row.upstream_username,
    email: row.email,
    tokensEncrypted: row.tokens_encrypted,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}
