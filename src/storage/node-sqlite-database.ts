import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * The part of `node:sqlite` this adapter uses (Node 22.16+ and 24). Declared here because the
 * type definitions of the oldest supported Node (20) have no `node:sqlite`.
 */
export interface NodeSqliteModule {
  DatabaseSync: new (path: string) => DatabaseSync;
  StatementSync: { prototype: object };
}

export interface DatabaseSync {
  exec(sql: string): void;
  prepare(sql: string): StatementSync;
  close(): void;
}

type Row = Record<string, unknown>;

interface StatementSync {
  columns(): { name: string }[];
  setReturnArrays?(enabled: boolean): void;
  all(...parameters: unknown[]): Row[];
  run(...parameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...parameters: unknown[]): IterableIterator<Row>;
}

/**
 * A `node:sqlite` database in the shape Kysely's SqliteDialect drives (better-sqlite3's), so
 * that both drivers give the stores the same results:
 * - parameters are bound positionally from the array Kysely passes;
 * - `reader` says whether the statement returns rows (a SELECT, or a write with RETURNING),
 *   which decides between `all()` and `run()` (whose `changes` Kysely reports as affected rows);
 * - rows are plain objects, as better-sqlite3 returns them (node:sqlite's have no prototype);
 * - SQLite errors carry better-sqlite3's `code` (`SQLITE_BUSY`, `SQLITE_CONSTRAINT_UNIQUE`, ...),
 *   which is what callers match on; node:sqlite's numeric `errcode` stays on the error.
 * BLOB values come back as Uint8Array (better-sqlite3: Buffer); the schema has none.
 */
export function nodeSqliteDatabase(database: DatabaseSync): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(sql) {
      try {
        return new NodeSqliteStatement(database.prepare(sql));
      } catch (err) {
        throw withResultCode(err);
      }
    },
  };
}

class NodeSqliteStatement implements SqliteStatement {
  readonly reader: boolean;
  readonly #statement: StatementSync;
  readonly #toRow: (row: Row | unknown[]) => Row;

  constructor(statement: StatementSync) {
    this.#statement = statement;
    const columnNames = () => statement.columns().map((column) => column.name);
    let names = columnNames();
    this.reader = names.length > 0;
    // Rows as arrays, made into objects here with the names read once: faster than node:sqlite's
    // own row objects, which also have no prototype (docs/decisions.md#node-sqlite-rows). SQLite
    // prepares a statement again after a schema change; a migration that adds or drops a column
    // under a cached `select *` changes the number of values, and the names are read again.
    if (this.reader && statement.setReturnArrays) {
      statement.setReturnArrays(true);
      this.#toRow = (values) => {
        if ((values as unknown[]).length !== names.length) names = columnNames();
        const row: Row = {};
        for (let i = 0; i < names.length; i++) row[names[i]] = (values as unknown[])[i];
        return row;
      };
    } else {
      this.#toRow = (row) => ({ ...(row as Row) });
    }
  }

  all(parameters: readonly unknown[]): unknown[] {
    try {
      const rows = this.#statement.all(...parameters) as (Row | unknown[])[];
      for (let i = 0; i < rows.length; i++) rows[i] = this.#toRow(rows[i]);
      return rows;
    } catch (err) {
      throw withResultCode(err);
    }
  }

  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    try {
      return this.#statement.run(...parameters);
    } catch (err) {
      throw withResultCode(err);
    }
  }

  *iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    try {
      for (const row of this.#statement.iterate(...parameters)) yield this.#toRow(row);
    } catch (err) {
      throw withResultCode(err);
    }
  }
}

/**
 * SQLite's result code names (sqlite3.h): the primary codes by number, and for each family its
 * extended codes, `primary | (n << 8)` for the n-th name (an empty name is a gap).
 */
const PRIMARY = [
  'OK',
  'ERROR',
  'INTERNAL',
  'PERM',
  'ABORT',
  'BUSY',
  'LOCKED',
  'NOMEM',
  'READONLY',
  'INTERRUPT',
  'IOERR',
  'CORRUPT',
  'NOTFOUND',
  'FULL',
  'CANTOPEN',
  'PROTOCOL',
  'EMPTY',
  'SCHEMA',
  'TOOBIG',
  'CONSTRAINT',
  'MISMATCH',
  'MISUSE',
  'NOLFS',
  'AUTH',
  'FORMAT',
  'RANGE',
  'NOTADB',
  'NOTICE',
  'WARNING',
];
const EXTENDED: Record<string, string[]> = {
  OK: ['LOAD_PERMANENTLY', 'SYMLINK'],
  ERROR: ['MISSING_COLLSEQ', 'RETRY', 'SNAPSHOT', 'RESERVESIZE', 'KEY', 'UNABLE'],
  ABORT: ['', 'ROLLBACK'],
  BUSY: ['RECOVERY', 'SNAPSHOT', 'TIMEOUT'],
  LOCKED: ['SHAREDCACHE', 'VTAB'],
  READONLY: ['RECOVERY', 'CANTLOCK', 'ROLLBACK', 'DBMOVED', 'CANTINIT', 'DIRECTORY'],
  IOERR: [
    'READ',
    'SHORT_READ',
    'WRITE',
    'FSYNC',
    'DIR_FSYNC',
    'TRUNCATE',
    'FSTAT',
    'UNLOCK',
    'RDLOCK',
    'DELETE',
    'BLOCKED',
    'NOMEM',
    'ACCESS',
    'CHECKRESERVEDLOCK',
    'LOCK',
    'CLOSE',
    'DIR_CLOSE',
    'SHMOPEN',
    'SHMSIZE',
    'SHMLOCK',
    'SHMMAP',
    'SEEK',
    'DELETE_NOENT',
    'MMAP',
    'GETTEMPPATH',
    'CONVPATH',
    'VNODE',
    'AUTH',
    'BEGIN_ATOMIC',
    'COMMIT_ATOMIC',
    'ROLLBACK_ATOMIC',
    'DATA',
    'CORRUPTFS',
    'IN_PAGE',
    'BADKEY',
    'CODEC',
  ],
  CORRUPT: ['VTAB', 'SEQUENCE', 'INDEX'],
  CANTOPEN: ['NOTEMPDIR', 'ISDIR', 'FULLPATH', 'CONVPATH', 'DIRTYWAL', 'SYMLINK'],
  CONSTRAINT: [
    'CHECK',
    'COMMITHOOK',
    'FOREIGNKEY',
    'FUNCTION',
    'NOTNULL',
    'PRIMARYKEY',
    'TRIGGER',
    'UNIQUE',
    'VTAB',
    'ROWID',
    'PINNED',
    'DATATYPE',
  ],
  NOTICE: ['RECOVER_WAL', 'RECOVER_ROLLBACK', 'RBU'],
  WARNING: ['AUTOINDEX'],
  AUTH: ['USER'],
};

/** `SQLITE_CONSTRAINT_UNIQUE` for 2067, `SQLITE_BUSY` for 5: the name better-sqlite3 gives an error. */
export function sqliteResultCodeName(code: number): string | undefined {
  const primary = PRIMARY[code & 0xff];
  if (!primary) return undefined;
  if (code < 0x100) return `SQLITE_${primary}`;
  const extended = EXTENDED[primary]?.[(code >> 8) - 1];
  return extended ? `SQLITE_${primary}_${extended}` : `SQLITE_${primary}`;
}

function withResultCode(err: unknown): unknown {
  const e = err as { code?: string; errcode?: unknown };
  if (e?.code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') e.code = sqliteResultCodeName(e.errcode) ?? e.code;
  return err;
}
