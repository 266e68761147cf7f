import { Kysely, Migrator, PostgresDialect, SqliteAdapter, SqliteDialect, sql, type LogEvent, type Migration } from 'kysely';
import { createRequire } from 'node:module';
import type pg from 'pg';
import { openSqlite, type SqliteDriverChoice } from './open-sqlite.js';
import type { Database } from './schema.js';
import * as initial from './migrations/001-initial.js';
import * as grantForeignKeys from './migrations/002-grant-foreign-keys.js';

export type Db = Kysely<Database>;

/** Every migration, in order. Written once for both dialects (STYLE.md §6). */
const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-grant-foreign-keys': grantForeignKeys,
};

export interface DatabaseOptions {
  /** PostgreSQL schema to use (tests give each suite its own). */
  schema?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** Told of every query's duration and of the pool (metrics). */
  observe?: DatabaseObserver;
  /** Which embedded SQLite driver opens a `sqlite:` URL (default: auto). */
  sqliteDriver?: SqliteDriverChoice;
}

/** Receives query timings and pool counts; the metrics implement it. */
export interface DatabaseObserver {
  query(seconds: number, failed: boolean): void;
  watchPool(stats: () => { total: number; idle: number; waiting: number }): void;
}

const require = createRequire(import.meta.url);

/**
 * Each driver is loaded when a URL needs it: a SQLite deployment never pays for pg, nor a
 * PostgreSQL one for a SQLite driver (start time and memory).
 */
function loadPg(): typeof pg {
  const driver = require('pg') as typeof pg;
  // PostgreSQL returns int8 as a string; our int8 columns are epoch seconds and counters.
  driver.types.setTypeParser(20, (value: string) => Number(value));
  return driver;
}

/**
 * Opens the database named by a `sqlite:<path>` or `postgres://` URL. This module is the
 * only place that knows which dialect is in use.
 */
export function openDatabase(url: string, options: DatabaseOptions = {}): Db {
  if (url.startsWith('sqlite:')) {
    const { database, forgetStatements } = openSqlite(url.slice('sqlite:'.length) || ':memory:', options.sqliteDriver);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log: queryLog(options.observe) });
    sqliteStatements.set(db, forgetStatements);
    return db;
  }
  const pool = new (loadPg().Pool)({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  });
  // A dropped connection must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  // A connection that dies while checked out emits 'error' on its client with no listener,
  // which would crash the process (issue 7: PostgreSQL restarts must not); its query fails anyway.
  pool.on('connect', (client) => client.on('error', () => {}));
  options.observe?.watchPool(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: queryLog(options.observe) });
  postgresDatabases.add(db);
  return db;
}

function queryLog(observe: DatabaseObserver | undefined): ((event: LogEvent) => void) | undefined {
  if (!observe) return undefined;
  return (event) => observe.query(event.queryDurationMillis / 1000, event.level === 'error');
}

const postgresDatabases = new WeakSet<Db>();
/** How to drop a SQLite database's kept statements, prepared before a migration changed the schema. */
const sqliteStatements = new WeakMap<Db, () => void>();

/**
 * Brings the schema up to date, or up to the migration named `upTo`. Safe to run from several
 * processes at once (Kysely takes a lock). Returns the migrations it ran.
 */
export async function migrate(db: Db, options: { upTo?: string } = {}): Promise<string[]> {
  // Kysely looks for its migration tables in every schema unless told which one: name ours, so
  // that another schema's tables in the same PostgreSQL database (tests, other tenants) are not taken for them.
  const migrationTableSchema = postgresDatabases.has(db) ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = options.upTo ? await migrator.migrateTo(options.upTo) : await migrator.migrateToLatest();
    if (!error) {
      const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
      if (applied.length > 0) sqliteStatements.get(db)?.();
      return applied;
    }
    // Kysely's PostgreSQL introspection reads the catalog of every schema; a schema that another
    // tenant (or test) drops at that moment fails the read with 3F000, a table that another
    // tenant's migration drops with 42P01. Ours still exist: retry.
    if (attempt >= 5 || !['3F000', '42P01'].includes((error as { code?: string }).code ?? '')) throw error;
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}

/** Whether the database answers (the /readyz probe). */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

/**
 * Runs the steps of one migration in one transaction. Kysely runs PostgreSQL migrations in a
 * transaction already; it does not for SQLite, whose DDL is transactional all the same.
 */
export function inMigrationTransaction(db: Kysely<any>, steps: (trx: Kysely<any>) => Promise<void>): Promise<void> {
  return db.isTransaction ? steps(db) : db.transaction().execute(steps);
}

/** A foreign key a migration adds to an existing table. */
export interface ForeignKey {
  name: string;
  column: string;
  references: { table: string; column: string };
}

/**
 * Adds foreign keys to an existing table, keeping its rows (which must satisfy them). PostgreSQL
 * adds the constraints in place. SQLite cannot add a constraint to a table, so the table is
 * rebuilt as https://www.sqlite.org/lang_altertable.html#otheralter describes: a new table from
 * the stored definition plus the constraints, the rows copied, the old table dropped, the new one
 * renamed, its indexes created again, and the result checked. Run it in a transaction; a table
 * that has the keys already is left as it is.
 */
export async function addForeignKeys(db: Kysely<any>, table: string, keys: ForeignKey[]): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    for (const key of keys) await db.schema.alterTable(table).addForeignKeyConstraint(key.name, [key.column], key.references.table, [key.references.column]).execute();
    return;
  }
  const existing = (await sql<{ from: string; table: string }>`select * from pragma_foreign_key_list(${table})`.execute(db)).rows;
  const missing = keys.filter((key) => !existing.some((fk) => fk.from === key.column && fk.table === key.references.table));
  if (missing.length === 0) return;
  const master = await sql<{ type: string; sql: string }>`select type, sql from sqlite_master where tbl_name = ${table} and sql is not null`.execute(db);
  const definition = master.rows.find((row) => row.type === 'table')?.sql;
  if (!definition) throw new Error(`no table ${table} to add foreign keys to`);
  const rebuilt = `${table}_rebuilt`;
  const constraints = missing.map((key) => `constraint ${quote(key.name)} foreign key (${quote(key.column)}) references ${quote(key.references.table)} (${quote(key.references.column)})`);
  const create = definition.replace(/^create table\s+("[^"]+"|\S+)\s*\(/i, `create table ${quote(rebuilt)} (`).replace(/\)\s*$/, `, ${constraints.join(', ')})`);
  await sql.raw(create).execute(db);
  await sql.raw(`insert into ${quote(rebuilt)} select * from ${quote(table)}`).execute(db);
  await sql.raw(`drop table ${quote(table)}`).execute(db);
  await sql.raw(`alter table ${quote(rebuilt)} rename to ${quote(table)}`).execute(db);
  for (const index of master.rows.filter((row) => row.type === 'index')) await sql.raw(index.sql).execute(db);
  const violations = await sql`select * from pragma_foreign_key_check(${table})`.execute(db);
  if (violations.rows.length > 0) throw new Error(`${violations.rows.length} rows of ${table} break its new foreign keys`);
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
