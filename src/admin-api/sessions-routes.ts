import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { endUserSessions, type EndUserSessionsDeps } from '../accounts/end-user-sessions.js';
import type { Sessions } from '../session/sessions.js';
import { NoContent, PROBLEMS } from './common-schemas.js';
import { notFound } from './problem.js';

export interface SessionsRoutesOptions extends EndUserSessionsDeps {
  sessions: Pick<Sessions, 'findBySid' | 'endOfUser' | 'endAllOfUser'>;
}

/** DELETE /admin/v1/sessions/{sid}: ends one browser session, as its owner can on the account page. */
export async function sessionsRoutes(base: FastifyInstance, options: SessionsRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.delete(
    '/sessions/:sid',
    {
      schema: {
        tags: ['sessions'],
        summary: 'End a browser session, revoke the tokens that end with it and tell its apps (Back-Channel Logout)',
        params: Type.Object({ sid: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 204: NoContent, ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const session = await options.sessions.findBySid(request.params.sid);
      if (!session) throw notFound(`live session ${request.params.sid}`);
      await endUserSessions(options, session.userId, { sid: session.sid }, { actor: 'operator', address: request.ip });
      return reply.code(204).send(null);
    },
  );
}
