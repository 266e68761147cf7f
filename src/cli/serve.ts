import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config/load-config.js';
import { createLogger, type LogFormat } from '../logger.js';
import { createServices, type Services } from '../app/create-services.js';
import { buildApp } from '../app/build-app.js';
import { seedFromConfig } from '../seed/seed-from-config.js';
import { seedDevDemo } from '../seed/dev-demo.js';
import { seedPlaygroundClient } from '../seed/seed-playground-client.js';
import { ensureAdminConsoleClient } from '../admin-api/console-client.js';
import { UsageError, parseFlags, positionals, type CommandIO } from './args.js';
import { runClusterPrimary } from './cluster-primary.js';
import { startTracing, tracingWanted, type Tracing } from '../tracing/start-tracing.js';
import { packageVersion } from './version.js';

export const SERVE_HELP = `Usage: tessera serve [--config FILE] [--dev] [--port N] [--workers N]

Starts the provider. Settings come from the config file (JSON or YAML), then environment
variables (PORT, TESSERA_ISSUER, DATABASE_URL, TESSERA_SECRET, TESSERA_CONFIG, ...).

  -c, --config FILE   config file (default: $TESSERA_CONFIG)
      --dev           dev mode: SQLite in ./data, generated secret, demo clients and user
  -p, --port N        port to listen on (default 3000)
  -w, --workers N     worker processes sharing the port (default 1; 0 = one per CPU core)
  -h, --help          this help

On SIGTERM or SIGINT it stops accepting connections, lets in-flight requests finish, then exits.`;

export async function serveCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, {
    config: { type: 'string', short: 'c' },
    dev: { type: 'boolean' },
    port: { type: 'string', short: 'p' },
    workers: { type: 'string', short: 'w' },
  });
  if (values.help) {
    io.out(SERVE_HELP);
    return 0;
  }
  positionals(rest, []);
  const overrides: Record<string, unknown> = {};
  if (values.dev) overrides.dev = true;
  if (values.port !== undefined) overrides.port = integerFlag('--port', values.port);
  if (values.workers !== undefined) overrides.workers = integerFlag('--workers', values.workers);
  const config = loadConfig({ file: values.config, overrides });
  const logger = createLogger(config.logLevel, config.log.format as LogFormat);
  const workers = config.workers === 0 ? availableParallelism() : config.workers;

  // Each serving process exports its own spans; the SDK is loaded only when tracing is on.
  const tracing =
    tracingWanted(config.tracing.enabled) && (cluster.isWorker || workers <= 1) ? await startTracing(packageVersion()) : undefined;

  if (cluster.isWorker) {
    // The primary has migrated and seeded; a worker only serves.
    const services = await createServices(config, { logger, tracer: tracing?.tracer });
    await listen(config, logger, '', services, await buildApp(services, { logger }), undefined, tracing);
    return -1;
  }
  if (workers > 1) {
    // Migrations, first keys and seeding happen once, here, before any worker starts: no races.
    const banner = await prepare(config, logger);
    runClusterPrimary({ workers, logger, onListening: () => banner && io.out(banner) });
    return -1;
  }
  // One process: the services that migrate and seed also serve (a second set would migrate
  // and load the keys again), and the app is built while argon2 checks the config users'
  // passwords on the thread pool, for a short cold start.
  const services = await createServices(config, { logger, tracer: tracing?.tracer });
  let ready: [string, FastifyInstance];
  try {
    ready = await Promise.all([seed(services), buildApp(services, { logger })]);
  } catch (err) {
    await services.close(); // a bad config entry: nothing may keep the process from exiting
    throw err;
  }
  await listen(config, logger, ready[0], services, ready[1], io, tracing);
  return -1; // keep running
}

function integerFlag(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got ${value}`);
  return Number(value);
}

/** Migrates, creates the first signing keys, loads config clients and users (and dev demo data). */
async function prepare(config: Config, logger: Logger): Promise<string> {
  const services = await createServices(config, { logger });
  try {
    return await seed(services);
  } finally {
    await services.close();
  }
}

/**
 * Config clients and users, the playground's and the admin console's clients (or their
 * removal), then dev mode's demo data; returns the dev banner.
 */
async function seed(services: Services): Promise<string> {
  await seedFromConfig(services);
  await seedPlaygroundClient(services);
  await ensureAdminConsoleClient({
    issuer: services.config.issuer,
    dev: services.config.dev,
    enabled: services.config.adminApi.enabled,
    clients: services.clients,
  });
  return services.config.dev ? await seedDevDemo(services) : '';
}

async function listen(
  config: Config,
  logger: Logger,
  banner: string,
  services: Services,
  app: FastifyInstance,
  io?: CommandIO,
  tracing?: Tracing,
): Promise<void> {
  await app.listen({ port: config.port, host: config.host });
  if (banner) io?.out(banner);
  logger.info({ issuer: config.issuer, port: config.port, pid: process.pid }, 'tessera is listening');
  // Expired rows are purged in the background, in small batches.
  services.janitor.schedule();
  drainOnSignals(app, async () => {
    services.janitor.stop();
    await services.close();
    await tracing?.shutdown();
  });
}

/** SIGTERM / SIGINT: stop accepting, let in-flight requests finish, then close storage and exit. */
function drainOnSignals(app: FastifyInstance, closeRest: () => Promise<void>): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close();
      await closeRest();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
