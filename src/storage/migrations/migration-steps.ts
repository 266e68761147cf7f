import { SqliteAdapter, sql, type Kysely } from 'kysely';

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
    for (const key of keys)
      await db.schema
        .alterTable(table)
        .addForeignKeyConstraint(key.name, [key.column], key.references.table, [key.references.column])
        .execute();
    return;
  }
  const existing = (await sql<{ from: string; table: string }>`select * from pragma_foreign_key_list(${table})`.execute(db)).rows;
  const missing = keys.filter((key) => !existing.some((fk) => fk.from === key.column && fk.table === key.references.table));
  if (missing.length === 0) return;
  const master = await sql<{
    type: string;
    sql: string;
  }>`select type, sql from sqlite_master where tbl_name = ${table} and sql is not null`.execute(db);
  const definition = master.rows.find((row) => row.type === 'table')?.sql;
  if (!definition) throw new Error(`no table ${table} to add foreign keys to`);
  const rebuilt = `${table}_rebuilt`;
  const constraints = missing.map(
    ({ name, column, references }) =>
      `constraint ${quote(name)} foreign key (${quote(column)}) references ${quote(references.table)} (${quote(references.column)})`,
  );
  const create = definition
    .replace(/^create table\s+("[^"]+"|\S+)\s*\(/i, `create table ${quote(rebuilt)} (`)
    .replace(/\)\s*$/, `, ${constraints.join(', ')})`);
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
