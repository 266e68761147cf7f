import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { federatedIdentitiesStore } from '../../src/storage/federated-identities-store.js';

for (const kind of DATABASES) {
  describe(`federated identities in storage (${kind})`, () => {
    let db: Db;
    useMigratedDatabase(kind, (opened) => (db = opened));
    const user = async (id: string) =>
      db.insertInto('users').values({ id, username: id, password_hash: 'x', claims: '{}', created_at: 1, updated_at: 1 }).execute();
    const identity = (userId: string, upstreamSubject: string, connectorId = 'corp') => ({
      connectorId,
      upstreamSubject,
      userId,
      upstreamUsername: 'ada@upstream',
      email: 'ada@example.com',
      tokensEncrypted: null,
      createdAt: 10,
      lastUsedAt: 10,
    });

    it('an upstream identity links to one user only, even when two sign-ins race to link it', async () => {
      await user('u1');
      await user('u2');
      const store = federatedIdentitiesStore(db);
      const results = await Promise.all([store.link(identity('u1', 'sub-1')), store.link(identity('u2', 'sub-1'))]);
      assert.equal(results.filter(Boolean).length, 1);
      const found = await store.find('corp', 'sub-1');
      assert.ok(found && ['u1', 'u2'].includes(found.userId));
      assert.equal(await store.find('other', 'sub-1'), undefined, 'the same subject at another connector is another identity');
    });

    it('lists, records use and unlinks only the owner’s link', async () => {
      await user('u3');
      await user('u4');
      const store = federatedIdentitiesStore(db);
      assert.equal(await store.link(identity('u3', 'a', 'github')), true);
      assert.equal(await store.link(identity('u3', 'b', 'google')), true);
      assert.deepEqual(
        (await store.listOfUser('u3')).map((link) => [link.connectorId, link.upstreamSubject]),
        [
          ['github', 'a'],
          ['google', 'b'],
        ],
      );
      await store.recordUse('github', 'a', { upstreamUsername: 'ada2', email: 'new@example.com', tokensEncrypted: 'sealed', now: 50 });
      assert.deepEqual(await store.find('github', 'a'), {
        ...identity('u3', 'a', 'github'),
        upstreamUsername: 'ada2',
        email: 'new@example.com',
        tokensEncrypted: 'sealed',
        lastUsedAt: 50,
      });
      assert.equal(await store.unlink('u4', 'github', 'a'), false, 'another user cannot unlink it');
      assert.equal(await store.unlink('u3', 'github', 'a'), true);
      assert.equal(await store.find('github', 'a'), undefined);
      assert.equal(await store.unlink('u3', 'github', 'a'), false);
    });
  });
}
