import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuditLog } from '../audit/audit-log.js';
import { PageSchema, PROBLEMS, Time } from './common-schemas.js';
import { decodeCursor, pageFromExtra, PageQuery } from './pagination.js';

export interface AuditRoutesOptions {
  audit: Pick<AuditLog, 'list'>;
}

const AuditEventSchema = Type.Object({
  id: Type.String(),
  at: Time(),
  type: Type.String({ description: 'signin.success, client.updated, key.rotated, ...' }),
  actor: Type.Union([Type.String(), Type.Null()], {
    description: 'user:<id> or client:<id> through the admin API, cli from the command line',
  }),
  user_id: Type.Union([Type.String(), Type.Null()]),
  client_id: Type.Union([Type.String(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

const isPosition = (value: unknown): value is { at: number; id: string } =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { at?: unknown }).at === 'number' &&
  typeof (value as { id?: unknown }).id === 'string';

/** GET /admin/v1/audit: the security audit trail, newest first, filtered by time, actor, event, client, user. */
export async function auditRoutes(base: FastifyInstance, { audit }: AuditRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Query the audit trail, newest first',
        querystring: Type.Object({
          ...PageQuery,
          since: Type.Optional(Type.Integer({ minimum: 0, description: 'events at or after (seconds since the epoch)' })),
          until: Type.Optional(Type.Integer({ minimum: 0, description: 'events before (seconds since the epoch)' })),
          actor: Type.Optional(Type.String({ maxLength: 250, description: 'user:<id>, client:<id> or cli' })),
          event: Type.Optional(Type.String({ maxLength: 100, description: 'an event type, or a family: signin.*' })),
          client_id: Type.Optional(Type.String({ maxLength: 200 })),
          user_id: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: PageSchema(AuditEventSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { limit = 50, cursor, since, until, actor, event, client_id: clientId, user_id: userId } = request.query;
      const before = decodeCursor(cursor, isPosition);
      const events = await audit.list({ since, until, actor, type: event, clientId, userId, before, limit: limit + 1 });
      const page = pageFromExtra(events, limit, (e) => ({ at: e.at, id: e.id }));
      return {
        items: page.items.map((e) => ({
          id: e.id,
          at: e.at,
          type: e.type,
          actor: e.actor ?? null,
          user_id: e.userId,
          client_id: e.clientId,
          address: e.address,
          detail: e.detail,
        })),
        next_cursor: page.next_cursor,
      };
    },
  );
}
