import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, DATABASES, type TestDatabase } from '../support/databases.js';
import { migrate, openDatabase, type Db } from '../../src/storage/database.js';

const grant = (id: string) => ({
  id,
  user_id: 'u',
  client_id: 'c',
  scope: 'openid',
  sid: 'sid-1',
  created_at: 100,
  expires_at: 9000,
  revoked_at: null,
});
const code = (hash: string, grantId: string) => ({
  code_hash: hash,
  grant_id: grantId,
  client_id: 'c',
  user_id: 'u',
  redirect_uri: 'https://a/cb',
  scope: 'openid',
  nonce: 'n',
  code_challenge: 'x'.repeat(43),
  code_challenge_method: 'S256',
  claims: '{"userinfo":{"email":null}}',
  resource: 'https://api',
  auth_time: 90,
  acr: null,
  amr: '["pwd"]',
  sid: 'sid-1',
  created_at: 100,
  expires_at: 160,
  consumed_at: null,
});
const refresh = (hash: string, grantId: string) => ({
  token_hash: hash,
  grant_id: grantId,
  client_id: 'c',
  user_id: 'u',
  scope: 'openid offline_access',
  claims: null,
  resource: null,
  auth_time: 90,
  acr: 'urn:x',
  amr: '["pwd"]',
  sid: null,
  created_at: 100,
  expires_at: 9000,
  consumed_at: 150,
  revoked_at: null,
});
const access = (jti: string, grantId: string | null) => ({
  jti,
  token_hash: `h-${jti}`,
  grant_id: grantId,
  client_id: 'c',
  user_id: grantId ? 'u' : null,
  scope: 'openid',
  audience: 'https://api',
  data: '{"auth_time":90}',
  created_at: 100,
  expires_at: 700,
  revoked_at: null,
});
const device = (hash: string, userCode: string, grantId: string | null) => ({
  device_code_hash: hash,
  user_code: userCode,
  client_id: 'tv',
  scope: 'openid',
  status: grantId ? ('approved' as const) : ('pending' as const),
  user_id: grantId ? 'u' : null,
  grant_id: grantId,
  auth_time: grantId ? 90 : null,
  acr: null,
  amr: null,
  sid: null,
  interval: 5,
  last_polled_at: null,
  created_at: 100,
  expires_at: 700,
  consumed_at: null,
});

type Child = 'authorization_codes' | 'refresh_tokens' | 'access_tokens' | 'device_codes';
const KEYS: Record<Child, string> = {
  authorization_codes: 'code_hash',
  refresh_tokens: 'token_hash',
  access_tokens: 'jti',
  device_codes: 'device_code_hash',
};

async function rows(db: Db, table: Child): Promise<Record<string, unknown>[]> {
  const all = (await db.selectFrom(table).selectAll().execute()) as Record<string, unknown>[];
  return all.sort((a, b) => String(a[KEYS[table]]).localeCompare(String(b[KEYS[table]])));
}

