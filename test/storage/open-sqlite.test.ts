import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { chooseSqliteDriver, openSqlite, type SqliteDriver } from '../../src/storage/open-sqlite.js';
import { migrate, openDatabase } from '../../src/storage/database.js';

// Registered before anything loads node:sqlite: Node 22 would warn that it is experimental.
const warnings: string[] = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));

const [major, minor] = process.versions.node.split('.').map(Number);
const hasNodeSqlite = major > 22 || (major === 22 && minor >= 16);
const usable = (driver: SqliteDriver) => {
  try {
    openSqlite(':memory:', driver).database.close();
    return true;
  } catch {
    return false;
  }
};
const DRIVERS = (['node:sqlite', 'better-sqlite3'] as const).filter(usable);
const dir = mkdtempSync(join(tmpdir(), 'tessera-open-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('choosing the SQLite driver', () => {
  it('auto is node:sqlite where Node has a usable one (22.16+, 24), better-sqlite3 before', () => {
    assert.equal(chooseSqliteDriver('auto'), hasNodeSqlite ? 'node:sqlite' : 'better-sqlite3');
    assert.equal(usable('node:sqlite'), hasNodeSqlite);
  });

  it('a driver this Node cannot use is refused with what to do about it', () => {
    if (!usable('node:sqlite')) assert.throws(() => chooseSqliteDriver('node:sqlite'), /node:sqlite needs Node.js 22.16 or later/);
    if (!usable('better-sqlite3'))
      assert.throws(
        () => openSqlite(':memory:', 'better-sqlite3'),
        /better-sqlite3 (is not installed .*npm install better-sqlite3@1[23]|could not be loaded \(npm rebuild better-sqlite3\))/,
      );
  });

  it('loading node:sqlite prints no experimental warning', () => {
    assert.deepEqual(
      warnings.filter((w) => /sqlite/i.test(w)),
      [],
    );
  });
});

for (const driver of DRIVERS) {
  describe(`a SQLite file opened with ${driver}`, () => {
    it('is in WAL mode, with foreign keys on, NORMAL sync and a busy timeout', () => {
      const { database, driver: opened } = openSqlite(join(dir, driver, 'pragmas.db'), driver);
      try {
        assert.equal(opened, driver);
        const pragma = (name: string) => Object.values((database.prepare(`pragma ${name}`).all([]) as Record<string, unknown>[])[0])[0];
        assert.equal(pragma('journal_mode'), 'wal');
        assert.equal(pragma('foreign_keys'), 1);
        assert.equal(pragma('synchronous'), 1);
        assert.equal(pragma('busy_timeout'), 5000);
      } finally {
        database.close();
      }
    });

    it('prepares each SQL text once and reuses the statement, until told to forget them', () => {
      const { database, forgetStatements } = openSqlite(':memory:', driver);
      try {
        const first = database.prepare('select 1');
        assert.equal(database.prepare('select 1'), first);
        assert.notEqual(database.prepare('select 2'), first);
        forgetStatements();
        assert.notEqual(database.prepare('select 1'), first);
      } finally {
        database.close();
      }
    });

    it('sees a column a migration added through a statement kept from before it', async () => {
      const file = join(dir, driver, 'migrated.db');
      const db = openDatabase(`sqlite:${file}`, { sqliteDriver: driver });
      try {
        await migrate(db, { upTo: '001-initial' });
        const before = await sql<Record<string, unknown>>`select * from grants`.execute(db);
        assert.deepEqual(before.rows, []);
        await sql`alter table grants add column extra text`.execute(db);
        const insert = sql`insert into grants (id, user_id, client_id, scope, created_at, expires_at, extra)
          values ('g', 'u', 'c', 's', 1, 2, 'x')`;
        await insert.execute(db);
        await migrate(db);
        const [row] = (await sql<Record<string, unknown>>`select * from grants`.execute(db)).rows;
        assert.equal(row.extra, 'x');
      } finally {
        await db.destroy();
      }
    });
  });
}

describe(
  'one SQLite file, both drivers',
  { skip: DRIVERS.length < 2 ? `only ${DRIVERS.join('') || 'no driver'} on Node.js ${process.version}` : false },
  () => {
    it('reads through one driver what the other wrote (switching drivers keeps the data)', () => {
      const file = join(dir, 'both.db');
      const first = openSqlite(file, 'better-sqlite3').database;
      first.prepare('create table t (id integer primary key, name text)').run([]);
      first.prepare('insert into t (name) values (?)').run(['written by better-sqlite3']);
      first.close();
      const second = openSqlite(file, 'node:sqlite').database;
      try {
        assert.deepEqual(second.prepare('select name from t').all([]), [{ name: 'written by better-sqlite3' }]);
      } finally {
        second.close();
      }
    });
  },
);
