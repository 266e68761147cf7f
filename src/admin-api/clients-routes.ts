import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ClientRegistry } from '../clients/client-registry.js';
import { usesSecret, type Client } from '../clients/client.js';
import type { ClientTokensStore } from '../storage/ports.js';
import type { Clock } from '../util/clock.js';
import { randomToken } from '../util/random.js';
import { ADMIN_CONSOLE_CLIENT_ID } from './console-client.js';
import { ClientIdParams, ClientInputSchema, ClientPatchSchema, CreatedClientSchema, SecretSchema } from './client-schemas.js';
import { NoContent, PageSchema, PROBLEMS, UPDATE_PROBLEMS } from './common-schemas.js';
import { checkIfMatch, etagOf } from './etag.js';
import { pageOf, PageQuery } from './pagination.js';
import { badRequest, conflict, notFound } from './problem.js';

export interface ClientsRoutesOptions {
  clients: Pick<ClientRegistry, 'find' | 'list' | 'save' | 'rotateSecret' | 'delete'>;
  clientTokens: Pick<ClientTokensStore, 'revokeAll'>;
  clock: Clock;
}

/** A client as the admin API shows it: its RFC 7591 metadata, where it came from, since when. */
export function clientView(client: Client): Record<string, unknown> & { client_id: string } {
  return { ...client.metadata, client_id: client.clientId, origin: client.origin, created_at: client.createdAt };
}

/** What the client's own words (its `q`) are searched in: id and name. */
function matches(client: Client, q: string | undefined): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return client.clientId.toLowerCase().includes(needle) || (client.metadata.client_name ?? '').toLowerCase().includes(needle);
}

/** /admin/v1/clients: list, create (the secret shown once), read, update with If-Match, new secret, delete. */
export async function clientsRoutes(base: FastifyInstance, { clients, clientTokens, clock }: ClientsRoutesOptions): Promise<void> {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['clients'];

  const existing = async (clientId: string): Promise<Client> => {
    const client = await clients.find(clientId);
    if (!client) throw notFound(`client ${clientId}`);
    return client;
  };
  // The console's own client is Tessera's to keep: it is registered again at every start.
  const changeable = async (clientId: string): Promise<Client> => {
    if (clientId === ADMIN_CONSOLE_CLIENT_ID) throw conflict('the admin console client is managed by Tessera itself');
    return existing(clientId);
  };

  app.get(
    '/clients',
    {
      schema: {
        tags,
        summary: 'List clients',
        querystring: Type.Object({
          ...PageQuery,
          q: Type.Optional(Type.String({ maxLength: 200, description: 'part of the id or name' })),
        }),
        response: { 200: PageSchema(Type.Ref('Client')), ...PROBLEMS },
      },
    },
    async (request) => {
      const { limit = 50, cursor, q } = request.query;
      const all = (await clients.list()).filter((client) => matches(client, q)).sort((a, b) => (a.clientId < b.clientId ? -1 : 1));
      const page = pageOf(all, (client) => client.clientId, limit, cursor);
      return { items: page.items.map(clientView), next_cursor: page.next_cursor };
    },
  );

  app.post(
    '/clients',
    {
      schema: {
        tags,
        summary: 'Register a client; a generated secret is in this answer only',
        body: ClientInputSchema,
        response: { 201: CreatedClientSchema, ...PROBLEMS, 409: Type.Ref('Problem') },
      },
    },
    async (request, reply) => {
      const input = request.body as Record<string, unknown>;
      if ('client_secret' in input)
        throw badRequest('a client secret is generated, not given: leave client_secret out', 'body.client_secret');
      const clientId = typeof input.client_id === 'string' ? input.client_id : randomToken(16);
      if (await clients.find(clientId)) throw conflict(`client ${clientId} exists already`);
      const saved = await clients.save({ ...input, client_id: clientId }, 'admin-api');
      const view = clientView(saved.client);
      reply
        .code(201)
        .header('etag', etagOf(view))
        .header('location', `clients/${encodeURIComponent(clientId)}`);
      return saved.secret === undefined ? view : { ...view, client_secret: saved.secret };
    },
  );

  app.get(
    '/clients/:client_id',
    { schema: { tags, summary: 'Read a client', params: ClientIdParams, response: { 200: Type.Ref('Client'), ...PROBLEMS } } },
    async (request, reply) => {
      const view = clientView(await existing(request.params.client_id));
      reply.header('etag', etagOf(view));
      return view;
    },
  );

  app.patch(
    '/clients/:client_id',
    {
      schema: {
        tags,
        summary: 'Change a client (JSON merge patch); If-Match is required',
        params: ClientIdParams,
        body: ClientPatchSchema,
        response: { 200: CreatedClientSchema, ...UPDATE_PROBLEMS },
      },
    },
    async (request, reply) => {
      const client = await changeable(request.params.client_id);
      checkIfMatch(request, etagOf(clientView(client)));
      const patch = request.body as Record<string, unknown>;
      if ('client_secret' in patch)
        throw badRequest('a client secret is generated: POST to the secret resource for a new one', 'body.client_secret');
      if (patch.client_id !== undefined && patch.client_id !== client.clientId)
        throw badRequest('client_id cannot change', 'body.client_id');
      // RFC 7396: members of the patch replace those of the metadata; null removes one.
      const merged: Record<string, unknown> = { ...client.metadata };
      for (const [member, value] of Object.entries(patch)) {
        if (value === null) delete merged[member];
        else merged[member] = value;
      }
      const saved = await clients.save(merged, client.origin);
      const view = clientView(saved.client);
      reply.header('etag', etagOf(view));
      // A client that now uses a secret and had none gets one: shown here once.
      return saved.secret === undefined ? view : { ...view, client_secret: saved.secret };
    },
  );

  app.post(
    '/clients/:client_id/secret',
    {
      schema: {
        tags,
        summary: 'Give a client a new secret; the old one stops working at once',
        params: ClientIdParams,
        response: { 200: SecretSchema, ...PROBLEMS, 409: Type.Ref('Problem') },
      },
    },
    async (request) => {
      const client = await changeable(request.params.client_id);
      if (!usesSecret(client.metadata.token_endpoint_auth_method))
        throw conflict(`client ${client.clientId} authenticates with ${client.metadata.token_endpoint_auth_method}, not a secret`);
      return { client_secret: await clients.rotateSecret(client.clientId) };
    },
  );

  app.delete(
    '/clients/:client_id',
    {
      schema: {
        tags,
        summary: 'Delete a client; its grants and tokens stop working at once',
        params: ClientIdParams,
        response: { 204: NoContent, ...PROBLEMS, 409: Type.Ref('Problem') },
      },
    },
    async (request, reply) => {
      const client = await changeable(request.params.client_id);
      // RFC 7592 §2.3 as for a registration: everything issued to it is revoked with it.
      await clientTokens.revokeAll(client.clientId, clock.nowSeconds());
      await clients.delete(client.clientId);
      return reply.code(204).send(null);
    },
  );
}
