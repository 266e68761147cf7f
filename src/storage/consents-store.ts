import type { Db } from './database.js';
import type { ConsentsStore, RememberedConsent } from './ports.js';

const words = (text: string | null | undefined) => (text ?? '').split(' ').filter(Boolean);
const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].join(' ');

export function consentsStore(db: Db): ConsentsStore {
  const find = async (userId: string, clientId: string): Promise<RememberedConsent> => {
    const row = await db
      .selectFrom('consents')
      .select(['scope', 'claims'])
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return { scopes: words(row?.scope), claims: words(row?.claims) };
  };
  return {
    find,
    async remember(userId, clientId, granted, now) {
      const earlier = await find(userId, clientId);
      const scope = union(earlier.scopes, granted.scopes);
      const claims = union(earlier.claims, granted.claims);
      await db
        .insertInto('consents')
        .values({ user_id: userId, client_id: clientId, scope, claims, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'client_id']).doUpdateSet({ scope, claims, updated_at: now }))
        .execute();
    },
    async forget(userId, clientId) {
      await db.deleteFrom('consents').where('user_id', '=', userId).where('client_id', '=', clientId).execute();
    },
    async listOfUser(userId) {
      const rows = await db
        .selectFrom('consents')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at')
        .orderBy('client_id')
        .execute();
      return rows.map((row) => ({
        clientId: row.client_id,
        scopes: words(row.scope),
        claims: words(row.claims),
        createdAt: row.created_at,
        updatedAt: row.updated_at,
      }));
    },
  };
}
