import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { changePassword, type ChangePasswordDeps } from '../accounts/change-password.js';
import { disableUser, enableUser, type DisableUserDeps } from '../accounts/disable-user.js';
import type { User } from '../accounts/user.js';
import type { UserDirectory } from '../accounts/user-directory.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Sessions } from '../session/sessions.js';
import type { FederatedIdentitiesStore, PasskeysStore, SecondFactorsStore } from '../storage/ports.js';
import { ADMIN_ROLE } from '../rules/admin-scopes.js';
import { callerOf } from './caller.js';
import { ItemsSchema, NoContent, PageSchema, PROBLEMS, UPDATE_PROBLEMS } from './common-schemas.js';
import { checkIfMatch, etagOf } from './etag.js';
import { decodeCursor, isString, pageFromExtra, PageQuery } from './pagination.js';
import { badRequest, conflict, notFound } from './problem.js';
import { LinkedIdentitySchema, NewUserSchema, PasswordSchema, SessionSchema, UserIdParams, UserPatchSchema } from './user-schemas.js';

export interface UsersRoutesOptions extends DisableUserDeps, Omit<ChangePasswordDeps, 'users'> {
  users: Pick<
    UserDirectory,
    'findById' | 'findByUsername' | 'page' | 'create' | 'updateClaims' | 'setRoles' | 'setPassword' | 'setDisabled'
  >;
  secondFactors: Pick<SecondFactorsStore, 'findTotp' | 'countRecoveryCodes' | 'resetAll'>;
  passkeys: Pick<PasskeysStore, 'listOfUser'>;
  federatedIdentities: Pick<FederatedIdentitiesStore, 'listOfUser'>;
  sessions: Pick<Sessions, 'endAllOfUser' | 'listOfUser'>;
  audit: Pick<AuditLog, 'record'>;
}

