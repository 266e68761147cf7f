import type { Db } from './database.js';
import type { AuditEventRow } from './schema.js';
import type { AuditEventsStore, AuditRecord } from './ports.js';

export function auditEventsStore(db: Db): AuditEventsStore {
  return {
    async append(events) {
      if (events.length > 0) await db.insertInto('audit_events').values(events.map(toRow)).execute();
    },
    async list(filter) {
      let query = db.selectFrom('audit_events').selectAll();
      if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
      if (filter.until !== undefined) query = query.where('at', '<', filter.until);
      if (filter.actor) query = query.where('actor', '=', filter.actor);
      const before = filter.before;
      // The trail's order is (at, id) descending: the next page starts below the last event shown.
      if (before)
        query = query.where((eb) => eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]));
      if (filter.type?.endsWith('.*')) query = query.where('type', 'like', `${filter.type.slice(0, -1)}%`);
      else if (filter.type) query = query.where('type', '=', filter.type);
      if (filter.userId) query = query.where('user_id', '=', filter.userId);
      if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit ?? 100)
        .execute();
      return rows.map(toRecord);
    },
  };
}

function toRow(event: AuditRecord): AuditEventRow {
  return {
    id: event.id,
    at: event.at,
    type: event.type,
    user_id: event.userId,
    client_id: event.clientId,
    address: event.address,
    detail: event.detail && Object.keys(event.detail).length > 0 ? JSON.stringify(event.detail) : null,
    actor: event.actor ?? null,
  };
}

function toRecord(row: AuditEventRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    type: row.type,
    userId: row.user_id,
    clientId: row.client_id,
    address: row.address,
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
    actor: row.actor,
  };
}
