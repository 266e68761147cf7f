import type { Db } from './database.js';
import type { SessionRow } from './schema.js';
import type { SessionRecord, SessionsStore } from './ports.js';
import { readMethods, readStringList, writeMethods, writeStringList } from './json-columns.js';

export function sessionsStore(db: Db): SessionsStore {
  return {
    async insert(session) {
      await db
        .insertInto('sessions')
        .values({
          id_hash: session.idHash,
          sid: session.sid,
          user_id: session.userId,
          auth_time: session.authTime,
          amr: writeStringList(session.amr),
          acr: session.acr,
          created_at: session.createdAt,
          expires_at: session.expiresAt,
          ended_at: session.endedAt,
          methods: writeMethods(session.methods),
          user_agent: session.userAgent,
          address: session.address,
          last_seen_at: session.lastSeenAt,
        })
        .execute();
    },
    async findLive(idHash, now) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('id_hash', '=', idHash)
        .where('ended_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row && toRecord(row);
    },
    async findBySid(sid) {
      const row = await db.selectFrom('sessions').selectAll().where('sid', '=', sid).executeTakeFirst();
      return row && toRecord(row);
    },
    async reauthenticate(sid, update) {
      await db
        .updateTable('sessions')
        .set({
          id_hash: update.idHash,
          auth_time: update.authTime,
          amr: writeStringList(update.amr),
          acr: update.acr,
          expires_at: update.expiresAt,
          methods: writeMethods(update.methods),
          user_agent: update.userAgent,
          address: update.address,
          last_seen_at: update.lastSeenAt,
        })
        .where('sid', '=', sid)
        .execute();
    },
    async endOfUser(sid, userId, now) {
      const result = await db
        .updateTable('sessions')
        .set({ ended_at: now })
        .where('sid', '=', sid)
        .where('user_id', '=', userId)
        .where('ended_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async listLiveOfUser(userId, now) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('ended_at', 'is', null)
        .where('expires_at', '>', now)
        .execute();
      const lastUsed = (r: SessionRow) => r.last_seen_at ?? r.auth_time;
      return rows.sort((a, b) => lastUsed(b) - lastUsed(a) || b.created_at - a.created_at).map(toRecord);
    },
    async touch(sid, now, staleBefore) {
      await db
        .updateTable('sessions')
        .set({ last_seen_at: now })
        .where('sid', '=', sid)
        .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', staleBefore)]))
        .execute();
    },
    async end(sid, now) {
      await db.updateTable('sessions').set({ ended_at: now }).where('sid', '=', sid).where('ended_at', 'is', null).execute();
    },
    async endAllOfUser(userId, now, exceptSid) {
      let query = db.updateTable('sessions').set({ ended_at: now }).where('user_id', '=', userId).where('ended_at', 'is', null);
      if (exceptSid !== undefined) query = query.where('sid', '!=', exceptSid);
      const rows = await query.returning('sid').execute();
      return rows.map((row) => row.sid);
    },
    async clientsOf(sid) {
      const rows = await db.selectFrom('session_clients').select('client_id').where('sid', '=', sid).execute();
      return rows.map((r) => r.client_id);
    },
  };
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    idHash: row.id_hash,
    sid: row.sid,
    userId: row.user_id,
    authTime: row.auth_time,
    amr: readStringList(row.amr),
    acr: row.acr,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
    // Sessions from before migration 005 know their amr only.
    methods: row.methods === null ? Object.fromEntries(readStringList(row.amr).map((m) => [m, row.auth_time])) : readMethods(row.methods),
    userAgent: row.user_agent,
    address: row.address,
    lastSeenAt: row.last_seen_at,
  };
}
