import type { Kysely } from 'kysely';

/**
 * Remembered consent records, besides scopes, the single claims a user allowed through a claims
 * request (OIDC Core §5.5) beyond those scopes, so that they are asked again only when new.
 * Earlier rows allowed scopes only.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('consents')
    .addColumn('claims', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
}
