import type { Db } from './database.js';
import type { PushedRequestsStore } from './ports.js';

export function pushedRequestsStore(db: Db): PushedRequestsStore {
  return {
    async save(record) {
      await db
        .insertInto('pushed_authorization_requests')
        .values({
          request_uri_hash: record.requestUriHash,
          client_id: record.clientId,
          params: JSON.stringify(record.params),
          expires_at: record.expiresAt,
          consumed_at: null,
        })
        .execute();
    },
    async consume(requestUriHash, clientId, now) {
      // Single use across processes: the conditional update decides which /auth gets it.
      const row = await db
        .updateTable('pushed_authorization_requests')
        .set({ consumed_at: now })
        .where('request_uri_hash', '=', requestUriHash)
        .where('client_id', '=', clientId)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        requestUriHash: row.request_uri_hash,
        clientId: row.client_id,
        params: JSON.parse(row.params) as Record<string, string>,
        expiresAt: row.expires_at,
      };
    },
  };
}
