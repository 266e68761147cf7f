import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type LogEvent, type Migration } from 'kysely';
import { createRequire } from 'node:module';
import type pg from 'pg';
import { openSqlite, type SqliteDriverChoice } from './open-sqlite.js';
import type { Database } from './schema.js';
import * as initial from './migrations/001-initial.js';
import * as grantForeignKeys from './migrations/002-grant-foreign-keys.js';
import * as consentedClaims from './migrations/003-consented-claims.js';
import * as pushedAuthorizationRequests from './migrations/007-pushed-authorization-requests.js';
import * as dpopKeyBinding from './migrations/008-dpop-key-binding.js';
import * as authenticationMethods from './migrations/005-authentication-methods.js';
import * as accountPage from './migrations/006-account-page.js';
import * as deviceCodeResource from './migrations/009-device-code-resource.js';
import * as federatedIdentities from './migrations/010-federated-identities.js';
import * as adminApi from './migrations/012-admin-api.js';

export type Db = Kysely<Database>;

/** Every migration, in order. Written once for both dialects. */
const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-grant-foreign-keys': grantForeignKeys,
  '003-consented-claims': consentedClaims,
  '007-pushed-authorization-requests': pushedAuthorizationRequests,
  '008-dpop-key-binding': dpopKeyBinding,
  '005-authentication-methods': authenticationMethods,
  '006-account-page': accountPage,
  '009-device-code-resource': deviceCodeResource,
  '010-federated-identities': federatedIdentities,
  '012-admin-api': adminApi,
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
  /** Told of every finished statement (tracing): its SQL with placeholders, duration and outcome. */
  onQuery?: (sql: string, seconds: number, failed: boolean) => void;
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
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log: queryLog(options) });
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
  // which would crash the process on a PostgreSQL restart; its query fails anyway.
  pool.on('connect', (client) => client.on('error', () => {}));
  options.observe?.watchPool(() => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: queryLog(options) });
  postgresDatabases.add(db);
  return db;
}

function queryLog({ observe, onQuery }: DatabaseOptions): ((event: LogEvent) => void) | undefined {
  if (!observe && !onQuery) return undefined;
  return (event) => {
    observe?.query(event.queryDurationMillis / 1000, event.level === 'error');
    onQuery?.(event.query.sql, event.queryDurationMillis / 1000, event.level === 'error');
  };
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
  const migrationTableSchema = postgresDatabases.has(db)
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
    : undefined;
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
    // tenant's migration drops with 42P01, or 42703 when pg_get_serial_sequence meets a table
    // dropped between the catalog read and the call. Ours still exist: retry.
    if (attempt >= 5 || !['3F000', '42P01', '42703'].includes((error as { code?: string }).code ?? '')) {
      throw error instanceof Error ? error : new Error('migration failed', { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
  }
}

/** Whether the database answers (the /readyz probe). */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
