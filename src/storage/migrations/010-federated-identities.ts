import type { Kysely } from 'kysely';
import { inMigrationTransaction } from './migration-steps.js';

/**
 * Identities from other providers (issue 14): each row links one upstream identity, named by
 * the connector that vouches for it and the subject it has there, to one Tessera user. The pair
 * (connector, upstream subject) is unique, so a second sign-in finds the same user even when the
 * upstream email changed; a user may have several links (one per connector and subject).
 * `upstream_username` and `email` are what the upstream last said, for display and audit only.
 * `tokens_encrypted` holds the upstream's tokens when a setting asks to keep them (sealed like
 * signing keys); null otherwise.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const time = 'bigint';
  await inMigrationTransaction(db, async (trx) => {
    await trx.schema
      .createTable('federated_identities')
      .addColumn('connector_id', 'text', (c) => c.notNull())
      .addColumn('upstream_subject', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('upstream_username', 'text')
      .addColumn('email', 'text')
      .addColumn('tokens_encrypted', 'text')
      .addColumn('created_at', time, (c) => c.notNull())
      .addColumn('last_used_at', time)
      .addPrimaryKeyConstraint('federated_identities_pk', ['connector_id', 'upstream_subject'])
      .execute();
    await trx.schema.createIndex('federated_identities_user_id').on('federated_identities').column('user_id').execute();
  });
}
