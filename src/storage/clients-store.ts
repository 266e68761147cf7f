import type { Db } from './database.js';
import type { ClientRow } from './schema.js';
import type { Client, ClientMetadata } from '../clients/client.js';
import type { ClientsStore } from './ports.js';

export function clientsStore(db: Db): ClientsStore {
  return {
    async find(clientId) {
      const row = await db.selectFrom('clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return row && toClient(row);
    },
    async list() {
      const rows = await db.selectFrom('clients').selectAll().orderBy('client_id').execute();
      return rows.map(toClient);
    },
    async save(client, now) {
      const values = {
        secret_hash: client.secretHash,
        secret_encrypted: client.secretEncrypted,
        metadata: JSON.stringify(client.metadata),
        origin: client.origin,
        registration_token_hash: client.registrationTokenHash,
        secret_expires_at: client.secretExpiresAt,
        updated_at: now,
      };
      await db
        .insertInto('clients')
        .values({ client_id: client.clientId, created_at: client.createdAt || now, ...values })
        .onConflict((oc) => oc.column('client_id').doUpdateSet(values))
        .execute();
    },
    async delete(clientId) {
      const result = await db.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function toClient(row: ClientRow): Client {
  return {
    clientId: row.client_id,
    metadata: JSON.parse(row.metadata) as ClientMetadata,
    secretHash: row.secret_hash,
    secretEncrypted: row.secret_encrypted,
    secretExpiresAt: row.secret_expires_at,
    origin: row.origin,
    registrationTokenHash: row.registration_token_hash,
    createdAt: row.created_at,
  };
}
