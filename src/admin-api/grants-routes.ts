import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuditLog } from '../audit/audit-log.js';
import type { GrantsStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { ItemsSchema, NoContent, PROBLEMS, Time } from './common-schemas.js';
import { badRequest, notFound } from './problem.js';

export interface GrantsRoutesOptions {
  grantsStore: Pick<GrantsStore, 'find' | 'listLive' | 'revoke'>;
  audit: Pick<AuditLog, 'record'>;
  clock: Clock;
}

/** Most grants one list answers: a user's or a client's, newest first. */
const MAX_GRANTS = 500;

const GrantSchema = Type.Object({
  id: Type.String(),
  user_id: Type.String(),
  client_id: Type.String(),
  scope: Type.String(),
  sid: Type.Union([Type.String(), Type.Null()], { description: 'the browser session it was granted in; null for device grants' }),
  created_at: Time(),
  expires_at: Time(),
});

/** /admin/v1/grants: what people have authorized apps to do (codes, refresh tokens and their access tokens), and revoking it. */
export async function grantsRoutes(base: FastifyInstance, { grantsStore, audit, clock }: GrantsRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['grants'];

  app.get(
    '/grants',
    {
      schema: {
        tags,
        summary: 'Live grants of a user, of a client, or of both (one of them is required)',
        querystring: Type.Object({
          user_id: Type.Optional(Type.String({ maxLength: 200 })),
          client_id: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: ItemsSchema(GrantSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const { user_id: userId, client_id: clientId } = request.query;
      if (userId === undefined && clientId === undefined) throw badRequest('name user_id, client_id or both', 'querystring.user_id');
      const grants = await grantsStore.listLive({ userId, clientId, limit: MAX_GRANTS }, clock.nowSeconds());
      return {
        items: grants.map((g) => ({
          id: g.id,
          user_id: g.userId,
          client_id: g.clientId,
          scope: g.scope,
          sid: g.sid,
          created_at: g.createdAt,
          expires_at: g.expiresAt,
        })),
      };
    },
  );

  app.delete(
    '/grants/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a grant with its refresh and access tokens',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 204: NoContent, ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const grant = await grantsStore.find(request.params.id);
      if (!grant || grant.revokedAt !== null) throw notFound(`live grant ${request.params.id}`);
      await grantsStore.revoke(grant.id, clock.nowSeconds());
      await audit.record({
        type: 'token.revoked',
        userId: grant.userId,
        clientId: grant.clientId,
        detail: { grant_id: grant.id, by: 'operator' },
      });
      return reply.code(204).send(null);
    },
  );
}