/** /admin/v1/users: people, their second factors, linked identities and sessions. */
export async function usersRoutes(base: FastifyInstance, options: UsersRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { users, secondFactors, passkeys, audit } = options;
  const tags = ['users'];

  /** A user as the admin API shows it, with what second factors they have (never the factors themselves). */
  const userView = async (user: User) => {
    const [totp, recoveryCodes, keys] = await Promise.all([
      secondFactors.findTotp(user.id),
      secondFactors.countRecoveryCodes(user.id),
      passkeys.listOfUser(user.id),
    ]);
    return {
      id: user.id,
      username: user.username,
      claims: user.claims,
      created_at: user.createdAt,
      disabled: user.disabledAt !== null,
      disabled_at: user.disabledAt,
      roles: user.roles,
      mfa: { totp: totp !== undefined && totp.confirmedAt !== null, passkeys: keys.length, recovery_codes: recoveryCodes },
    };
  };
  const existing = async (id: string): Promise<User> => {
    const user = await users.findById(id);
    if (!user) throw notFound(`user ${id}`);
    return user;
  };
  /** Answers the user as now stored, with its ETag. */
  const answer = async (reply: { header(name: string, value: string): unknown }, id: string) => {
    const view = await userView(await existing(id));
    reply.header('etag', etagOf(view));
    return view;
  };
  /** The validators' words (username, password, claims) as a 400 naming the field. */
  const asBadRequest = async <T>(field: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof TypeError) throw badRequest(err.message, field);
      throw err;
    }
  };

  app.get(
    '/users',
    {
      schema: {
        tags,
        summary: 'List users',
        querystring: Type.Object({
          ...PageQuery,
          q: Type.Optional(Type.String({ maxLength: 200, description: 'part of the username or of a claim' })),
        }),
        response: { 200: PageSchema(Type.Ref('User')), ...PROBLEMS },
      },
    },
    async (request) => {
      const { limit = 50, cursor, q } = request.query;
      const fetched = await users.page({ after: decodeCursor(cursor, isString), limit: limit + 1, q });
      const page = pageFromExtra(fetched, limit, (user) => user.username);
      return { items: await Promise.all(page.items.map(userView)), next_cursor: page.next_cursor };
    },
  );

  app.post(
    '/users',
    {
      schema: {
        tags,
        summary: 'Create a user',
        body: NewUserSchema,
        response: { 201: Type.Ref('User'), ...PROBLEMS, 409: Type.Ref('Problem') },
      },
    },
    async (request, reply) => {
      const { username, password, claims, roles } = request.body;
      if (await users.findByUsername(username)) throw conflict(`the username ${username} is taken`);
      const user = await asBadRequest('body', () => users.create(username, password, claims ?? {}));
      if (roles && roles.length > 0) await users.setRoles(user.id, roles);
      await audit.record({ type: 'user.created', userId: user.id, detail: { roles: roles ?? [] } });
      reply.code(201).header('location', `users/${user.id}`);
      return answer(reply, user.id);
    },
  );

  app.get(
    '/users/:id',
    { schema: { tags, summary: 'Read a user', params: UserIdParams, response: { 200: Type.Ref('User'), ...PROBLEMS } } },
    async (request, reply) => answer(reply, request.params.id),
  );

  app.patch(
    '/users/:id',
    {
      schema: {
        tags,
        summary: "Replace a user's claims or roles; If-Match is required",
        params: UserIdParams,
        body: UserPatchSchema,
        response: { 200: Type.Ref('User'), ...UPDATE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const user = await existing(request.params.id);
      checkIfMatch(request, etagOf(await userView(user)));
      const { claims, roles } = request.body;
      // Nobody locks themselves out: another administrator removes one's admin role.
      if (roles && !roles.includes(ADMIN_ROLE) && user.roles.includes(ADMIN_ROLE) && callerOf(request).userId === user.id)
        throw conflict('you cannot remove your own admin role');
      if (claims) {
        await asBadRequest('body.claims', () => users.updateClaims(user.id, claims));
        await audit.record({ type: 'user.updated', userId: user.id, detail: { claims: Object.keys(claims) } });
      }
      if (roles) {
        await users.setRoles(user.id, roles);
        await audit.record({ type: 'user.roles_changed', userId: user.id, detail: { before: user.roles, roles } });
      }
      return answer(reply, user.id);
    },
  );

  app.post(
    '/users/:id/password',
    {
      schema: {
        tags,
        summary: "Set a user's password; by default their sessions end and their tokens are revoked (passwordChange)",
        params: UserIdParams,
        body: PasswordSchema,
        response: { 204: NoContent, ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const user = await existing(request.params.id);
      await asBadRequest('body.password', () => changePassword(options, user.username, request.body.password, { by: 'operator' }));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/users/:id/disable',
    {
      schema: {
        tags,
        summary: 'Disable a user: no sign-in, every session ends, every grant is revoked',
        params: UserIdParams,
        response: { 200: Type.Ref('User'), ...PROBLEMS, 409: Type.Ref('Problem') },
      },
    },
    async (request, reply) => {
      const user = await existing(request.params.id);
      if (callerOf(request).userId === user.id) throw conflict('you cannot disable yourself');
      await disableUser(options, user.username);
      return answer(reply, user.id);
    },
  );

  app.post(
    '/users/:id/enable',
    {
      schema: {
        tags,
        summary: 'Let a disabled user sign in again',
        params: UserIdParams,
        response: { 200: Type.Ref('User'), ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const user = await existing(request.params.id);
      await enableUser(options, user.username);
      return answer(reply, user.id);
    },
  );

  app.delete(
    '/users/:id/mfa',
    {
      schema: {
        tags,
        summary: 'Remove every second factor of a user (authenticator app, recovery codes, passkeys)',
        params: UserIdParams,
        response: { 204: NoContent, ...PROBLEMS },
      },
    },
    async (request, reply) => {
      const user = await existing(request.params.id);
      const removed = await secondFactors.resetAll(user.id);
      await audit.record({ type: 'mfa.reset', userId: user.id, detail: { ...removed } });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/users/:id/identities',
    {
      schema: {
        tags,
        summary: 'Identities at other providers linked to the user',
        params: UserIdParams,
        response: { 200: ItemsSchema(LinkedIdentitySchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const user = await existing(request.params.id);
      const links = await options.federatedIdentities.listOfUser(user.id);
      return {
        items: links.map((link) => ({
          connector_id: link.connectorId,
          upstream_subject: link.upstreamSubject,
          upstream_username: link.upstreamUsername,
          email: link.email,
          created_at: link.createdAt,
          last_used_at: link.lastUsedAt,
        })),
      };
    },
  );

  app.get(
    '/users/:id/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: "The user's live browser sessions, most recently used first",
        params: UserIdParams,
        response: { 200: ItemsSchema(SessionSchema), ...PROBLEMS },
      },
    },
    async (request) => {
      const user = await existing(request.params.id);
      const sessions = await options.sessions.listOfUser(user.id);
      return {
        items: sessions.map((s) => ({
          sid: s.sid,
          user_agent: s.userAgent,
          address: s.address,
          created_at: s.createdAt,
          auth_time: s.authTime,
          last_seen_at: s.lastSeenAt,
        })),
      };
    },
  );
}
