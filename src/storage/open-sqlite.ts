import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { nodeSqliteDatabase, type NodeSqliteModule } from './node-sqlite-database.js';

/** The embedded SQLite drivers: Node's own, or the better-sqlite3 package (compiled on install). */
export type SqliteDriver = 'node:sqlite' | 'better-sqlite3';
/** `auto`: node:sqlite where this Node has a usable one (22.16+, 24), else better-sqlite3. */
export type SqliteDriverChoice = SqliteDriver | 'auto';
export const SQLITE_DRIVER_CHOICES: readonly SqliteDriverChoice[] = ['auto', 'node:sqlite', 'better-sqlite3'];

export interface OpenedSqlite {
  driver: SqliteDriver;
  /** What Kysely's SqliteDialect drives, with its statements kept for reuse. */
  database: SqliteDatabase;
  /** Drops the kept statements (after a schema change: node:sqlite on Node 22 keeps a statement's old columns). */
  forgetStatements: () => void;
}

const require = createRequire(import.meta.url);

const PRAGMAS = ['journal_mode = WAL', 'synchronous = NORMAL', 'busy_timeout = 5000', 'foreign_keys = ON'];

/**
 * The SQLite file holds password hashes, client-secret HMACs, consents and the audit trail:
 * its folder is created 0700 and the file 0600 before SQLite opens it, whatever the umask.
 * SQLite gives the -wal and -shm files the mode of the database file.
 */
function createPrivately(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // 'a' creates the file if it is missing and leaves an existing one as it is.
  closeSync(openSync(file, 'a', 0o600));
}

/** Opens (creating it and its folder if needed) the SQLite file `file`, or `:memory:`. */
export function openSqlite(file: string, choice: SqliteDriverChoice = 'auto'): OpenedSqlite {
  const driver = chooseSqliteDriver(choice);
  if (file !== ':memory:') createPrivately(file);
  let database: SqliteDatabase & { exec(sql: string): unknown };
  if (driver === 'node:sqlite') {
    const raw = new (nodeSqlite() as NodeSqliteModule).DatabaseSync(file);
    database = { ...nodeSqliteDatabase(raw), exec: (sql: string) => raw.exec(sql) };
  } else {
    try {
      database = new (betterSqlite3() as typeof BetterSqlite3)(file);
    } catch (err) {
      // Its compiled part loads with the first database: built for another Node, it fails here.
      if ((err as { code?: string }).code !== 'ERR_DLOPEN_FAILED') throw err;
      throw new Error(`SQLite driver better-sqlite3 could not be loaded (npm rebuild better-sqlite3): ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  for (const pragma of PRAGMAS) database.exec(`pragma ${pragma}`);
  const statements = new Map<string, SqliteStatement>();
  return { driver, database: reusingStatements(database, statements), forgetStatements: () => statements.clear() };
}

/** The driver `choice` stands for on this Node, or an error that says what to install. */
export function chooseSqliteDriver(choice: SqliteDriverChoice): SqliteDriver {
  if (choice === 'node:sqlite' || (choice === 'auto' && nodeSqlite())) {
    if (!nodeSqlite())
      throw new Error(
        `SQLite driver node:sqlite needs Node.js 22.16 or later (this is ${process.version}); use better-sqlite3 or PostgreSQL`,
      );
    return 'node:sqlite';
  }
  const loaded = betterSqlite3();
  if (loaded instanceof Error) {
    const missing = (loaded as { code?: string }).code === 'MODULE_NOT_FOUND';
    const why = missing
      ? `is not installed (npm installs it only on Node.js older than 22.16): ${INSTALL_BETTER_SQLITE3}`
      : `could not be loaded (npm rebuild better-sqlite3): ${loaded.message}`;
    const instead =
      choice === 'auto' ? `Node.js ${process.version} has no usable node:sqlite and better-sqlite3 ` : 'SQLite driver better-sqlite3 ';
    throw new Error(`${instead}${why}`);
  }
  return 'better-sqlite3';
}

let nodeSqliteModule: NodeSqliteModule | null | undefined;

/** node:sqlite if this Node has one that tells whether a statement returns rows (22.16+, 24), else null. */
function nodeSqlite(): NodeSqliteModule | null {
  if (nodeSqliteModule !== undefined) return nodeSqliteModule;
  // Node 22 marks node:sqlite experimental with a warning on load. Tessera is tested on it, so
  // to an operator that warning is noise; every other warning still goes through.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be restored below, and called with process as `this`
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    if (String(warning).startsWith('SQLite is an experimental feature')) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    const loaded = require('node:sqlite') as NodeSqliteModule;
    nodeSqliteModule = 'columns' in loaded.StatementSync.prototype ? loaded : null;
  } catch {
    nodeSqliteModule = null; // Node 20, or 22 before 22.13 without --experimental-sqlite
  } finally {
    process.emitWarning = emitWarning;
  }
  return nodeSqliteModule;
}

/** better-sqlite3 12 aborts Node 24.19+ when it garbage-collects a statement; 13 (Node-API, Node 22+) does not, and needs no compiler. */
const INSTALL_BETTER_SQLITE3 =
  Number(process.versions.node.split('.')[0]) >= 22 ? 'npm install better-sqlite3@13' : 'npm install better-sqlite3@12';

let betterSqlite3Module: typeof BetterSqlite3 | Error | undefined;

/** The better-sqlite3 package, loaded when first needed, or why it cannot be. */
function betterSqlite3(): typeof BetterSqlite3 | Error {
  if (betterSqlite3Module === undefined) {
    try {
      betterSqlite3Module = require('better-sqlite3') as typeof BetterSqlite3;
    } catch (err) {
      betterSqlite3Module = err as Error;
    }
  }
  return betterSqlite3Module;
}

/**
 * Kysely prepares every query anew, so SQLite would parse and plan the same SQL on every
 * request. Statements are kept by their SQL and reused (docs/decisions.md#statement-cache):
 * both drivers run each to completion synchronously, so one is never used twice at once.
 * Bounded, since `in (...)` lists of varying length make distinct SQL.
 */
function reusingStatements(database: SqliteDatabase, statements: Map<string, SqliteStatement>): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(text) {
      let statement = statements.get(text);
      if (!statement) {
        if (statements.size >= 500) statements.clear();
        statement = database.prepare(text);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}
