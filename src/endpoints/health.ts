import type { FastifyInstance } from 'fastify';

export interface HealthOptions {
  /** Resolves when the database answers. */
  ping: () => Promise<void>;
}

/** /healthz: the process is up. /readyz: it can reach its database (a load balancer routes on this). */
export async function healthEndpoints(app: FastifyInstance, { ping }: HealthOptions): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });
  app.get('/readyz', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await ping();
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'database not reachable');
      reply.status(503);
      return { status: 'unavailable', error: 'temporarily_unavailable', error_description: 'the database is not reachable' };
    }
  });
}
