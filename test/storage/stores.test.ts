import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATABASES, useMigratedDatabase } from '../support/databases.js';
import { migrate, type Db } from '../../src/storage/database.js';
import { clientsStore } from '../../src/storage/clients-store.js';
import { usersStore } from '../../src/storage/users-store.js';
import { signingKeysStore } from '../../src/storage/signing-keys-store.js';
import { grantsStore } from '../../src/storage/grants-store.js';
import { accessTokensStore } from '../../src/storage/access-tokens-store.js';
import { authorizationCodesStore, type AuthorizationCodeRecord } from '../../src/storage/authorization-codes-store.js';
import type { Client } from '../../src/clients/client.js';
import type { AccessTokenRecord } from '../../src/storage/access-tokens-store.js';

/** The same suite, unchanged, on SQLite and PostgreSQL (STYLE.md §6, §11). */
for (const kind of DATABASES) {
  describe(`stores on ${kind}`, () => {
    let db: Db;
    useMigratedDatabase(kind, (opened) => (db = opened));

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
        assert.deepEqual((await store.list()).map((c) => c.clientId), ['a-client', 'b-client']);
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
        await store.insert({ id: 'u1', username: 'ada', claims: { name: 'Ada', address: { country: 'UK' } }, createdAt: 10, passwordHash: 'h1' }, 10);
        assert.deepEqual(await store.findById('u1'), { id: 'u1', username: 'ada', claims: { name: 'Ada', address: { country: 'UK' } }, createdAt: 10 });
        assert.equal((await store.findByUsername('ada'))?.passwordHash, 'h1');
        assert.equal(await store.findByUsername('ADA'), undefined, 'usernames are exact');
        await store.updateClaims('u1', { name: 'Ada L.' }, 20);
        assert.deepEqual((await store.findById('u1'))?.claims, { name: 'Ada L.' });
        assert.equal(await store.setPasswordHash('u1', 'h2', 30), true);
        assert.equal(await store.setPasswordHash('nobody', 'h2', 30), false);
        assert.equal((await store.findByUsername('ada'))?.passwordHash, 'h2');
        await assert.rejects(store.insert({ id: 'u2', username: 'ada', claims: {}, createdAt: 10, passwordHash: 'h' }, 10), 'usernames are unique');
        assert.deepEqual((await store.list()).map((u) => u.username), ['ada']);
        assert.equal(await store.delete('u1'), true);
        assert.equal(await store.findById('u1'), undefined);
      });
    });

    describe('signing keys', () => {
      it('lists newest first, retires once, deletes only expired keys', async () => {
        const store = signingKeysStore(db);
        const key = (kid: string, created: number) => ({ kid, alg: 'RS256', public_jwk: '{}', private_jwk_encrypted: 'v1.x', created_at: created, retired_at: null, expires_at: null });
        await store.insert(key('old', 100));
        await store.insert(key('new', 200));
        assert.deepEqual((await store.list()).map((k) => k.kid), ['new', 'old']);
        await store.retire('old', 300, 400);
        await store.retire('old', 999, 999);
        const old = (await store.list()).find((k) => k.kid === 'old');
        assert.equal(old?.retired_at, 300, 'a retired key is not retired again');
        assert.equal(old?.expires_at, 400);
        assert.equal(await store.deleteExpired(399), 0);
        assert.equal(await store.deleteExpired(401), 1);
        assert.deepEqual((await store.list()).map((k) => k.kid), ['new']);
      });
    });

    describe('grants and access tokens', () => {
      const grant = { id: 'g1', user_id: 'u1', client_id: 'c1', scope: 'openid', sid: 's1', created_at: 10, expires_at: 9999999999, revoked_at: null };
      const token = (jti: string, extra: Partial<AccessTokenRecord> = {}): AccessTokenRecord => ({
        jti,
        token_hash: null,
        grant_id: 'g1',
        client_id: 'c1',
        user_id: 'u1',
        scope: 'openid',
        audience: 'https://api.example',
        data: null,
        created_at: 10,
        expires_at: 100,
        revoked_at: null,
        ...extra,
      });

      it('stores grants and finds them by id and session', async () => {
        const store = grantsStore(db);
        await store.insert(grant);
        assert.deepEqual(await store.find('g1'), grant);
        assert.deepEqual((await store.findBySid('s1')).map((g) => g.id), ['g1']);
        assert.deepEqual(await store.findBySid('other'), []);
      });

      it('finds access tokens by hash and jti, and revoking the grant revokes its tokens', async () => {
        const tokens = accessTokensStore(db);
        await tokens.insert(token('j1', { token_hash: 'th1' }));
        await tokens.insert(token('j2'));
        await tokens.insert(token('j3', { grant_id: null, user_id: null }));
        assert.equal((await tokens.findByHash('th1'))?.jti, 'j1');
        assert.equal((await tokens.findByJti('j2'))?.token_hash, null);
        await grantsStore(db).revoke('g1', 50);
        assert.equal((await grantsStore(db).find('g1'))?.revoked_at, 50);
        assert.equal((await tokens.findByJti('j1'))?.revoked_at, 50);
        assert.equal((await tokens.findByJti('j2'))?.revoked_at, 50);
        assert.equal((await tokens.findByJti('j3'))?.revoked_at, null, 'tokens of other grants are untouched');
        await grantsStore(db).revoke('g1', 60);
        assert.equal((await grantsStore(db).find('g1'))?.revoked_at, 50, 'the first revocation time stays');
      });

      it('revokes a JWT by jti, with or without a record, and deletes expired records', async () => {
        const tokens = accessTokensStore(db);
        const { revoked_at: _none, ...unrecorded } = token('j4', { grant_id: null });
        await tokens.revoke(unrecorded, 70);
        assert.equal((await tokens.findByJti('j4'))?.revoked_at, 70);
        const { revoked_at: _also, ...recorded } = token('j3');
        await tokens.revoke(recorded, 80);
        assert.equal((await tokens.findByJti('j3'))?.revoked_at, 80);
        await tokens.insert(token('j5', { expires_at: 1000 }));
        assert.equal(await tokens.deleteExpired(101, 2), 2, 'at most `limit` per call');
        assert.equal(await tokens.deleteExpired(101, 100), 2);
        assert.equal(await tokens.findByJti('j5') !== undefined, true, 'unexpired records stay');
      });
    });

    describe('authorization codes', () => {
      const code = (hash: string): AuthorizationCodeRecord => ({
        code_hash: hash,
        grant_id: 'g2',
        client_id: 'c1',
        user_id: 'u1',
        redirect_uri: 'https://a.example/cb',
        scope: 'openid',
        nonce: null,
        code_challenge: 'abc',
        code_challenge_method: 'S256',
        claims: null,
        resource: null,
        auth_time: 10,
        acr: null,
        amr: null,
        sid: null,
        created_at: 10,
        expires_at: 70,
        consumed_at: null,
      });

      it('consumes atomically: the first use gets the record, a second is a replay (RFC 6749 §4.1.2)', async () => {
        const codes = authorizationCodesStore(db);
        await codes.insert(code('c-1'));
        const first = await codes.consume('c-1', 20);
        assert.equal(first.record?.code_hash, 'c-1');
        assert.equal(first.record?.consumed_at, 20);
        assert.equal(first.replayed, undefined);
        const second = await codes.consume('c-1', 21);
        assert.equal(second.record, undefined);
        assert.equal(second.replayed?.grant_id, 'g2', 'the replay names the grant to revoke');
        assert.deepEqual(await codes.consume('unknown', 22), { replayed: undefined });
      });

      it('lets exactly one of many concurrent consumes win', async () => {
        const codes = authorizationCodesStore(db);
        await codes.insert(code('c-2'));
        const results = await Promise.all(Array.from({ length: 10 }, () => codes.consume('c-2', 30)));
        assert.equal(results.filter((r) => r.record).length, 1);
        assert.equal(results.filter((r) => r.replayed).length, 9);
      });

      it('deletes expired codes', async () => {
        const codes = authorizationCodesStore(db);
        assert.equal(await codes.deleteExpired(71, 100), 2);
        assert.deepEqual(await codes.consume('c-1', 80), { replayed: undefined });
      });
    });
  });
}
