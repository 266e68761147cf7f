import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/load-config.js';
import type { ProviderMetrics } from './provider-metrics.js';
import { InvalidToken } from '../protocol/oauth-errors.js';
import { safeEqual } from '../util/hashing.js';
import { bearerToken } from '../rules/bearer-token.js';

export interface MetricsEndpointOptions {
  config: Pick<Config, 'metrics' | 'dev'>;
  metrics: Pick<ProviderMetrics, 'registry'>;
}

/**
 * GET /metrics in the Prometheus text format. Off when `metrics.enabled` is false; when
 * `metrics.token` is set, the scraper must send it as a Bearer token (RFC 6750 §2.1).
 * Outside dev mode the token is required: without one, /metrics is not served at all, so a
 * default install publishes nothing about its traffic.
 */
export async function metricsEndpoint(app: FastifyInstance, { config, metrics }: MetricsEndpointOptions): Promise<void> {
  const { enabled, token } = config.metrics;
  if (!enabled) return;
  if (!token && !config.dev) {
    app.log.warn('/metrics is not served: set metrics.token (TESSERA_METRICS_TOKEN) and scrape with Authorization: Bearer <token>');
    return;
  }
  const registry = metrics.registry;
  app.get('/metrics', async (request, reply) => {
    if (token) {
      const presented = bearerToken(request.headers.authorization);
      if (presented === undefined || !safeEqual(presented, token)) throw new InvalidToken('a valid metrics token is required');
    }
    reply.header('cache-control', 'no-store').type(registry.contentType);
    return registry.metrics();
  });
}
