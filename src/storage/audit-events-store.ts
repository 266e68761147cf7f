import type { Db } from './database.js';
import type { AuditEventRow } from './schema.js';

export interface AuditEventFilter {
  /** Epoch seconds: events at or after. */
  since?: number;
  type?: string;
  userId?: string;
  clientId?: string;
  limit?: number;
}

/** The audit trail, append-only: nothing but the janitor's retention ever deletes from it. */
export interface AuditEventsStore {
  /** Appends events, several in one statement. */
  append(rows: AuditEventRow[]): Promise<void>;
  /** Newest first. A `type` ending in `.*` matches the whole family (`signin.*`). */
  list(filter: AuditEventFilter): Promise<AuditEventRow[]>;
}

export function auditEventsStore(db: Db): AuditEventsStore {
  return {
    async append(rows) {
      if (rows.length > 0) await db.insertInto('audit_events').values(rows).execute();
    },
    async list(filter) {
      let query = db.selectFrom('audit_events').selectAll();
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
      if (filter.type?.endsWith('.*')) query = query.where('type', 'like', `${filter.type.slice(0, -1)}%`);
      else if (filter.type) query = query.where('type', '=', filter.type);
      if (filter.userId) query = query.where('user_id', '=', filter.userId);
      if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
      return query.orderBy('at', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 100).execute();
    },
  };
}
