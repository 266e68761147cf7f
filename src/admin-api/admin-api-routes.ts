import type { FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import type { AccessTokens } from '../tokens/access-tokens.js';
import type { Sessions } from '../session/sessions.js';
import type { GrantsStore } from '../storage/ports.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Dpop } from '../dpop/dpop-service.js';
import { BackchannelLogout, type BackchannelLogoutOptions } from '../logout/backchannel-logout.js';
import { NotFound } from '../protocol/oauth-errors.js';
import { callerAuthentication } from './authenticate-caller.js';
import { callerOf, setCaller } from './caller.js';
import { ClientSchema } from './client-schemas.js';
import { clientsRoutes, type ClientsRoutesOptions } from './clients-routes.js';
import { ProblemSchema } from './common-schemas.js';
import { usersRoutes, type UsersRoutesOptions } from './users-routes.js';
import { UserSchema } from './user-schemas.js';
import { sessionsRoutes } from './sessions-routes.js';
import { grantsRoutes, type GrantsRoutesOptions } from './grants-routes.js';
import { keysRoutes, type KeysRoutesOptions } from './keys-routes.js';
import { initialAccessTokensRoutes, type InitialAccessTokensRoutesOptions } from './initial-access-tokens-routes.js';
import { auditRoutes } from './audit-routes.js';
import { openApiDocument } from './openapi.js';
import { problemHandler } from './problem.js';

export interface AdminApiOptions extends Omit<BackchannelLogoutOptions, 'logger'> {
  issuer: string;
  clients: ClientsRoutesOptions['clients'] & BackchannelLogoutOptions['clients'];
  clientTokens: ClientsRoutesOptions['clientTokens'];
  users: UsersRoutesOptions['users'];
  secondFactors: UsersRoutesOptions['secondFactors'];
  passkeys: UsersRoutesOptions['passkeys'];
  federatedIdentities: UsersRoutesOptions['federatedIdentities'];
  sessions: Pick<Sessions, 'endAllOfUser' | 'endOfUser' | 'listOfUser' | 'findBySid' | 'clientsOf'>;
  grantsStore: GrantsRoutesOptions['grantsStore'] & Pick<GrantsStore, 'revokeAllOfUser' | 'findBySid'>;
  keys: KeysRoutesOptions['keys'] & BackchannelLogoutOptions['keys'];
  config: UsersRoutesOptions['config'];
  audit: Pick<AuditLog, 'record' | 'list' | 'actingAs'>;
  accessTokens: Pick<AccessTokens, 'verify'>;
  dpop?: Dpop;
  initialAccessTokens: InitialAccessTokensRoutesOptions['initialAccessTokens'];
  initialAccessTokensStore: InitialAccessTokensRoutesOptions['store'];
}

/**
 * The admin REST API under /admin/v1 (register with that prefix): JSON in and out, a schema
 * for every input and output (TypeBox, the OpenAPI document's source too), RFC 9457 problem
 * details for every refusal, and every route but the OpenAPI document behind an access token
 * for the admin API (src/admin-api/authenticate-caller.ts). Every change it makes reaches the
 * audit trail with the caller as its actor.
 */
export async function adminApiRoutes(app: FastifyInstance, registered: AdminApiOptions): Promise<void> {
  // The routes below are registered under this plugin's prefix already: theirs is none.
  const { prefix: _prefix, ...options } = registered as AdminApiOptions & { prefix?: string };
  app.setErrorHandler(problemHandler);
  app.setNotFoundHandler((request, reply) =>
    problemHandler(new NotFound(`no such admin API route: ${request.method} ${request.url.split('?')[0]}`), request, reply),
  );
  // RFC 7396: a PATCH body may say it is a merge patch.
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.addSchema(ProblemSchema);
  app.addSchema(ClientSchema);
  app.addSchema(UserSchema);
  await app.register(fastifySwagger, openApiDocument(options.issuer));

  const authenticate = callerAuthentication(options);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (request.routeOptions.config?.public === true || request.is404) return;
    setCaller(request, await authenticate(request));
  });
  // Whatever a handler records in the audit trail, however deep, names the caller as its actor.
  app.addHook('onRoute', (route) => {
    if (route.config?.public === true) return;
    const handler = route.handler;
    route.handler = function (request, reply) {
      return options.audit.actingAs(callerOf(request).actor, async () => handler.call(this, request, reply));
    };
  });

  const backchannel = new BackchannelLogout({ ...options, logger: app.log });
  app.addHook('onClose', () => backchannel.close());

  await app.register(clientsRoutes, options);
  await app.register(usersRoutes, { ...options, backchannel });
  await app.register(sessionsRoutes, { ...options, backchannel });
  await app.register(grantsRoutes, options);
  await app.register(keysRoutes, options);
  await app.register(initialAccessTokensRoutes, { ...options, store: options.initialAccessTokensStore });
  await app.register(auditRoutes, options);

  app.get(
    '/openapi.json',
    { config: { public: true }, schema: { tags: ['openapi'], summary: 'This document (no token needed)' } },
    async (_request, reply) => reply.type('application/json').header('cache-control', 'public, max-age=300').send(app.swagger()),
  );
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** An admin API route anyone may call (the OpenAPI document). */
    public?: boolean;
  }
}