/** Migration 002 on a database that already holds rows of 001: kept, except those whose grant is gone. */
for (const kind of DATABASES) {
  describe(`migration 002, grant foreign keys (${kind})`, () => {
    let database: TestDatabase;
    let db: Db;
    let before002: Record<Child, Record<string, unknown>[]>;

    before(async () => {
      database = await createTestDatabase(kind);
      db = openDatabase(database.url, { schema: database.schema });
      assert.deepEqual(await migrate(db, { upTo: '001-initial' }), ['001-initial']);
      await db
        .insertInto('grants')
        .values([grant('g1'), grant('g-empty')])
        .execute();
      await db
        .insertInto('authorization_codes')
        .values([code('code-1', 'g1'), code('code-orphan', 'g-gone')])
        .execute();
      await db
        .insertInto('refresh_tokens')
        .values([refresh('rt-1', 'g1'), refresh('rt-orphan', 'g-gone')])
        .execute();
      await db
        .insertInto('access_tokens')
        .values([access('at-1', 'g1'), access('at-client', null), access('at-orphan', 'g-gone')])
        .execute();
      await db
        .insertInto('device_codes')
        .values([device('dc-pending', 'BCDFGHJK', null), device('dc-1', 'LMNPQRST', 'g1'), device('dc-orphan', 'VWXZBCDF', 'g-gone')])
        .execute();
      await sql`insert into kv (key, value, updated_at) values ('k', 'v', 1)`.execute(db);
      before002 = {
        authorization_codes: await rows(db, 'authorization_codes'),
        refresh_tokens: await rows(db, 'refresh_tokens'),
        access_tokens: await rows(db, 'access_tokens'),
        device_codes: await rows(db, 'device_codes'),
      };
      assert.deepEqual(await migrate(db, { upTo: '002-grant-foreign-keys' }), ['002-grant-foreign-keys']);
    });
    after(async () => {
      await db.destroy();
      await database.drop();
    });

    it('keeps every row that belongs to a grant, and rows of no grant, column for column', async () => {
      for (const table of Object.keys(KEYS) as Child[]) {
        const kept = before002[table].filter((row) => row.grant_id !== 'g-gone');
        assert.deepEqual(await rows(db, table), kept, table);
      }
      assert.deepEqual(
        (await db.selectFrom('grants').select('id').orderBy('id').execute()).map((g) => g.id),
        ['g-empty', 'g1'],
      );
    });

    it('drops the rows whose grant was already gone (they were refused everywhere anyway)', async () => {
      assert.equal((await db.selectFrom('authorization_codes').select('code_hash').where('grant_id', '=', 'g-gone').execute()).length, 0);
      assert.equal((await db.selectFrom('refresh_tokens').select('token_hash').where('grant_id', '=', 'g-gone').execute()).length, 0);
      assert.equal((await db.selectFrom('access_tokens').select('jti').where('grant_id', '=', 'g-gone').execute()).length, 0);
      assert.equal((await db.selectFrom('device_codes').select('user_code').where('grant_id', '=', 'g-gone').execute()).length, 0);
    });

    it('refuses a code or token of a missing grant, and a grant deletion while anything of it remains', async () => {
      await assert.rejects(db.insertInto('authorization_codes').values(code('code-2', 'g-none')).execute());
      await assert.rejects(db.insertInto('refresh_tokens').values(refresh('rt-2', 'g-none')).execute());
      await assert.rejects(db.insertInto('access_tokens').values(access('at-2', 'g-none')).execute());
      await assert.rejects(
        db
          .insertInto('device_codes')
          .values(device('dc-2', 'GHJKLMNP', 'g-none'))
          .execute(),
      );
      await assert.rejects(db.deleteFrom('grants').where('id', '=', 'g1').execute());
      await db.insertInto('access_tokens').values(access('at-3', null)).execute();
      await db.deleteFrom('grants').where('id', '=', 'g-empty').execute();
    });

    it('keeps the indexes of the rebuilt tables, adds one on each new key, and drops kv', async () => {
      const indexes =
        kind === 'sqlite'
          ? (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and sql is not null`.execute(db)).rows
          : (await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`.execute(db)).rows;
      const names = indexes.map((i) => i.name);
      for (const name of [
        'authorization_codes_expires_at',
        'authorization_codes_grant_id',
        'refresh_tokens_grant_id',
        'refresh_tokens_expires_at',
        'access_tokens_grant_id',
        'access_tokens_expires_at',
        'device_codes_expires_at',
        'device_codes_grant_id',
      ]) {
        assert.ok(names.includes(name), name);
      }
      await assert.rejects(sql`select * from kv`.execute(db));
      // The unique user code and token hash survived the rebuild.
      await assert.rejects(
        db
          .insertInto('device_codes')
          .values(device('dc-3', 'LMNPQRST', null))
          .execute(),
      );
      await assert.rejects(
        db
          .insertInto('access_tokens')
          .values({ ...access('at-4', null), token_hash: 'h-at-1' })
          .execute(),
      );
    });

    it('is not run twice', async () => {
      assert.deepEqual(await migrate(db, { upTo: '002-grant-foreign-keys' }), []);
    });
  });
}

/** Migration 003: remembered consent of 002 is kept, with no single claims allowed. */
for (const kind of DATABASES) {
  describe(`migration 003, consented claims (${kind})`, () => {
    let database: TestDatabase;
    let db: Db;
    before(async () => {
      database = await createTestDatabase(kind);
      db = openDatabase(database.url, { schema: database.schema });
      await migrate(db, { upTo: '002-grant-foreign-keys' });
      await sql`insert into consents (user_id, client_id, scope, created_at, updated_at) values ('u', 'c', 'openid email', 1, 1)`.execute(
        db,
      );
      assert.deepEqual(await migrate(db, { upTo: '003-consented-claims' }), ['003-consented-claims']);
    });
    after(async () => {
      await db.destroy();
      await database.drop();
    });

    it('keeps the consent rows, with an empty claims column', async () => {
      const rows = await db.selectFrom('consents').selectAll().execute();
      assert.deepEqual(rows, [{ user_id: 'u', client_id: 'c', scope: 'openid email', claims: '', created_at: 1, updated_at: 1 }]);
      assert.deepEqual(await migrate(db, { upTo: '003-consented-claims' }), []);
    });
  });
}

