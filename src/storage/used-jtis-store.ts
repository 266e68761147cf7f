import type { Db } from './database.js';
import type { UsedJtisStore } from './ports.js';

export function usedJtisStore(db: Db): UsedJtisStore {
  return {
    async remember(key, expiresAt, now) {
      // Insert-or-fail: the primary key decides; a row left behind by an expired assertion
      // may be taken over, a live one may not (the conditional update changes no row).
      const result = await db
        .insertInto('used_jtis')
        .values({ key, expires_at: expiresAt })
        .onConflict((oc) => oc.column('key').doUpdateSet({ expires_at: expiresAt }).where('used_jtis.expires_at', '<=', now))
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}
