import type { Kysely } from 'kysely';
import { inMigrationTransaction } from './migration-steps.js';

/**
 * The account page and the operator's user controls. Sessions remember the browser (User-Agent),
 * the client address as the server's trustProxy setting reads it, and when the session was last
 * used, so a person can tell their sessions apart. Users can be disabled by the operator.
 * Earlier rows read as unknown (null) and enabled.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await inMigrationTransaction(db, async (trx) => {
    await trx.schema.alterTable('sessions').addColumn('user_agent', 'text').execute();
    await trx.schema.alterTable('sessions').addColumn('address', 'text').execute();
    await trx.schema.alterTable('sessions').addColumn('last_seen_at', 'bigint').execute();
    await trx.schema.alterTable('users').addColumn('disabled_at', 'bigint').execute();
    await trx.schema.createIndex('sessions_user_id').ifNotExists().on('sessions').column('user_id').execute();
  });
}
