import type { Kysely } from 'kysely';

/**
 * RFC 8707 resource indicators at the device authorization endpoint: a device code keeps the
 * resources it was asked for (space-separated, like codes and refresh tokens), so the token it
 * brings is for them. Earlier rows asked for none.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('device_codes').addColumn('resource', 'text').execute();
}
