import type { Kysely } from 'kysely';

/**
 * Pushed authorization requests (RFC 9126): the request a client pushed, found by the hash of
 * the request_uri it was given, until it is used once at /auth or expires. In the database
 * rather than in memory, so a request pushed to one instance can be used at another.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pushed_authorization_requests')
    .addColumn('request_uri_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('pushed_authorization_requests_expires_at')
    .on('pushed_authorization_requests')
    .column('expires_at')
    .execute();
}
