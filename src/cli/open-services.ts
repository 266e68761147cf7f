import { loadConfig, type Config } from '../config/load-config.js';
import { createServices, type Services } from '../app/create-services.js';
import type { CommandIO } from './args.js';

/**
 * Loads the same config `tessera serve` would (file from --config or TESSERA_CONFIG, then the
 * environment), so an admin command works on the server's database with the server's secret.
 *
 * One exception, for a fresh checkout: with no config file and no TESSERA_SECRET, `serve`
 * only runs as `npm start` (dev mode), so the command uses dev mode's data folder and
 * generated secret too, and says so on stderr.
 */
export function loadCliConfig(configFile: string | undefined, io: CommandIO, env: NodeJS.ProcessEnv = process.env): Config {
  const file = configFile ?? (env.TESSERA_CONFIG || undefined);
  const implicitDev = !file && !env.TESSERA_SECRET;
  const config = loadConfig({ file, env, overrides: implicitDev && !env.TESSERA_DEV ? { dev: true } : {} });
  if (implicitDev && config.dev) {
    io.err(`tessera: no config file and no TESSERA_SECRET: using dev-mode data (${config.databaseUrl}, secret in ${config.dataDir}), as npm start does`);
  }
  return config;
}

/** Opens the provider's storage for an admin command and closes it afterwards. */
export async function withServices<T>(configFile: string | undefined, io: CommandIO, work: (services: Services) => Promise<T>): Promise<T> {
  const services = await createServices(loadCliConfig(configFile, io));
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}
