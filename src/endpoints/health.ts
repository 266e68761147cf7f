import type { FastifyInstance } from 'fastify';
import type { Provider } from '../provider.js';
import { ping } from '../storage/database.js';

/** /healthz: the process is up. /readyz: it can reach its database (a load balancer routes on this). */
export async function healthEndpoints(app: FastifyInstance, { provider }: { provider: Provider }): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  app.get('/readyz', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await ping(provider.db);
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'database not reachable');
      reply.status(503);
      return { status: 'unavailable', error: 'temporarily_unavailable', error_description: 'the database is not reachable' };
    }
  });
}
