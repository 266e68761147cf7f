import { after, before } from 'node:test';
import pg from 'pg';
import { migrate, openDatabase, type Db } from '../../src/storage/database.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SqliteDriverChoice } from '../../src/storage/open-sqlite.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/** The databases suites run against: both by default (TEST_DATABASES=sqlite to narrow). */
export const DATABASES: DatabaseKind[] = (process.env.TEST_DATABASES ?? 'sqlite,postgres').split(',').filter(Boolean) as DatabaseKind[];

/**
 * The SQLite driver every suite opens: the one Tessera picks on this Node (node:sqlite on
 * 22.16+ and 24, better-sqlite3 before), or TESSERA_SQLITE_DRIVER=better-sqlite3|node:sqlite.
 */
export const SQLITE_DRIVER = (process.env.TESSERA_SQLITE_DRIVER || 'auto') as SqliteDriverChoice;

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  /** PostgreSQL schema of this test database, if any. */
  schema?: string;
  drop: () => Promise<void>;
}

/** A fresh, empty database: a temporary SQLite file, or a new schema in the test PostgreSQL. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-test-'));
    return { url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return {
    url: POSTGRES_URL,
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/**
 * Gives the enclosing suite a fresh, migrated database: opened before its tests, closed and
 * dropped after them. `onOpen` receives the handle.
 */
export function useMigratedDatabase(kind: DatabaseKind, onOpen: (db: Db) => void): void {
  let database: TestDatabase;
  let db: Db;
  before(async () => {
    database = await createTestDatabase(kind);
    db = openDatabase(database.url, { schema: database.schema, sqliteDriver: SQLITE_DRIVER });
    await migrate(db);
    onOpen(db);
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });
}
