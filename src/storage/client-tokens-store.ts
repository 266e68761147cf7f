import type { Db } from './database.js';

/** Everything issued to one client, for when the client goes away (RFC 7592 §2.3). */
export interface ClientTokensStore {
  /** Marks every grant, refresh token and access token of the client revoked, in one transaction. */
  revokeAll(clientId: string, now: number): Promise<void>;
}

export function clientTokensStore(db: Db): ClientTokensStore {
  return {
    async revokeAll(clientId, now) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('grants').set({ revoked_at: now }).where('client_id', '=', clientId).where('revoked_at', 'is', null).execute();
        await trx.updateTable('refresh_tokens').set({ revoked_at: now }).where('client_id', '=', clientId).where('revoked_at', 'is', null).execute();
        await trx.updateTable('access_tokens').set({ revoked_at: now }).where('client_id', '=', clientId).where('revoked_at', 'is', null).execute();
        await trx.deleteFrom('session_clients').where('client_id', '=', clientId).execute();
      });
    },
  };
}
