import type { FastifyInstance } from 'fastify';
import { segment } from './admin-api-client.js';
import { checkedForm, redirect, type ConsoleDeps } from './console-context.js';
import { sendConsolePage } from './console-layout.js';
import { keysPage } from './keys-and-audit-pages.js';
import type { Row } from './users-pages.js';

const DONE: Record<string, string> = {
  rotated: 'A new key signs from now on; the previous one stays published for the tokens it signed.',
  retired: 'The key was retired.',
};

/** Signing keys: list with status, rotate, retire. */
export async function keysRoutes(app: FastifyInstance, { context, csrf }: ConsoleDeps): Promise<void> {
  app.get<{ Querystring: { done?: string } }>('/admin/keys', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    const { body } = await ctx.api.get<{ items: Row[] }>('/keys');
    const notice = typeof request.query.done === 'string' ? DONE[request.query.done] : undefined;
    return sendConsolePage(reply, keysPage(ctx, body.items, notice));
  });

  app.post('/admin/keys/rotate', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    checkedForm(request, csrf);
    await ctx.api.send('POST', '/keys/rotate');
    return redirect(reply, '/admin/keys?done=rotated');
  });

  app.post<{ Params: { kid: string } }>('/admin/keys/:kid/retire', async (request, reply) => {
    const ctx = context(request, reply);
    if (!ctx) return reply;
    checkedForm(request, csrf);
    await ctx.api.send('POST', `/keys/${segment(request.params.kid)}/retire`);
    return redirect(reply, '/admin/keys?done=retired');
  });
}
