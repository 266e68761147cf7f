import type { Db } from './database.js';
import type { SessionRow } from './schema.js';

export type SessionRecord = SessionRow;

/** Browser sessions (by cookie hash) and the clients each one has signed in to (for logout). */
export interface SessionsStore {
  insert(session: SessionRecord): Promise<void>;
  /** The live session whose cookie hashes to `idHash`: not ended, not expired. */
  findLive(idHash: string, now: number): Promise<SessionRecord | undefined>;
  findBySid(sid: string): Promise<SessionRecord | undefined>;
  /** A fresh sign-in by the same user: new cookie hash, new auth_time, same sid. */
  reauthenticate(sid: string, update: Pick<SessionRecord, 'id_hash' | 'auth_time' | 'amr' | 'acr' | 'expires_at'>): Promise<void>;
  end(sid: string, now: number): Promise<void>;
  addClient(sid: string, clientId: string, now: number): Promise<void>;
  clientsOf(sid: string): Promise<string[]>;
}

export function sessionsStore(db: Db): SessionsStore {
  return {
    async insert(session) {
      await db.insertInto('sessions').values(session).execute();
    },
    findLive: (idHash, now) =>
      db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).where('ended_at', 'is', null).where('expires_at', '>', now).executeTakeFirst(),
    findBySid: (sid) => db.selectFrom('sessions').selectAll().where('sid', '=', sid).executeTakeFirst(),
    async reauthenticate(sid, update) {
      await db.updateTable('sessions').set(update).where('sid', '=', sid).execute();
    },
    async end(sid, now) {
      await db.updateTable('sessions').set({ ended_at: now }).where('sid', '=', sid).where('ended_at', 'is', null).execute();
    },
    async addClient(sid, clientId, now) {
      await db
        .insertInto('session_clients')
        .values({ sid, client_id: clientId, created_at: now })
        .onConflict((oc) => oc.columns(['sid', 'client_id']).doNothing())
        .execute();
    },
    async clientsOf(sid) {
      const rows = await db.selectFrom('session_clients').select('client_id').where('sid', '=', sid).execute();
      return rows.map((r) => r.client_id);
    },
  };
}
