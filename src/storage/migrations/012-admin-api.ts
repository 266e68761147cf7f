import type { Kysely } from 'kysely';
import { inMigrationTransaction } from './migration-steps.js';

/**
 * The admin API (issue 15). Users hold roles, a JSON list of names (today only `admin`: whoever
 * holds it may be granted the admin:* scopes); earlier users hold none. Audit events name their
 * actor (`user:<id>`, `client:<id>`, `cli`) when a person or a program acted through the admin
 * API or the CLI; earlier events have none (null). The index serves the trail's actor filter.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await inMigrationTransaction(db, async (trx) => {
    await trx.schema
      .alterTable('users')
      .addColumn('roles', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
    await trx.schema.alterTable('audit_events').addColumn('actor', 'text').execute();
    await trx.schema.createIndex('audit_events_actor').on('audit_events').columns(['actor', 'at']).execute();
  });
}
