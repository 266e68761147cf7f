import { sql, type Kysely } from 'kysely';
import { addForeignKeys, inMigrationTransaction } from './migration-steps.js';

/** The tables whose rows belong to a grant: revoking or purging the grant concerns them all. */
const CHILDREN = ['authorization_codes', 'refresh_tokens', 'access_tokens', 'device_codes'] as const;

/**
 * Codes and tokens belong to their grant: a foreign key from each `grant_id` to `grants.id`,
 * so that no code or token names a grant that is not there, and no grant is deleted while
 * anything issued under it remains (the janitor deletes grants last, when nothing refers to
 * them). The unused `kv` table goes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await inMigrationTransaction(db, async (trx) => {
    // A row whose grant is gone is already refused everywhere (a missing grant counts as
    // revoked); it is deleted so that the constraint can hold.
    for (const table of CHILDREN) {
      await trx
        .deleteFrom(table)
        .where('grant_id', 'is not', null)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('grants')
                .select(sql`1`.as('x'))
                .whereRef('grants.id', '=', `${table}.grant_id`),
            ),
          ),
        )
        .execute();
    }
    for (const table of CHILDREN) {
      await addForeignKeys(trx, table, [{ name: `${table}_grant_fk`, column: 'grant_id', references: { table: 'grants', column: 'id' } }]);
    }
    // Deleting a grant looks for rows that still refer to it.
    await trx.schema.createIndex('authorization_codes_grant_id').ifNotExists().on('authorization_codes').column('grant_id').execute();
    await trx.schema.createIndex('device_codes_grant_id').ifNotExists().on('device_codes').column('grant_id').execute();
    await trx.schema.dropTable('kv').ifExists().execute();
  });
}
