import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import { migrate, type Db } from '../../src/storage/database.js';
import { clientsStore } from '../../src/storage/clients-store.js';
import { usersStore } from '../../src/storage/users-store.js';
import { signingKeysStore } from '../../src/storage/signing-keys-store.js';
import { grantsStore } from '../../src/storage/grants-store.js';
import { accessTokensStore } from '../../src/storage/access-tokens-store.js';
import { authorizationCodesStore } from '../../src/storage/authorization-codes-store.js';
import { expiredRowsStore } from '../../src/storage/expired-rows-store.js';
import { sessionsStore } from '../../src/storage/sessions-store.js';
import type { Client } from '../../src/clients/client.js';
import type { AccessTokenRecord, AuthorizationCodeRecord, GrantRecord } from '../../src/storage/ports.js';

/** The same suite, unchanged, on SQLite and PostgreSQL. */
for (const kind of DATABASES) {
  describe(`stores on ${kind}`, () => {
    let db: Db;
    useMigratedDatabase(kind, (opened) => (db = opened));

    /** One purge step of the janitor, which owns deleting expired rows. */
    const purge = (table: string, now: number, limit: number) =>
      expiredRowsStore(db, { auditRetentionDays: 0 })
        .find((step) => step.name === table)!
        .purge(now, limit);

    const grantRecord = (id: string, sid: string | null = null): GrantRecord => ({
      id,
      userId: 'u1',
      clientId: 'c1',
      scope: 'openid',
      sid,
      createdAt: 10,
      expiresAt: 9999999999,
      revokedAt: null,
    });
    const codeRecord = (hash: string, grantId: string): AuthorizationCodeRecord => ({
      codeHash: hash,
      grantId,
      clientId: 'c1',
      userId: 'u1',
      redirectUri: 'https://a.example/cb',
      scope: 'openid',
      nonce: null,
      codeChallenge: 'abc',
      codeChallengeMethod: 'S256',
      claims: null,
      resource: null,
      authTime: 10,
      acr: null,
      amr: [],
      sid: null,
      createdAt: 10,
      expiresAt: 70,
      consumedAt: null,
    });

    it('migrations are idempotent', async () => {
      assert.deepEqual(await migrate(db), []);
    });

    describe('clients', () => {
      const client = (id: string, name: string): Client => ({
        clientId: id,
        metadata: {
          client_id: id,
          client_name: name,
          redirect_uris: ['https://a.example/cb'],
          post_logout_redirect_uris: [],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
          application_type: 'web',
          id_token_signed_response_alg: 'RS256',
        },
        secretHash: 'hash-1',
        secretEncrypted: null,
        secretExpiresAt: 0,
        origin: 'cli',
        registrationTokenHash: null,
        createdAt: 1000,
      });

      it('saves, finds, lists in order, replaces and deletes', async () => {
        const store = clientsStore(db);
        await store.save(client('b-client', 'B'), 1000);
        await store.save(client('a-client', 'A'), 1000);
        assert.deepEqual(await store.find('a-client'), client('a-client', 'A'));
        assert.deepEqual(
          (await store.list()).map((c) => c.clientId),
          ['a-client', 'b-client'],
        );
        await store.save({ ...client('a-client', 'A2'), secretHash: 'hash-2', createdAt: 5000 }, 2000);
        const updated = await store.find('a-client');
        assert.equal(updated?.metadata.client_name, 'A2');
        assert.equal(updated?.secretHash, 'hash-2');
        assert.equal(updated?.createdAt, 1000, 'a replace keeps the creation time');
        assert.equal((await store.list()).length, 2);
        assert.equal(await store.delete('a-client'), true);
        assert.equal(await store.delete('a-client'), false);
        assert.equal(await store.find('a-client'), undefined);
      });
    });

    describe('users', () => {
      it('inserts, finds by id and username, updates claims and password, deletes', async () => {
        const store = usersStore(db);
        await store.insert(
          {
            id: 'u1',
            username: 'ada',
            claims: { name: 'Ada', address: { country: 'UK' } },
            createdAt: 10,
            passwordHash: 'h1',
            disabledAt: null,
            roles: [],
          },
          10,
        );
        assert.deepEqual(await store.findById('u1'), {
          id: 'u1',
          username: 'ada',
          claims: { name: 'Ada', address: { country: 'UK' } },
          createdAt: 10,
          disabledAt: null,
          roles: [],
        });
        assert.equal((await store.findByUsername('ada'))?.passwordHash, 'h1');
        assert.equal(await store.findByUsername('ADA'), undefined, 'usernames are exact');
        await store.updateClaims('u1', { name: 'Ada L.' }, 20);
        assert.deepEqual((await store.findById('u1'))?.claims, { name: 'Ada L.' });
        assert.equal(await store.setPasswordHash('u1', 'h2', 30), true);
        assert.equal(await store.setPasswordHash('nobody', 'h2', 30), false);
        assert.equal((await store.findByUsername('ada'))?.passwordHash, 'h2');
        assert.equal(await store.setDisabled('u1', 25, 30), true);
        assert.equal((await store.findById('u1'))?.disabledAt, 25);
        assert.equal(await store.setDisabled('u1', null, 31), true);
        assert.equal((await store.findByUsername('ada'))?.disabledAt, null);
        assert.equal(await store.setDisabled('nobody', 25, 30), false);
        await assert.rejects(
          store.insert({ id: 'u2', username: 'ada', claims: {}, createdAt: 10, passwordHash: 'h', disabledAt: null, roles: [] }, 10),
          'usernames are unique',
        );
        assert.deepEqual(
          (await store.list()).map((u) => u.username),
          ['ada'],
        );
        assert.equal(await store.delete('u1'), true);
        assert.equal(await store.findById('u1'), undefined);
      });
    });

    describe('signing keys', () => {
      it('lists newest first, retires once, deletes only expired keys', async () => {
        const store = signingKeysStore(db);
        const key = (kid: string, created: number) => ({
          kid,
          alg: 'RS256',
          publicJwk: {},
          privateJwkEncrypted: 'v1.x',
          createdAt: created,
          retiredAt: null,
          expiresAt: null,
        });
        await store.insert(key('old', 100));
        await store.insert(key('new', 200));
        assert.deepEqual(
          (await store.list()).map((k) => k.kid),
          ['new', 'old'],
        );
        await store.retire('old', 300, 400);
        await store.retire('old', 999, 999);
        const old = (await store.list()).find((k) => k.kid === 'old');
        assert.equal(old?.retiredAt, 300, 'a retired key is not retired again');
        assert.equal(old?.expiresAt, 400);
        assert.equal(await store.deleteExpired(399), 0);
        assert.equal(await store.deleteExpired(401), 1);
        assert.deepEqual(
          (await store.list()).map((k) => k.kid),
          ['new'],
        );
      });
    });

    describe('grants and access tokens', () => {
      const grant = grantRecord('g1', 's1');
      const token = (jti: string, extra: Partial<AccessTokenRecord> = {}): AccessTokenRecord => ({
        jti,
        tokenHash: null,
        grantId: 'g1',
        clientId: 'c1',
        userId: 'u1',
        scope: 'openid',
        audience: 'https://api.example',
        extra: null,
        createdAt: 10,
        expiresAt: 100,
        revokedAt: null,
        ...extra,
      });

      it('stores grants and finds them by id and session', async () => {
        const store = grantsStore(db);
        await authorizationCodesStore(db).issue(grant, { ...codeRecord('code-of-g1', 'g1'), expiresAt: 9999999999 });
        assert.deepEqual(await store.find('g1'), grant);
        assert.deepEqual(
          (await store.findBySid('s1')).map((g) => g.id),
          ['g1'],
        );
        assert.deepEqual(await store.findBySid('other'), []);
      });

      it('finds access tokens by hash and jti, and revoking the grant revokes its tokens', async () => {
        const tokens = accessTokensStore(db);
        await tokens.insert(token('j1', { tokenHash: 'th1', extra: { authTime: 5, amr: ['pwd'], userinfoClaims: ['name'] } }));
        await tokens.insert(token('j2'));
        await tokens.insert(token('j3', { grantId: null, userId: null }));
        assert.equal((await tokens.findByHash('th1'))?.jti, 'j1');
        assert.deepEqual((await tokens.findByHash('th1'))?.extra, { authTime: 5, amr: ['pwd'], userinfoClaims: ['name'] });
        assert.equal((await tokens.findByJti('j2'))?.tokenHash, null);
        await grantsStore(db).revoke('g1', 50);
        assert.equal((await grantsStore(db).find('g1'))?.revokedAt, 50);
        assert.equal((await tokens.findByJti('j1'))?.revokedAt, 50);
        assert.equal((await tokens.findByJti('j2'))?.revokedAt, 50);
        assert.equal((await tokens.findByJti('j3'))?.revokedAt, null, 'tokens of other grants are untouched');
        await grantsStore(db).revoke('g1', 60);
        assert.equal((await grantsStore(db).find('g1'))?.revokedAt, 50, 'the first revocation time stays');
      });

      it('revokes a JWT by jti, with or without a record, and the janitor deletes expired records', async () => {
        const tokens = accessTokensStore(db);
        const { revokedAt: _none, ...unrecorded } = token('j4', { grantId: null });
        await tokens.revoke(unrecorded, 70);
        assert.equal((await tokens.findByJti('j4'))?.revokedAt, 70);
        const { revokedAt: _also, ...recorded } = token('j3');
        await tokens.revoke(recorded, 80);
        assert.equal((await tokens.findByJti('j3'))?.revokedAt, 80);
        await tokens.insert(token('j5', { expiresAt: 1000 }));
        assert.equal(await purge('access_tokens', 101, 2), 2, 'at most `limit` per call');
        assert.equal(await purge('access_tokens', 101, 100), 2);
        assert.equal((await tokens.findByJti('j5')) !== undefined, true, 'unexpired records stay');
      });
    });

    describe('authorization codes', () => {
      const code = (hash: string): AuthorizationCodeRecord => codeRecord(hash, `g-${hash}`);

      it('consumes atomically: the first use gets the record, a second is a replay (RFC 6749 §4.1.2)', async () => {
        const codes = authorizationCodesStore(db);
        await codes.issue(grantRecord('g-c-1'), code('c-1'));
        const first = await codes.consume('c-1', 20);
        assert.equal(first.record?.codeHash, 'c-1');
        assert.equal(first.record?.consumedAt, 20);
        assert.equal(first.replayed, undefined);
        const second = await codes.consume('c-1', 21);
        assert.equal(second.record, undefined);
        assert.equal(second.replayed?.grantId, 'g-c-1', 'the replay names the grant to revoke');
        assert.deepEqual(await codes.consume('unknown', 22), { replayed: undefined });
      });

      it('lets exactly one of many concurrent consumes win', async () => {
        const codes = authorizationCodesStore(db);
        await codes.issue(grantRecord('g-c-2'), code('c-2'));
        const results = await Promise.all(Array.from({ length: 10 }, () => codes.consume('c-2', 30)));
        assert.equal(results.filter((r) => r.record).length, 1);
        assert.equal(results.filter((r) => r.replayed).length, 9);
      });

      it('issues a grant, its code and the session client in one transaction: a failure leaves none of them', async () => {
        const codes = authorizationCodesStore(db);
        const live = (hash: string, grantId: string, sid: string) => ({ ...codeRecord(hash, grantId), sid, expiresAt: 9999999999 });
        await codes.issue(grantRecord('g-tx-1', 'sid-tx-1'), live('c-tx', 'g-tx-1', 'sid-tx-1'));
        assert.equal((await grantsStore(db).find('g-tx-1'))?.id, 'g-tx-1');
        assert.deepEqual(await sessionsStore(db).clientsOf('sid-tx-1'), ['c1']);
        // The second code has the first one's hash: its insert fails after the grant's went in.
        await assert.rejects(codes.issue(grantRecord('g-tx-2', 'sid-tx-2'), live('c-tx', 'g-tx-2', 'sid-tx-2')));
        assert.equal(await grantsStore(db).find('g-tx-2'), undefined, 'no grant without its code');
        assert.deepEqual(await sessionsStore(db).clientsOf('sid-tx-2'), []);
        assert.equal((await codes.consume('c-tx', 20)).record?.grantId, 'g-tx-1', 'the first code is untouched');
      });

      it('refuses a code or token of a grant that does not exist (foreign keys)', async () => {
        await assert.rejects(
          db
            .insertInto('authorization_codes')
            .values(toCodeRow(codeRecord('c-orphan', 'no-such-grant')))
            .execute(),
        );
        await assert.rejects(
          accessTokensStore(db).insert({
            jti: 'j-orphan',
            tokenHash: null,
            grantId: 'no-such-grant',
            clientId: 'c1',
            userId: 'u1',
            scope: '',
            audience: 'x',
            extra: null,
            createdAt: 1,
            expiresAt: 2,
            revokedAt: null,
          }),
        );
        await assert.rejects(db.deleteFrom('grants').where('id', '=', 'g-c-1').execute(), 'a grant with a code cannot be deleted');
      });

      it('the janitor deletes expired codes', async () => {
        const codes = authorizationCodesStore(db);
        assert.equal(await purge('authorization_codes', 71, 100), 2);
        assert.deepEqual(await codes.consume('c-1', 80), { replayed: undefined });
      });
    });
  });
}

/** The row of a code as the table holds it, for inserts that go around the store. */
function toCodeRow(code: AuthorizationCodeRecord) {
  return {
    code_hash: code.codeHash,
    grant_id: code.grantId,
    client_id: code.clientId,
    user_id: code.userId,
    redirect_uri: code.redirectUri,
    scope: code.scope,
    nonce: null,
    code_challenge: null,
    code_challenge_method: null,
    claims: null,
    resource: null,
    auth_time: code.authTime,
    acr: null,
    amr: null,
    sid: null,
    created_at: code.createdAt,
    expires_at: code.expiresAt,
    consumed_at: null,
  };
}