/** Migration 008: DPoP key bindings; rows from before it are bound to nothing. */
for (const kind of DATABASES) {
  describe(`migration 008, DPoP key binding (${kind})`, () => {
    let database: TestDatabase;
    let db: Db;
    before(async () => {
      database = await createTestDatabase(kind);
      db = openDatabase(database.url, { schema: database.schema });
      // Up to the migration just before 008.
      await migrate(db, { upTo: '007-pushed-authorization-requests' });
      await sql`insert into used_jtis (key, expires_at) values ('k', 1)`.execute(db);
      await sql`insert into access_tokens (jti, token_hash, grant_id, client_id, user_id, scope, audience, data, created_at, expires_at, revoked_at)
        values ('j', null, null, 'c', null, 'openid', 'aud', null, 1, 2, null)`.execute(db);
      assert.deepEqual(await migrate(db, { upTo: '008-dpop-key-binding' }), ['008-dpop-key-binding']);
    });
    after(async () => {
      await db.destroy();
      await database.drop();
    });

    it('adds dpop_jkt, null on the rows that were there', async () => {
      const row = await db.selectFrom('access_tokens').selectAll().where('jti', '=', 'j').executeTakeFirstOrThrow();
      assert.equal(row.dpop_jkt, null);
      await db
        .updateTable('access_tokens')
        .set({ dpop_jkt: 'x'.repeat(43) })
        .where('jti', '=', 'j')
        .execute();
      for (const table of ['authorization_codes', 'refresh_tokens'] as const) {
        const columns = (await db.introspection.getTables()).find((t) => t.name === table)?.columns.map((c) => c.name);
        assert.ok(columns?.includes('dpop_jkt'), table);
      }
    });
  });
}

/** Migration 005: a session signed in before it keeps its amr, read as methods used at auth_time. */
for (const kind of DATABASES) {
  describe(`migration 005, authentication methods (${kind})`, () => {
    let database: TestDatabase;
    let db: Db;
    before(async () => {
      database = await createTestDatabase(kind);
      db = openDatabase(database.url, { schema: database.schema });
      await migrate(db, { upTo: '003-consented-claims' });
      await sql`insert into sessions (id_hash, sid, user_id, auth_time, amr, acr, created_at, expires_at) values ('h', 's', 'u', 100, '["pwd"]', null, 100, 9999999999)`.execute(
        db,
      );
      assert.ok((await migrate(db)).includes('005-authentication-methods'));
    });
    after(async () => {
      await db.destroy();
      await database.drop();
    });

    it("reads an older session's amr as its methods", async () => {
      const { sessionsStore } = await import('../../src/storage/sessions-store.js');
      const record = await sessionsStore(db).findBySid('s');
      assert.deepEqual(record?.methods, { pwd: 100 });
    });

    it('creates the second-factor tables', async () => {
      for (const table of ['totp_authenticators', 'recovery_codes', 'passkeys', 'webauthn_challenges'] as const)
        assert.deepEqual(await db.selectFrom(table).selectAll().execute(), []);
    });
  });
}

/** Migration 006: sessions and users of 003 are kept; what was not recorded then reads as unknown, users as enabled. */
for (const kind of DATABASES) {
  describe(`migration 006, account page (${kind})`, () => {
    let database: TestDatabase;
    let db: Db;
    before(async () => {
      database = await createTestDatabase(kind);
      db = openDatabase(database.url, { schema: database.schema });
      await migrate(db, { upTo: '005-authentication-methods' });
      await sql`insert into users (id, username, password_hash, claims, created_at, updated_at) values ('u', 'ada', 'h', '{}', 1, 1)`.execute(
        db,
      );
      await sql`insert into sessions (id_hash, sid, user_id, auth_time, created_at, expires_at) values ('h', 's', 'u', 1, 1, 99)`.execute(
        db,
      );
      assert.deepEqual(await migrate(db, { upTo: '006-account-page' }), ['006-account-page']);
    });
    after(async () => {
      await db.destroy();
      await database.drop();
    });

    it('keeps the rows: sessions without browser, address or last use, users enabled', async () => {
      const session = await db.selectFrom('sessions').select(['sid', 'user_agent', 'address', 'last_seen_at']).executeTakeFirst();
      assert.deepEqual(session, { sid: 's', user_agent: null, address: null, last_seen_at: null });
      const user = await db.selectFrom('users').select(['id', 'disabled_at']).executeTakeFirst();
      assert.deepEqual(user, { id: 'u', disabled_at: null });
      assert.deepEqual(await migrate(db, { upTo: '006-account-page' }), []);
    });
  });
}

