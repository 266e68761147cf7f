import type { Db } from './database.js';
import type { ClientTokensStore } from './ports.js';

export function clientTokensStore(db: Db): ClientTokensStore {
  return {
    async revokeAll(clientId, now) {
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('grants')
          .set({ revoked_at: now })
          .where('client_id', '=', clientId)
          .where('revoked_at', 'is', null)
          .execute();
        await trx
          .updateTable('refresh_tokens')
          .set({ revoked_at: now })
          .where('client_id', '=', clientId)
          .where('revoked_at', 'is', null)
          .execute();
        await trx
          .updateTable('access_tokens')
          .set({ revoked_at: now })
          .where('client_id', '=', clientId)
          .where('revoked_at', 'is', null)
          .execute();
        await trx.deleteFrom('session_clients').where('client_id', '=', clientId).execute();
      });
    },
  };
}
