import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Connection counts of a database pool (PostgreSQL); SQLite has none. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * What Tessera counts, behind a few domain-worded calls so protocol code never touches
 * prom-client. Each provider has its own registry (tests run several in one process).
 */
export interface ProviderMetrics {
  readonly registry: Registry;
  /** One HTTP request answered: `route` is the route pattern (`/token`), never the raw URL. */
  request(method: string, route: string, status: number, seconds: number): void;
  /** The token endpoint issued tokens for `grantType`. */
  tokenIssued(grantType: string): void;
  /** A sign-in attempt failed (`reason`: bad_credentials, throttled, ...). */
  signInFailed(reason: string): void;
  /** A rate limit refused an event; `limit` is the key's namespace (`signin`, `user-code`, ...). */
  rateLimited(limit: string): void;
  /** One database query finished. */
  query(seconds: number, failed: boolean): void;
  /** Reports pool connections at every scrape. */
  watchPool(stats: () => PoolStats): void;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createProviderMetrics(): ProviderMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'tessera_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'HTTP request latency, by route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const tokens = new Counter({
    name: 'tessera_tokens_issued_total',
    help: 'Successful token endpoint responses, by grant type',
    labelNames: ['grant_type'],
    registers: [registry],
  });
  const signIns = new Counter({
    name: 'tessera_signin_failures_total',
    help: 'Failed sign-in attempts, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const limited = new Counter({
    name: 'tessera_rate_limit_hits_total',
    help: 'Events refused by a rate limit, by limit',
    labelNames: ['limit'],
    registers: [registry],
  });
  const queries = new Histogram({
    name: 'tessera_db_query_duration_seconds',
    help: 'Database query latency',
    labelNames: ['outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  let poolStats: (() => PoolStats) | undefined;
  new Gauge({
    name: 'tessera_db_pool_connections',
    help: 'Database pool connections, by state (PostgreSQL only)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      if (!poolStats) return;
      const stats = poolStats();
      for (const state of ['total', 'idle', 'waiting'] as const) this.set({ state }, stats[state]);
    },
  });

  return {
    registry,
    request(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    tokenIssued: (grantType) => tokens.inc({ grant_type: grantType }),
    signInFailed: (reason) => signIns.inc({ reason }),
    rateLimited: (limit) => limited.inc({ limit }),
    query: (seconds, failed) => queries.observe({ outcome: failed ? 'error' : 'ok' }, seconds),
    watchPool(stats) {
      poolStats = stats;
    },
  };
}
