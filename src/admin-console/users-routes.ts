import type { FastifyInstance } from 'fastify';
import { ApiProblem, segment, type AdminApi } from './admin-api-client.js';
import { checkedForm, field, redirect, type ConsoleDeps } from './console-context.js';
import { sendConsolePage } from './console-layout.js';
import { problemAlert } from './problem-pages.js';
import { newUserPage, userPage, usersListPage, type ConsoleUser, type Row, type UserDetails } from './users-pages.js';

type Id = { Params: { id: string } };

/** What the user page says after an action (a fixed list: nothing from the URL is shown as is). */
const DONE: Record<string, string> = {
  created: 'The user was created.',
  saved: 'The claims were saved.',
  disabled: 'The account is disabled: its sessions and tokens were ended.',
  enabled: 'The account is enabled again.',
  password: 'The password was set.',
  mfa: 'The second factors were removed: the person signs in with the password alone until they set new ones.',
  session: 'The session was signed out.',
  grant: 'The grant was revoked.',
};

/** Users: list and search, create, edit claims, disable/enable, password, second factors, sessions, grants, identities. */
export async function usersRoutes(app: FastifyInstance, { context, csrf }: ConsoleDeps): Promise<void> {
  app.get<{ Querystring: { q?: string; cursor?: string } }>('/admin/users', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const q = typeof request.query.q === 'string' ? request.query.q.trim() : '';
    const cursor = typeof request.query.cursor === 'string' ? request.query.cursor : undefined;
    const { body } = await ctx.api.get<{ items: ConsoleUser[]; next_cursor: string | null }>('/users', { q, cursor, limit: '50' });
    return sendConsolePage(reply, usersListPage(ctx, body.items, q, body.next_cursor));
  });

  app.get('/admin/users/new', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    return sendConsolePage(reply, newUserPage(ctx, { username: '', name: '', email: '' }));
  });

  app.post('/admin/users', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const form = checkedForm(request, csrf);
    const values = { username: field(form, 'username'), name: field(form, 'name'), email: field(form, 'email') };
    const claims: Record<string, string> = {};
    if (values.name) claims.name = values.name;
    if (values.email) claims.email = values.email;
    const password = typeof form.password === 'string' ? form.password : '';
    try {
      const { body } = await ctx.api.send<ConsoleUser>('POST', '/users', { username: values.username, password, claims });
      return redirect(reply, `/admin/users/${segment(body.id)}?done=created`);
    } catch (err) {
      if (userMistake(err)) return sendConsolePage(reply, newUserPage(ctx, values, problemAlert(err)), err.status);
      throw err;
    }
  });

  app.get<Id & { Querystring: { done?: string } }>('/admin/users/:id', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const done = typeof request.query.done === 'string' ? DONE[request.query.done] : undefined;
    return sendConsolePage(reply, userPage(ctx, await userDetails(ctx.api, request.params.id), { notice: done }));
  });

  app.post<Id>('/admin/users/:id', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const form = checkedForm(request, csrf);
    const claimsText = typeof form.claims === 'string' ? form.claims : '';
    let claims: unknown;
    try {
      claims = JSON.parse(claimsText);
    } catch {
      claims = undefined;
    }
    if (!claims || typeof claims !== 'object' || Array.isArray(claims)) {
      const problem = new ApiProblem(400, 'The claims are not a JSON object', 'write them as {"name": "...", "email": "..."}', undefined);
      return sendConsolePage(
        reply,
        userPage(ctx, await userDetails(ctx.api, request.params.id), { claimsText, problem: problemAlert(problem) }),
        400,
      );
    }
    try {
      await ctx.api.send('PATCH', `/users/${segment(request.params.id)}`, { claims }, field(form, 'etag') || undefined);
      return redirect(reply, `/admin/users/${segment(request.params.id)}?done=saved`);
    } catch (err) {
      if (!userMistake(err)) throw err;
      const details = await userDetails(ctx.api, request.params.id);
      // After a 412 the form keeps the person's text and its old ETag: they reload to see the other change.
      if (err.status === 412) details.etag = field(form, 'etag');
      return sendConsolePage(reply, userPage(ctx, details, { claimsText, problem: problemAlert(err) }), err.status);
    }
  });

  app.post<Id>('/admin/users/:id/password', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const form = checkedForm(request, csrf);
    const password = typeof form.password === 'string' ? form.password : '';
    try {
      await ctx.api.send('POST', `/users/${segment(request.params.id)}/password`, { password });
      return redirect(reply, `/admin/users/${segment(request.params.id)}?done=password`);
    } catch (err) {
      if (!userMistake(err)) throw err;
      return sendConsolePage(
        reply,
        userPage(ctx, await userDetails(ctx.api, request.params.id), { problem: problemAlert(err) }),
        err.status,
      );
    }
  });

  for (const [action, done] of [
    ['disable', 'disabled'],
    ['enable', 'enabled'],
  ] as const) {
    app.post<Id>(`/admin/users/:id/${action}`, async (request, reply) => {
      const ctx = context(request, reply);
      if (!ctx) return reply;
      checkedForm(request, csrf);
      await ctx.api.send('POST', `/users/${segment(request.params.id)}/${action}`);
      return redirect(reply, `/admin/users/${segment(request.params.id)}?done=${done}`);
    });
  }

  app.post<Id>('/admin/users/:id/mfa/reset', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    checkedForm(request, csrf);
    await ctx.api.send('DELETE', `/users/${segment(request.params.id)}/mfa`);
    return redirect(reply, `/admin/users/${segment(request.params.id)}?done=mfa`);
  });

  app.post<Id & { Params: { sid: string } }>('/admin/users/:id/sessions/:sid/revoke', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    checkedForm(request, csrf);
    await ctx.api.send('DELETE', `/sessions/${segment(request.params.sid)}`);
    return redirect(reply, `/admin/users/${segment(request.params.id)}?done=session`);
  });

  app.post<Id & { Params: { grantId: string } }>('/admin/users/:id/grants/:grantId/revoke', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    checkedForm(request, csrf);
    await ctx.api.send('DELETE', `/grants/${segment(request.params.grantId)}`);
    return redirect(reply, `/admin/users/${segment(request.params.id)}?done=grant`);
  });
}

/** A refusal the person can fix in the form (not a lost session, a missing role, or a server fault). */
function userMistake(err: unknown): err is ApiProblem {
  return err instanceof ApiProblem && err.status < 500 && err.status !== 401 && err.status !== 403;
}

async function userDetails(api: AdminApi, id: string): Promise<UserDetails> {
  const path = `/users/${segment(id)}`;
  const [user, sessions, grants, identities] = await Promise.all([
    api.get<ConsoleUser>(path),
    api.get<{ items: Row[] }>(`${path}/sessions`),
    api.get<{ items: Row[] }>('/grants', { user_id: id }),
    api.get<{ items: Row[] }>(`${path}/identities`),
  ]);
  return {
    user: user.body,
    etag: user.etag ?? '',
    sessions: sessions.body.items,
    grants: grants.body.items,
    identities: identities.body.items,
  };
}
