import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/load-config.js';
import { createServices, type Services } from '../../src/app/create-services.js';
import { buildApp } from '../../src/app/build-app.js';
import { seedFromConfig } from '../../src/seed/seed-from-config.js';
import { seedPlaygroundClient } from '../../src/seed/seed-playground-client.js';
import { ensureAdminConsoleClient } from '../../src/admin-api/console-client.js';
import { createTestDatabase, SQLITE_DRIVER, type DatabaseKind, type TestDatabase } from './databases.js';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface TestServer {
  services: Services;
  app: FastifyInstance;
  /** The issuer, which is also the base URL the server listens on (unless the config names another issuer). */
  url: string;
  database: TestDatabase;
  /** The port it listens on. */
  port: number;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TestServerOptions {
  database?: DatabaseKind;
  /** Config settings (clients, users, ttl, ...) on top of the test defaults. */
  config?: Record<string, unknown>;
  /** Listen on a real port (default true); false for app.inject only. */
  listen?: boolean;
  /** Another server's database (a second instance of one deployment); it is left for its owner to drop. */
  sharedDatabase?: TestDatabase;
}

/** A real provider on a fresh database, listening on a free loopback port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.sharedDatabase ?? (await createTestDatabase(options.database ?? 'sqlite'));
  const port = await freePort();
  const config: Config = loadConfig({
    env: {},
    overrides: {
      issuer: `http://127.0.0.1:${port}`,
      port,
      databaseUrl: database.url,
      sqliteDriver: SQLITE_DRIVER,
      secret: TEST_SECRET,
      logLevel: 'silent',
      ...options.config,
    },
  });
  const services = await createServices(config, { schema: database.schema });
  await seedFromConfig(services);
  await seedPlaygroundClient(services);
  await ensureAdminConsoleClient({ issuer: config.issuer, dev: config.dev, enabled: config.adminApi.enabled, clients: services.clients });
  const app = await buildApp(services);
  if (options.listen !== false) await app.listen({ port, host: '127.0.0.1' });
  else await app.ready();
  return {
    services,
    app,
    url: config.issuer,
    database,
    port,
    async close() {
      await app.close();
      await services.close();
      if (!options.sharedDatabase) await database.drop();
    },
  };
}
