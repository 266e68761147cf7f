import { sql } from 'kysely';
import type { Db } from './database.js';
import type { RateLimiter } from '../rate-limit/rate-limiter.js';
import type { Clock } from '../util/clock.js';

/**
 * Rate-limit counters in the database: one atomic upsert per hit, so every instance on the
 * same database shares them. A window that has ended restarts at 1.
 */
export function databaseRateLimiter(db: Db, clock: Clock): RateLimiter {
  return {
    async hit(key, limit, windowSeconds) {
      const now = clock.nowSeconds();
      const row = await db
        .insertInto('rate_limits')
        .values({ key, count: 1, reset_at: now + windowSeconds })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql<number>`case when rate_limits.reset_at <= ${now} then 1 else rate_limits.count + 1 end`,
            reset_at: sql<number>`case when rate_limits.reset_at <= ${now} then ${now + windowSeconds} else rate_limits.reset_at end`,
          }),
        )
        .returning(['count', 'reset_at'])
        .executeTakeFirstOrThrow();
      return { allowed: row.count <= limit, count: row.count, retryAfter: Math.max(0, row.reset_at - now) };
    },
    async peek(key, limit) {
      const now = clock.nowSeconds();
      const row = await db.selectFrom('rate_limits').select(['count', 'reset_at']).where('key', '=', key).executeTakeFirst();
      if (!row || row.reset_at <= now) return { allowed: true, count: 0, retryAfter: 0 };
      return { allowed: row.count < limit, count: row.count, retryAfter: row.reset_at - now };
    },
    async undo(key) {
      await db
        .updateTable('rate_limits')
        .set({ count: sql<number>`rate_limits.count - 1` })
        .where('key', '=', key)
        .where('count', '>', 0)
        .where('reset_at', '>', clock.nowSeconds())
        .execute();
    },
    async reset(key) {
      await db.deleteFrom('rate_limits').where('key', '=', key).execute();
    },
  };
}
