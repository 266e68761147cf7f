import type { FastifyInstance } from 'fastify';
import type { ProviderMetrics } from './provider-metrics.js';

/**
 * Times every request and counts it by route pattern (`/device`, not `/device?user_code=...`):
 * raw URLs would put codes into labels and give every request its own series.
 */
export function requestMetrics(app: FastifyInstance, metrics: ProviderMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
}
