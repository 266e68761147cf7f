import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import type { Db } from '../../src/storage/database.js';
import { sessionsStore } from '../../src/storage/sessions-store.js';
import { consentsStore } from '../../src/storage/consents-store.js';
import { grantsStore } from '../../src/storage/grants-store.js';
import { authorizationCodesStore } from '../../src/storage/authorization-codes-store.js';
import type { SessionRecord } from '../../src/storage/ports.js';

const session = (sid: string, userId: string, extra: Partial<SessionRecord> = {}): SessionRecord => ({
  idHash: `hash-${sid}`,
  sid,
  userId,
  authTime: 100,
  amr: ['pwd'],
  acr: null,
  createdAt: 100,
  expiresAt: 10_000,
  endedAt: null,
  methods: { pwd: 100 },
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0',
  address: '192.0.2.7',
  lastSeenAt: 100,
  ...extra,
});

/** What the account page and the operator commands ask of storage, on each database. */
for (const kind of DATABASES) {
  describe(`account stores on ${kind}`, () => {
    let db: Db;
    useMigratedDatabase(kind, (opened) => (db = opened));

    it("lists a user's live sessions by last use, touches at most once a minute, ends only the owner's", async () => {
      const store = sessionsStore(db);
      await store.insert(session('s1', 'u1'));
      await store.insert(session('s2', 'u1', { lastSeenAt: 200, userAgent: null, address: null }));
      await store.insert(session('s3', 'u1', { endedAt: 150 }));
      await store.insert(session('s4', 'u1', { expiresAt: 300 }));
      await store.insert(session('s5', 'u2'));
      const live = await store.listLiveOfUser('u1', 500);
      assert.deepEqual(
        live.map((s) => s.sid),
        ['s2', 's1'],
      );
      assert.deepEqual([live[1].userAgent, live[1].address], ['Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0', '192.0.2.7']);

      await store.touch('s1', 600, 540);
      assert.equal((await store.findBySid('s1'))?.lastSeenAt, 600);
      await store.touch('s1', 630, 570);
      assert.equal((await store.findBySid('s1'))?.lastSeenAt, 600, 'seen less than a minute ago: not written again');

      assert.equal(await store.endOfUser('s5', 'u1', 700), false, "another user's session");
      assert.equal((await store.findBySid('s5'))?.endedAt, null);
      assert.equal(await store.endOfUser('s3', 'u1', 700), false, 'already ended');
      assert.equal(await store.endOfUser('s1', 'u1', 700), true);
      assert.deepEqual(await store.endAllOfUser('u1', 800, 's2'), ['s4'], 'the expired one is marked ended too; the kept one is not');
      assert.deepEqual(await store.endAllOfUser('u2', 800, 's2'), ['s5']);
    });

    it("lists a user's consents and revokes every grant of one user to one client, with its tokens", async () => {
      const consents = consentsStore(db);
      await consents.remember('u1', 'c1', { scopes: ['openid', 'email'], claims: ['name'] }, 10);
      await consents.remember('u1', 'c2', { scopes: ['openid'], claims: [] }, 20);
      await consents.remember('u2', 'c1', { scopes: ['openid'], claims: [] }, 30);
      assert.deepEqual(await consents.listOfUser('u1'), [
        { clientId: 'c1', scopes: ['openid', 'email'], claims: ['name'], createdAt: 10, updatedAt: 10 },
        { clientId: 'c2', scopes: ['openid'], claims: [], createdAt: 20, updatedAt: 20 },
      ]);

      const codes = authorizationCodesStore(db);
      const grant = (id: string, userId: string, clientId: string) => ({
        id,
        userId,
        clientId,
        scope: 'openid',
        sid: null,
        createdAt: 1,
        expiresAt: 10_000,
        revokedAt: null,
      });
      const code = (grantId: string, userId: string, clientId: string) => ({
        codeHash: `code-${grantId}`,
        grantId,
        clientId,
        userId,
        redirectUri: '',
        scope: 'openid',
        nonce: null,
        codeChallenge: null,
        codeChallengeMethod: null,
        claims: null,
        resource: null,
        authTime: 1,
        acr: null,
        amr: [],
        sid: null,
        createdAt: 1,
        expiresAt: 10_000,
        consumedAt: null,
      });
      for (const [id, user, client] of [
        ['g1', 'u1', 'c1'],
        ['g2', 'u1', 'c1'],
        ['g3', 'u1', 'c2'],
        ['g4', 'u2', 'c1'],
      ])
        await codes.issue(grant(id, user, client), code(id, user, client));
      const grants = grantsStore(db);
      assert.equal(await grants.revokeAllOfUserAndClient('u1', 'c1', 50), 2);
      assert.equal(await grants.revokeAllOfUserAndClient('u1', 'c1', 60), 0, 'already revoked');
      assert.deepEqual(await Promise.all(['g1', 'g2', 'g3', 'g4'].map(async (id) => (await grants.find(id))?.revokedAt)), [
        50,
        50,
        null,
        null,
      ]);
    });
  });
}
