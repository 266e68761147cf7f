import type { Kysely } from 'kysely';
import { inMigrationTransaction } from './migration-steps.js';

/**
 * Authentication methods beyond the password (issue 13):
 * - `sessions.methods`: which methods the session's sign-in used and when (JSON object
 *   RFC 8176 amr value → epoch seconds), so a step-up adds a factor to the sign-in it raises;
 * - `totp_authenticators`: one RFC 6238 authenticator per user, its secret encrypted at rest,
 *   active once confirmed, with the last time step used (a code is accepted once);
 * - `recovery_codes`: single-use codes, only their keyed hash stored;
 * - `passkeys`: WebAuthn credentials, several per user, each with a name;
 * - `webauthn_challenges`: ceremony challenges kept server-side, short-lived and single use.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const time = 'bigint';
  await inMigrationTransaction(db, async (trx) => {
    await trx.schema.alterTable('sessions').addColumn('methods', 'text').execute();

    await trx.schema
      .createTable('totp_authenticators')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('secret_encrypted', 'text', (c) => c.notNull())
      .addColumn('confirmed_at', time)
      .addColumn('last_step', time)
      .addColumn('created_at', time, (c) => c.notNull())
      .execute();

    await trx.schema
      .createTable('recovery_codes')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', time, (c) => c.notNull())
      .addColumn('used_at', time)
      .addPrimaryKeyConstraint('recovery_codes_pk', ['user_id', 'code_hash'])
      .execute();

    await trx.schema
      .createTable('passkeys')
      .addColumn('credential_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('sign_count', time, (c) => c.notNull())
      .addColumn('transports', 'text')
      .addColumn('device_type', 'text', (c) => c.notNull())
      .addColumn('backed_up', 'integer', (c) => c.notNull())
      .addColumn('created_at', time, (c) => c.notNull())
      .addColumn('last_used_at', time)
      .execute();
    await trx.schema.createIndex('passkeys_user_id').on('passkeys').column('user_id').execute();

    await trx.schema
      .createTable('webauthn_challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('challenge', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('expires_at', time, (c) => c.notNull())
      .addColumn('consumed_at', time)
      .execute();
    await trx.schema.createIndex('webauthn_challenges_expires_at').on('webauthn_challenges').column('expires_at').execute();
  });
}
