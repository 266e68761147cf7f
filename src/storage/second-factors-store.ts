import type { Db } from './database.js';
import type { SecondFactorsStore } from './ports.js';

export function secondFactorsStore(db: Db): SecondFactorsStore {
  return {
    async findTotp(userId) {
      const row = await db.selectFrom('totp_authenticators').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return (
        row && {
          userId: row.user_id,
          secretEncrypted: row.secret_encrypted,
          confirmedAt: row.confirmed_at,
          lastStep: row.last_step,
          createdAt: row.created_at,
        }
      );
    },
    async startTotp(userId, secretEncrypted, now) {
      // A confirmed authenticator is never replaced by a new enrollment: it must be removed first.
      const result = await db
        .insertInto('totp_authenticators')
        .values({ user_id: userId, secret_encrypted: secretEncrypted, confirmed_at: null, last_step: null, created_at: now })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet({ secret_encrypted: secretEncrypted, created_at: now, last_step: null })
            .where('totp_authenticators.confirmed_at', 'is', null),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async useTotpStep(userId, step, now) {
      // RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of the same OTP": one atomic compare-and-set.
      const row = await db
        .updateTable('totp_authenticators')
        .set((eb) => ({ last_step: step, confirmed_at: eb.fn.coalesce('confirmed_at', eb.val(now)) }))
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .returning('user_id')
        .executeTakeFirst();
      return row !== undefined;
    },
    async removeTotp(userId) {
      const result = await db.deleteFrom('totp_authenticators').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async replaceRecoveryCodes(userId, codeHashes, now) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
        if (codeHashes.length > 0)
          await trx
            .insertInto('recovery_codes')
            .values(codeHashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now, used_at: null })))
            .execute();
      });
    },
    async useRecoveryCode(userId, codeHash, now) {
      const row = await db
        .updateTable('recovery_codes')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .returning('user_id')
        .executeTakeFirst();
      return row !== undefined;
    },
    async countRecoveryCodes(userId) {
      const row = await db
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async resetAll(userId) {
      return db.transaction().execute(async (trx) => {
        const totp = await trx.deleteFrom('totp_authenticators').where('user_id', '=', userId).executeTakeFirst();
        const codes = await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).executeTakeFirst();
        const passkeys = await trx.deleteFrom('passkeys').where('user_id', '=', userId).executeTakeFirst();
        return {
          totp: Number(totp.numDeletedRows),
          recoveryCodes: Number(codes.numDeletedRows),
          passkeys: Number(passkeys.numDeletedRows),
        };
      });
    },
  };
}
