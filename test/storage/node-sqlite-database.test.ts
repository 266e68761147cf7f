import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect, sql, type Generated } from 'kysely';
import { nodeSqliteDatabase, sqliteResultCodeName, type NodeSqliteModule } from '../../src/storage/node-sqlite-database.js';
import { chooseSqliteDriver } from '../../src/storage/open-sqlite.js';

const require = createRequire(import.meta.url);
const usable = (() => {
  try {
    return chooseSqliteDriver('node:sqlite') === 'node:sqlite';
  } catch {
    return false;
  }
})();
const skip = usable ? false : `no usable node:sqlite on Node.js ${process.version}`;

describe('SQLite result code names (as better-sqlite3 gives them)', () => {
  it('names primary codes', () => {
    assert.equal(sqliteResultCodeName(1), 'SQLITE_ERROR');
    assert.equal(sqliteResultCodeName(5), 'SQLITE_BUSY');
    assert.equal(sqliteResultCodeName(19), 'SQLITE_CONSTRAINT');
    assert.equal(sqliteResultCodeName(28), 'SQLITE_WARNING');
  });

  it('names extended codes, primary | (n << 8)', () => {
    assert.equal(sqliteResultCodeName(2067), 'SQLITE_CONSTRAINT_UNIQUE');
    assert.equal(sqliteResultCodeName(1555), 'SQLITE_CONSTRAINT_PRIMARYKEY');
    assert.equal(sqliteResultCodeName(787), 'SQLITE_CONSTRAINT_FOREIGNKEY');
    assert.equal(sqliteResultCodeName(1299), 'SQLITE_CONSTRAINT_NOTNULL');
    assert.equal(sqliteResultCodeName(517), 'SQLITE_BUSY_SNAPSHOT');
    assert.equal(sqliteResultCodeName(516), 'SQLITE_ABORT_ROLLBACK');
    assert.equal(sqliteResultCodeName(8714), 'SQLITE_IOERR_IN_PAGE');
  });

  it('falls back to the primary name for an extended code it does not know, and to nothing for a non-code', () => {
    assert.equal(sqliteResultCodeName(5 | (40 << 8)), 'SQLITE_BUSY');
    assert.equal(sqliteResultCodeName(99), undefined);
  });
});

