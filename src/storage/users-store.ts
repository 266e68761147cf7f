import { sql, type Selectable } from 'kysely';
import type { Db } from './database.js';
import type { UserRow } from './schema.js';
import type { User } from '../accounts/user.js';
import type { UsersStore } from './ports.js';

export function usersStore(db: Db): UsersStore {
  return {
    async findById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },
    async findByUsername(username) {
      const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      return row && { ...toUser(row), passwordHash: row.password_hash };
    },
    async list() {
      const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
      return rows.map(toUser);
    },
    async insert(user, now) {
      await db
        .insertInto('users')
        .values({
          id: user.id,
          username: user.username,
          password_hash: user.passwordHash,
          claims: JSON.stringify(user.claims),
          created_at: now,
          updated_at: now,
          disabled_at: user.disabledAt,
          roles: JSON.stringify(user.roles),
        })
        .execute();
    },
    async updateClaims(id, claims, now) {
      await db
        .updateTable('users')
        .set({ claims: JSON.stringify(claims), updated_at: now })
        .where('id', '=', id)
        .execute();
    },
    async setPasswordHash(id, passwordHash, now) {
      const result = await db
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async setDisabled(id, disabledAt, now) {
      const result = await db
        .updateTable('users')
        .set({ disabled_at: disabledAt, updated_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async setRoles(id, roles, now) {
      const result = await db
        .updateTable('users')
        .set({ roles: JSON.stringify(roles), updated_at: now })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async page({ after, limit, q }) {
      let query = db.selectFrom('users').selectAll();
      if (after !== undefined) query = query.where('username', '>', after);
      if (q) {
        // lower() on both sides: LIKE is case-insensitive in SQLite (ASCII) but not in PostgreSQL.
        const pattern = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where((eb) =>
          eb.or([
            eb(sql`lower(${sql.ref('username')})`, 'like', sql`${pattern} escape '\\'`),
            eb(sql`lower(${sql.ref('claims')})`, 'like', sql`${pattern} escape '\\'`),
          ]),
        );
      }
      const rows = await query.orderBy('username').limit(limit).execute();
      return rows.map(toUser);
    },
    async delete(id) {
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function toUser(row: Selectable<UserRow>): User {
  return {
    id: row.id,
    username: row.username,
    claims: JSON.parse(row.claims) as Record<string, unknown>,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
    roles: JSON.parse(row.roles) as string[],
  };
}
