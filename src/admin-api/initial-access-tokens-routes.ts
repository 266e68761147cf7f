import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuditLog } from '../audit/audit-log.js';
import type { InitialAccessTokens } from '../registration/initial-access-tokens.js';
import type { InitialAccessTokensStore } from '../storage/ports.js';
import { hashToken } from '../util/hashing.js';
import { ItemsSchema, NoContent, NullableTime, PROBLEMS, Time } from './common-schemas.js';
import { notFound } from './problem.js';

export interface InitialAccessTokensRoutesOptions {
  initialAccessTokens: Pick<InitialAccessTokens, 'issue'>;
  store: Pick<InitialAccessTokensStore, 'list' | 'delete'>;
  audit: Pick<AuditLog, 'record'>;
}

const TokenSchema = Type.Object({
  id: Type.String({ description: 'the token’s SHA-256: names it without revealing it' }),
  description: Type.Union([Type.String(), Type.Null()]),
  created_at: Time(),
  expires_at: NullableTime('null: never'),
});

/** /admin/v1/initial-access-tokens: the bearer tokens that open dynamic registration (RFC 7591 §3). */
export async function initialAccessTokensRoutes(base: FastifyInstance, options: InitialAccessTokensRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['initial access tokens'];

  app.get(
    '/initial-access-tokens',
    {
      schema: {
        tags,
        summary: 'The initial access tokens (never the tokens themselves)',
        response: { 200: ItemsSchema(TokenSchema), ...PROBLEMS },
      },
    },
    async () => ({
      items: (await options.store.list()).map((t) => ({
        id: t.tokenHash,
        description: t.description,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
      })),
    }),
  );

  app.post(
    '/initial-access-tokens',
    {
      schema: {
        tags,
        summary: 'Create an initial access token; the token is in this answer only',
        body: Type.Optional(
          Type.Object(
            {
              description: Type.Optional(Type.String({ maxLength: 200 })),
              expires_in: Type.Optional(Type.Integer({ minimum: 60, maximum: 31536000, description: 'seconds; absent: never expires' })),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 201: Type.Object({ ...TokenSchema.properties, token: Type.String({ description: 'shown this once' }) }), ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const { description, expires_in: expiresIn } = request.body ?? {};
      const issued = await options.initialAccessTokens.issue({ description, expiresIn });
      const id = hashToken(issued.token);
      await options.audit.record({ type: 'initial_access_token.created', detail: { id, description, expires_at: issued.expiresAt } });
      reply.code(201);
      return { id, description: description ?? null, created_at: issued.createdAt, expires_at: issued.expiresAt, token: issued.token };
    },
  );

  app.delete(
    '/initial-access-tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke an initial access token',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 204: NoContent, ...PROBLEMS },
      },
    },
    async (request, reply) => {
      if (!(await options.store.delete(request.params.id))) throw notFound(`initial access token ${request.params.id}`);
      await options.audit.record({ type: 'initial_access_token.deleted', detail: { id: request.params.id } });
      return reply.code(204).send(null);
    },
  );
}
