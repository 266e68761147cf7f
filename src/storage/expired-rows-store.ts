import { sql } from 'kysely';
import type { Db } from './database.js';
import type { PurgeStep } from './ports.js';

export interface RetentionOptions {
  /** Days audit events are kept; 0 keeps them forever. */
  auditRetentionDays: number;
}

/**
 * What may be deleted, and when: each step is one bounded `DELETE ... WHERE key IN (SELECT key
 * ... LIMIT n)`, the same SQL on SQLite and PostgreSQL. Rows are kept while they still do a
 * job: consumed codes and rotated refresh tokens until they expire (a replay before then is
 * detected and revokes the grant, RFC 6749 §4.1.2, RFC 9700 §4.14.2), revoked tokens until
 * they expire (introspection says inactive either way), grants while any token of theirs remains.
 */
export function expiredRowsStore(db: Db, options: RetentionOptions): PurgeStep[] {
  const count = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);
  // Rows whose own expires_at has passed, found by their primary key, at most `limit` a batch.
  const expiredBy = (table: 'authorization_codes' | 'refresh_tokens' | 'access_tokens' | 'device_codes', key: string): PurgeStep => ({
    name: table,
    purge: async (now, limit) => {
      const victims = db
        .selectFrom(table as 'access_tokens')
        .select(key as 'jti')
        .where('expires_at', '<', now)
        .limit(limit);
      return count(
        await db
          .deleteFrom(table as 'access_tokens')
          .where(key as 'jti', 'in', victims)
          .executeTakeFirstOrThrow(),
      );
    },
  });
  const steps: PurgeStep[] = [
    expiredBy('authorization_codes', 'code_hash'),
    expiredBy('refresh_tokens', 'token_hash'),
    expiredBy('access_tokens', 'jti'),
    expiredBy('device_codes', 'device_code_hash'),
    {
      // After the tokens: a grant goes only when nothing issued under it is left.
      name: 'grants',
      purge: async (now, limit) => {
        const orphans = db
          .selectFrom('grants as g')
          .select('g.id')
          .where('g.expires_at', '<', now)
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('refresh_tokens')
                  .select(sql`1`.as('x'))
                  .whereRef('refresh_tokens.grant_id', '=', 'g.id')
                  .unionAll(
                    eb
                      .selectFrom('access_tokens')
                      .select(sql`1`.as('x'))
                      .whereRef('access_tokens.grant_id', '=', 'g.id'),
                  )
                  .unionAll(
                    eb
                      .selectFrom('authorization_codes')
                      .select(sql`1`.as('x'))
                      .whereRef('authorization_codes.grant_id', '=', 'g.id'),
                  )
                  .unionAll(
                    eb
                      .selectFrom('device_codes')
                      .select(sql`1`.as('x'))
                      .whereRef('device_codes.grant_id', '=', 'g.id'),
                  ),
              ),
            ),
          )
          .limit(limit);
        return count(await db.deleteFrom('grants').where('id', 'in', orphans).executeTakeFirstOrThrow());
      },
    },
    {
      name: 'sessions',
      purge: async (now, limit) =>
        count(
          await db
            .deleteFrom('sessions')
            .where('id_hash', 'in', db.selectFrom('sessions').select('id_hash').where('expires_at', '<', now).limit(limit))
            .executeTakeFirstOrThrow(),
        ),
    },
    {
      name: 'session_clients',
      purge: async (_now, limit) => {
        const orphans = db
          .selectFrom('session_clients as sc')
          .select('sc.sid')
          .where((eb) =>
            eb.not(
              eb.exists(
                eb
                  .selectFrom('sessions')
                  .select(sql`1`.as('x'))
                  .whereRef('sessions.sid', '=', 'sc.sid'),
              ),
            ),
          )
          .limit(limit);
        return count(await db.deleteFrom('session_clients').where('sid', 'in', orphans).executeTakeFirstOrThrow());
      },
    },
    {
      name: 'pushed_authorization_requests',
      purge: async (now, limit) =>
        count(
          await db
            .deleteFrom('pushed_authorization_requests')
            .where(
              'request_uri_hash',
              'in',
              db.selectFrom('pushed_authorization_requests').select('request_uri_hash').where('expires_at', '<', now).limit(limit),
            )
            .executeTakeFirstOrThrow(),
        ),
    },
    {
      name: 'used_jtis',
      purge: async (now, limit) =>
        count(
          await db
            .deleteFrom('used_jtis')
            .where('key', 'in', db.selectFrom('used_jtis').select('key').where('expires_at', '<', now).limit(limit))
            .executeTakeFirstOrThrow(),
        ),
    },
    {
      // A ceremony's challenge is refused once expired, consumed or not: then it can go.
      name: 'webauthn_challenges',
      purge: async (now, limit) =>
        count(
          await db
            .deleteFrom('webauthn_challenges')
            .where('id', 'in', db.selectFrom('webauthn_challenges').select('id').where('expires_at', '<', now).limit(limit))
            .executeTakeFirstOrThrow(),
        ),
    },
    {
      name: 'rate_limits',
      purge: async (now, limit) =>
        count(
          await db
            .deleteFrom('rate_limits')
            .where('key', 'in', db.selectFrom('rate_limits').select('key').where('reset_at', '<', now).limit(limit))
            .executeTakeFirstOrThrow(),
        ),
    },
    {
      name: 'initial_access_tokens',
      purge: async (now, limit) =>
        count(
          await db
            .deleteFrom('initial_access_tokens')
            .where(
              'token_hash',
              'in',
              db
                .selectFrom('initial_access_tokens')
                .select('token_hash')
                .where('expires_at', 'is not', null)
                .where('expires_at', '<', now)
                .limit(limit),
            )
            .executeTakeFirstOrThrow(),
        ),
    },
    {
      // Retired keys leave the JWKS once every token they signed has expired (expires_at is set on retirement).
      name: 'signing_keys',
      purge: async (now, limit) =>
        count(
          await db
            .deleteFrom('signing_keys')
            .where(
              'kid',
              'in',
              db.selectFrom('signing_keys').select('kid').where('retired_at', 'is not', null).where('expires_at', '<', now).limit(limit),
            )
            .executeTakeFirstOrThrow(),
        ),
    },
  ];
  if (options.auditRetentionDays > 0) {
    const keep = options.auditRetentionDays * 86400;
    steps.push({
      name: 'audit_events',
      purge: async (now, limit) =>
        count(
          await db
            .deleteFrom('audit_events')
            .where(
              'id',
              'in',
              db
                .selectFrom('audit_events')
                .select('id')
                .where('at', '<', now - keep)
                .limit(limit),
            )
            .executeTakeFirstOrThrow(),
        ),
    });
  }
  return steps;
}
