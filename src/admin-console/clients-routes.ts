import type { FastifyInstance } from 'fastify';
import { ApiProblem, segment } from './admin-api-client.js';
import { checkedForm, field, fields, lines, redirect, type ConsoleDeps, type Form } from './console-context.js';
import { sendConsolePage } from './console-layout.js';
import { problemAlert } from './problem-pages.js';
import {
  clientFormValues,
  clientPage,
  clientsListPage,
  deleteClientPage,
  newClientPage,
  secretOncePage,
  type ClientFormValues,
  type ConsoleClient,
} from './clients-pages.js';

type Id = { Params: { clientId: string } };

/** Clients: list and search, create (secret shown once), edit, new secret, delete. */
export async function clientsRoutes(app: FastifyInstance, { context, csrf, cookies }: ConsoleDeps): Promise<void> {
  app.get<{ Querystring: { q?: string; cursor?: string } }>('/admin/clients', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const q = typeof request.query.q === 'string' ? request.query.q.trim() : '';
    const cursor = typeof request.query.cursor === 'string' ? request.query.cursor : undefined;
    const { body } = await ctx.api.get<{ items: ConsoleClient[]; next_cursor: string | null }>('/clients', { q, cursor, limit: '50' });
    return sendConsolePage(reply, clientsListPage(ctx, body.items, q, body.next_cursor));
  });

  app.get('/admin/clients/new', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    return sendConsolePage(reply, newClientPage(ctx, clientFormValues()));
  });

  app.post('/admin/clients', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const values = formValues(checkedForm(request, csrf));
    try {
      const { body } = await ctx.api.send<ConsoleClient & { client_secret?: string }>('POST', '/clients', metadata(values));
      return showSecretOnce(reply, body.client_id, body.client_secret);
    } catch (err) {
      // The person's input stays in the form, with what the validator said about it.
      if (err instanceof ApiProblem && err.status < 500 && err.status !== 401 && err.status !== 403)
        return sendConsolePage(reply, newClientPage(ctx, values, problemAlert(err)), err.status);
      throw err;
    }
  });

  app.get<Id>('/admin/clients/:clientId', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const { body, etag } = await ctx.api.get<ConsoleClient>(`/clients/${segment(request.params.clientId)}`);
    return sendConsolePage(reply, clientPage(ctx, body, etag ?? '', clientFormValues(body)));
  });

  app.post<Id>('/admin/clients/:clientId', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const form = checkedForm(request, csrf);
    const values = formValues(form);
    const path = `/clients/${segment(request.params.clientId)}`;
    try {
      // If-Match: the version this form was made from (RFC 9110 §13.1.1); a newer one answers 412.
      await ctx.api.send('PATCH', path, metadata(values), field(form, 'etag') || undefined);
      return redirect(reply, `/admin${path}`);
    } catch (err) {
      if (!(err instanceof ApiProblem) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
      const current = await ctx.api.get<ConsoleClient>(path);
      // After a 412 the form keeps the person's values, but carries the current version's ETag only once they reload.
      const etag = err.status === 412 ? field(form, 'etag') : (current.etag ?? '');
      return sendConsolePage(reply, clientPage(ctx, current.body, etag, values, problemAlert(err)), err.status);
    }
  });

  app.post<Id>('/admin/clients/:clientId/secret', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    checkedForm(request, csrf);
    const { body } = await ctx.api.send<{ client_secret: string }>('POST', `/clients/${segment(request.params.clientId)}/secret`);
    return showSecretOnce(reply, request.params.clientId, body.client_secret);
  });

  // The secret travels in a sealed cookie to a GET page that takes it out: a reload shows it no more.
  app.get<Id>('/admin/clients/:clientId/secret', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    return sendConsolePage(reply, secretOncePage(ctx, request.params.clientId, cookies.takeOnce(request, reply, request.params.clientId)));
  });

  app.get<Id>('/admin/clients/:clientId/delete', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const { body } = await ctx.api.get<ConsoleClient>(`/clients/${segment(request.params.clientId)}`);
    return sendConsolePage(reply, deleteClientPage(ctx, body));
  });

  app.post<Id>('/admin/clients/:clientId/delete', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    checkedForm(request, csrf);
    await ctx.api.send('DELETE', `/clients/${segment(request.params.clientId)}`);
    return redirect(reply, '/admin/clients');
  });

  function showSecretOnce(reply: Parameters<typeof redirect>[0], clientId: string, secret: string | undefined) {
    const path = `/admin/clients/${segment(clientId)}`;
    if (!secret) return redirect(reply, path);
    cookies.keepOnce(reply, { clientId, secret });
    return redirect(reply, `${path}/secret`);
  }
}

function formValues(form: Form): ClientFormValues {
  return {
    client_name: field(form, 'client_name'),
    redirect_uris: lines(form, 'redirect_uris'),
    post_logout_redirect_uris: lines(form, 'post_logout_redirect_uris'),
    grant_types: fields(form, 'grant_types'),
    token_endpoint_auth_method: field(form, 'token_endpoint_auth_method'),
    scope: field(form, 'scope'),
  };
}

/** The form as RFC 7591 metadata; response types follow the grant types (code only with authorization_code). */
function metadata(values: ClientFormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {
    client_name: values.client_name,
    redirect_uris: values.redirect_uris,
    post_logout_redirect_uris: values.post_logout_redirect_uris,
    grant_types: values.grant_types,
    response_types: values.grant_types.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: values.token_endpoint_auth_method,
  };
  if (values.scope) out.scope = values.scope;
  return out;
}