describe('node:sqlite in the shape Kysely drives', { skip }, () => {
  let dir: string;
  let raw: InstanceType<NodeSqliteModule['DatabaseSync']>;
  let database: ReturnType<typeof nodeSqliteDatabase>;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-node-sqlite-'));
    raw = new (require('node:sqlite') as NodeSqliteModule).DatabaseSync(join(dir, 'test.db'));
    database = nodeSqliteDatabase(raw);
    raw.exec('create table t (id integer primary key, name text not null unique, n integer, data blob)');
  });
  after(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says which statements return rows: a select or a write with returning, not a plain write', () => {
    assert.equal(database.prepare('select * from t').reader, true);
    assert.equal(database.prepare("insert into t (name) values ('r') returning id").reader, true);
    assert.equal(database.prepare('insert into t (name) values (?)').reader, false);
    assert.equal(database.prepare('update t set n = 1').reader, false);
    assert.equal(database.prepare('delete from t where id = ?').reader, false);
  });

  it('binds parameters positionally from an array, and run() reports changes and the rowid', () => {
    const result = database.prepare('insert into t (name, n) values (?, ?)').run(['a', 7]);
    assert.equal(Number(result.changes), 1);
    assert.equal(Number(result.lastInsertRowid) > 0, true);
    assert.deepEqual(database.prepare('select name, n from t where name = ? and n = ?').all(['a', 7]), [{ name: 'a', n: 7 }]);
  });

  it('binds null, bigint and a byte array in first place (not taken for named parameters)', () => {
    database.prepare('insert into t (name, n, data) values (?, ?, ?)').run(['b', 9007199254740991n, new Uint8Array([1, 2])]);
    database.prepare('insert into t (name, n) values (?, ?)').run(['c', null]);
    const [row] = database.prepare('select n from t where data = ?').all([new Uint8Array([1, 2])]) as { n: number }[];
    assert.equal(row.n, Number.MAX_SAFE_INTEGER);
    assert.deepEqual(database.prepare('select name from t where n is ?').all([null]), [{ name: 'c' }]);
  });

  it('returns rows as plain objects, as better-sqlite3 does', () => {
    const [row] = database.prepare('select name from t where name = ?').all(['a']) as object[];
    assert.equal(Object.getPrototypeOf(row), Object.prototype);
    const [iterated] = [...database.prepare('select name from t where name = ?').iterate(['a'])] as object[];
    assert.equal(Object.getPrototypeOf(iterated), Object.prototype);
    assert.deepEqual(iterated, { name: 'a' });
  });

  it(
    'names the columns of a statement prepared before a column was added (a migration under a cached select *)',
    {
      skip:
        Number(process.versions.node.split('.')[0]) < 24 &&
        "node:sqlite on Node 22 keeps a prepared statement's old columns: the statement cache is dropped after a migration instead",
    },
    () => {
      const select = database.prepare('select * from t where name = ?');
      assert.deepEqual(Object.keys(select.all(['a'])[0] as object), ['id', 'name', 'n', 'data']);
      raw.exec('alter table t add column extra text');
      try {
        assert.deepEqual(Object.keys(select.all(['a'])[0] as object), ['id', 'name', 'n', 'data', 'extra']);
      } finally {
        raw.exec('alter table t drop column extra');
      }
      assert.deepEqual(Object.keys(select.all(['a'])[0] as object), ['id', 'name', 'n', 'data']);
    },
  );

  it('keeps the last of two columns with one name, as better-sqlite3 does', () => {
    assert.deepEqual(database.prepare('select 1 as x, 2 as x, 3 as y').all([]), [{ x: 2, y: 3 }]);
  });

  it('gives SQLite errors the code better-sqlite3 gives them', () => {
    const insert = database.prepare('insert into t (name) values (?)');
    assert.throws(() => insert.run(['a']), { code: 'SQLITE_CONSTRAINT_UNIQUE', message: /UNIQUE constraint failed: t.name/ });
    assert.throws(() => insert.run([null]), { code: 'SQLITE_CONSTRAINT_NOTNULL' });
    assert.throws(() => database.prepare('select * from missing'), { code: 'SQLITE_ERROR', message: /no such table/ });
  });

  it('reports a database locked by another connection as SQLITE_BUSY', () => {
    const other = nodeSqliteDatabase(new (require('node:sqlite') as NodeSqliteModule).DatabaseSync(join(dir, 'test.db')));
    other.prepare('begin immediate').run([]);
    try {
      database.prepare('pragma busy_timeout = 0').all([]);
      assert.throws(() => database.prepare("insert into t (name) values ('locked')").run([]), { code: 'SQLITE_BUSY' });
    } finally {
      other.prepare('rollback').run([]);
      other.close();
    }
  });

  describe('under Kysely', () => {
    let db: Kysely<{ t: { id: Generated<number>; name: string; n: number | null } }>;
    before(() => {
      db = new Kysely({
        dialect: new SqliteDialect({
          database: nodeSqliteDatabase(new (require('node:sqlite') as NodeSqliteModule).DatabaseSync(join(dir, 'test.db'))),
        }),
      });
    });
    after(() => db.destroy());

    it('counts the rows an update or delete touched', async () => {
      await db
        .insertInto('t')
        .values([
          { name: 'k1', n: 1 },
          { name: 'k2', n: 1 },
        ])
        .execute();
      const updated = await db.updateTable('t').set({ n: 2 }).where('n', '=', 1).executeTakeFirst();
      assert.equal(updated.numUpdatedRows, 2n);
      const deleted = await db.deleteFrom('t').where('name', 'in', ['k1', 'k2']).executeTakeFirst();
      assert.equal(deleted.numDeletedRows, 2n);
    });

    it('returns the rows of a write with returning (a single-use thing consumed once)', async () => {
      await db.insertInto('t').values({ name: 'once', n: null }).execute();
      const consume = () =>
        db.updateTable('t').set({ n: 1 }).where('name', '=', 'once').where('n', 'is', null).returning(['name']).executeTakeFirst();
      assert.deepEqual(await consume(), { name: 'once' });
      assert.equal(await consume(), undefined);
    });

    it('commits a transaction, and rolls one back on error', async () => {
      await db.transaction().execute((trx) => trx.insertInto('t').values({ name: 'committed', n: null }).execute());
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('t').values({ name: 'rolled-back', n: null }).execute();
          throw new Error('abort');
        }),
        /abort/,
      );
      const names = (await db.selectFrom('t').select('name').where('name', 'in', ['committed', 'rolled-back']).execute()).map(
        (r) => r.name,
      );
      assert.deepEqual(names, ['committed']);
    });

    it('streams a select', async () => {
      const names: string[] = [];
      for await (const row of db.selectFrom('t').select('name').where('name', 'in', ['a', 'b']).orderBy('name').stream())
        names.push(row.name);
      assert.deepEqual(names, ['a', 'b']);
    });

    it('runs raw SQL', async () => {
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      assert.deepEqual(rows, [{ one: 1 }]);
    });
  });
});
