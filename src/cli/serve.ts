import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../logger.js';
import { createProvider } from '../provider.js';
import { buildApp } from '../http/build-app.js';
import { seedFromConfig } from '../seed/seed-from-config.js';
import { seedDevDemo } from '../seed/dev-demo.js';
import { parseFlags, type CommandIO } from './args.js';

export const SERVE_HELP = `Usage: tessera serve [--config FILE] [--dev] [--port N]

Starts the provider. Settings come from the config file (JSON or YAML), then environment
variables (PORT, TESSERA_ISSUER, DATABASE_URL, TESSERA_SECRET, TESSERA_CONFIG, ...).

  -c, --config FILE   config file (default: $TESSERA_CONFIG)
      --dev           dev mode: SQLite in ./data, generated secret, demo clients and user
  -p, --port N        port to listen on (default 3000)
  -h, --help          this help`;

export async function serveCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags(argv, { config: { type: 'string', short: 'c' }, dev: { type: 'boolean' }, port: { type: 'string', short: 'p' } });
  if (values.help) {
    io.out(SERVE_HELP);
    return 0;
  }
  const overrides: Record<string, unknown> = {};
  if (values.dev) overrides.dev = true;
  if (values.port !== undefined) overrides.port = Number(values.port);
  const config = loadConfig({ file: values.config, overrides });
  const logger = createLogger(config.logLevel);
  const provider = await createProvider(config, { logger });
  await seedFromConfig(provider);
  const banner = config.dev ? await seedDevDemo(provider) : '';
  const app = await buildApp(provider, { logger });
  await app.listen({ port: config.port, host: config.host });
  if (banner) io.out(banner);
  logger.info({ issuer: config.issuer, port: config.port }, 'tessera is listening');
  drainOnSignals(app, async () => provider.close());
  return -1; // keep running
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
