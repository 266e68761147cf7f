import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { secondFactorsStore } from '../../src/storage/second-factors-store.js';
import { passkeysStore, webauthnChallengesStore } from '../../src/storage/passkeys-store.js';
import { expiredRowsStore } from '../../src/storage/expired-rows-store.js';

for (const kind of DATABASES) {
  describe(`second factors, passkeys and WebAuthn challenges in storage (${kind})`, () => {
    let db: Db;
    useMigratedDatabase(kind, (opened) => (db = opened));
    const user = async (id: string) =>
      db.insertInto('users').values({ id, username: id, password_hash: 'x', claims: '{}', created_at: 1, updated_at: 1 }).execute();

    it('a TOTP step is used once, even by parallel attempts; an enrollment confirms with its first step and is not replaced once confirmed', async () => {
      await user('u1');
      const store = secondFactorsStore(db);
      assert.equal(await store.startTotp('u1', 'enc-1', 10), true);
      assert.equal((await store.findTotp('u1'))?.confirmedAt, null);
      const results = await Promise.all(Array.from({ length: 8 }, () => store.useTotpStep('u1', 100, 20)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await store.findTotp('u1'))?.confirmedAt, 20);
      assert.equal(await store.useTotpStep('u1', 99, 21), false, 'an earlier step is refused too');
      assert.equal(await store.useTotpStep('u1', 101, 22), true);
      assert.equal(await store.startTotp('u1', 'enc-2', 30), false);
      assert.equal((await store.findTotp('u1'))?.secretEncrypted, 'enc-1');
    });

    it('a recovery code is used once; new codes replace the old ones', async () => {
      await user('u2');
      const store = secondFactorsStore(db);
      await store.replaceRecoveryCodes('u2', ['a', 'b'], 1);
      const results = await Promise.all(Array.from({ length: 6 }, () => store.useRecoveryCode('u2', 'a', 2)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal(await store.countRecoveryCodes('u2'), 1);
      await store.replaceRecoveryCodes('u2', ['c'], 3);
      assert.equal(await store.useRecoveryCode('u2', 'b', 4), false);
      assert.equal(await store.countRecoveryCodes('u2'), 1);
    });

    it('a challenge is consumed once, for its purpose, before it expires; reset removes every factor', async () => {
      await user('u3');
      const challenges = webauthnChallengesStore(db);
      await challenges.insert({ id: 'c1', challenge: 'x', purpose: 'authenticate', userId: null, expiresAt: 100 });
      await challenges.insert({ id: 'c2', challenge: 'y', purpose: 'register', userId: 'u3', expiresAt: 100 });
      assert.equal(await challenges.consume('c1', 'register', 50), undefined);
      const taken = await Promise.all(Array.from({ length: 6 }, () => challenges.consume('c1', 'authenticate', 50)));
      assert.equal(taken.filter(Boolean).length, 1);
      assert.equal(await challenges.consume('c2', 'register', 100), undefined, 'expired');

      const passkeys = passkeysStore(db);
      const passkey = {
        credentialId: 'cred',
        userId: 'u3',
        name: 'Laptop',
        publicKey: 'pk',
        signCount: 0,
        transports: ['internal'],
        deviceType: 'singleDevice',
        backedUp: false,
        createdAt: 1,
        lastUsedAt: null,
      };
      await passkeys.insert(passkey);
      await passkeys.recordUse('cred', { signCount: 5, backedUp: true, now: 9 });
      assert.deepEqual(await passkeys.find('cred'), { ...passkey, signCount: 5, backedUp: true, lastUsedAt: 9 });
      assert.equal(await passkeys.rename('other-user', 'cred', 'Mine'), false);
      const store = secondFactorsStore(db);
      await store.startTotp('u3', 'e', 1);
      await store.replaceRecoveryCodes('u3', ['z'], 1);
      assert.deepEqual(await store.resetAll('u3'), { totp: 1, recoveryCodes: 1, passkeys: 1 });
      assert.deepEqual(await passkeys.listOfUser('u3'), []);
    });

    it('the janitor purges expired challenges only', async () => {
      const challenges = webauthnChallengesStore(db);
      await challenges.insert({ id: 'old', challenge: 'x', purpose: 'authenticate', userId: null, expiresAt: 10 });
      await challenges.insert({ id: 'live', challenge: 'x', purpose: 'authenticate', userId: null, expiresAt: 10_000 });
      const step = expiredRowsStore(db, { auditRetentionDays: 0 }).find((s) => s.name === 'webauthn_challenges')!;
      await step.purge(1000, 100);
      const left = (await db.selectFrom('webauthn_challenges').select('id').execute()).map((r) => r.id).sort();
      assert.ok(left.includes('live') && !left.includes('old'));
    });
  });
}
