import type { Db } from './database.js';
import type { ConsentsStore } from './ports.js';

export function consentsStore(db: Db): ConsentsStore {
  const scopes = async (userId: string, clientId: string) => {
    const row = await db
      .selectFrom('consents')
      .select('scope')
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return row ? row.scope.split(' ').filter(Boolean) : [];
  };
  return {
    scopes,
    async remember(userId, clientId, granted, now) {
      const scope = [...new Set([...(await scopes(userId, clientId)), ...granted])].join(' ');
      await db
        .insertInto('consents')
        .values({ user_id: userId, client_id: clientId, scope, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'client_id']).doUpdateSet({ scope, updated_at: now }))
        .execute();
    },
    async forget(userId, clientId) {
      await db.deleteFrom('consents').where('user_id', '=', userId).where('client_id', '=', clientId).execute();
    },
  };
}