/** Migration 009: device codes keep working, asking for no resource. */
for (const kind of DATABASES) {
  describe(`migration 009, device code resource (${kind})`, () => {
    let database: TestDatabase;
    let db: Db;
    before(async () => {
      database = await createTestDatabase(kind);
      db = openDatabase(database.url, { schema: database.schema });
      await migrate(db, { upTo: '008-dpop-key-binding' });
      await sql`insert into device_codes (device_code_hash, user_code, client_id, scope, status, interval, created_at, expires_at)
        values ('h', 'ABCDEFGH', 'tv', 'openid', 'pending', 5, 1, 2)`.execute(db);
      assert.deepEqual(await migrate(db, { upTo: '009-device-code-resource' }), ['009-device-code-resource']);
    });
    after(async () => {
      await db.destroy();
      await database.drop();
    });

    it('keeps the device codes, asking for no resource', async () => {
      const rows = await db.selectFrom('device_codes').select(['device_code_hash', 'resource']).execute();
      assert.deepEqual(rows, [{ device_code_hash: 'h', resource: null }]);
      assert.deepEqual(await migrate(db, { upTo: '009-device-code-resource' }), []);
    });
  });
}

/** Migration 010: users of 009 keep their rows and have no linked identity yet; deleting a user removes its links. */
for (const kind of DATABASES) {
  describe(`migration 010, federated identities (${kind})`, () => {
    let database: TestDatabase;
    let db: Db;
    before(async () => {
      database = await createTestDatabase(kind);
      db = openDatabase(database.url, { schema: database.schema });
      await migrate(db, { upTo: '009-device-code-resource' });
      await sql`insert into users (id, username, password_hash, claims, created_at, updated_at) values ('u', 'ada', 'h', '{}', 1, 1)`.execute(
        db,
      );
      assert.deepEqual(await migrate(db, { upTo: '010-federated-identities' }), ['010-federated-identities']);
    });
    after(async () => {
      await db.destroy();
      await database.drop();
    });

    it('keeps the users, with no link yet; a link goes with its user', async () => {
      assert.deepEqual(await db.selectFrom('users').select('id').execute(), [{ id: 'u' }]);
      assert.deepEqual(await db.selectFrom('federated_identities').selectAll().execute(), []);
      await sql`insert into federated_identities (connector_id, upstream_subject, user_id, created_at) values ('corp', 'x', 'u', 2)`.execute(
        db,
      );
      await sql`delete from users where id = 'u'`.execute(db);
      assert.deepEqual(await db.selectFrom('federated_identities').selectAll().execute(), []);
      assert.deepEqual(await migrate(db, { upTo: '010-federated-identities' }), []);
    });
  });
}

/** Migration 012: users of 010 keep their rows and hold no role; audit events keep theirs and name no actor. */
for (const kind of DATABASES) {
  describe(`migration 012, admin API (${kind})`, () => {
    let database: TestDatabase;
    let db: Db;
    before(async () => {
      database = await createTestDatabase(kind);
      db = openDatabase(database.url, { schema: database.schema });
      await migrate(db, { upTo: '010-federated-identities' });
      await sql`insert into users (id, username, password_hash, claims, created_at, updated_at) values ('u', 'ada', 'h', '{}', 1, 1)`.execute(
        db,
      );
      await sql`insert into audit_events (id, at, type) values ('e', 5, 'signin.success')`.execute(db);
      assert.deepEqual(await migrate(db, { upTo: '012-admin-api' }), ['012-admin-api']);
    });
    after(async () => {
      await db.destroy();
      await database.drop();
    });

    it('keeps users (no roles) and audit events (no actor)', async () => {
      assert.deepEqual(await db.selectFrom('users').select(['id', 'roles']).execute(), [{ id: 'u', roles: '[]' }]);
      assert.deepEqual(await db.selectFrom('audit_events').select(['id', 'actor']).execute(), [{ id: 'e', actor: null }]);
      assert.deepEqual(await migrate(db, { upTo: '012-admin-api' }), []);
    });
  });
}
