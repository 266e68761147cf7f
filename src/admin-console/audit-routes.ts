import type { FastifyInstance } from 'fastify';
import type { ConsoleDeps } from './console-context.js';
import { sendConsolePage } from './console-layout.js';
import { auditPage, type AuditFilters } from './keys-and-audit-pages.js';
import type { Row } from './users-pages.js';

/** The audit log: filters by time, actor, event, client and user; each event's detail on demand. */
export async function auditRoutes(app: FastifyInstance, { context }: ConsoleDeps): Promise<void> {
  app.get<{ Querystring: Record<string, unknown> }>('/admin/audit', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const read = (name: string) => {
      const value = request.query[name];
      return typeof value === 'string' ? value.trim() : '';
    };
    const filters: AuditFilters = {
      since: read('since'),
      until: read('until'),
      actor: read('actor'),
      event: read('event'),
      client_id: read('client_id'),
      user_id: read('user_id'),
    };
    const { body } = await ctx.api.get<{ items: Row[]; next_cursor: string | null }>('/audit', {
      ...filters,
      // The form's datetime-local has no zone: the console's times are UTC.
      since: epochSeconds(filters.since),
      until: epochSeconds(filters.until),
      cursor: read('cursor') || undefined,
      limit: '50',
    });
    return sendConsolePage(reply, auditPage(ctx, filters, body.items, body.next_cursor));
  });
}

/** The API's times are seconds since the epoch; something that is no time goes as typed, for the API to refuse. */
function epochSeconds(local: string): string | undefined {
  if (!local) return undefined;
  const date = new Date(`${local}${local.length === 16 ? ':00' : ''}Z`);
  return Number.isNaN(date.getTime()) ? local : String(Math.floor(date.getTime() / 1000));
}
