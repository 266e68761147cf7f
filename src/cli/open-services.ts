import { loadConfig, type Config } from '../config/load-config.js';
import { ConfigError } from '../config/config-error.js';
import { createServices, type Services } from '../app/create-services.js';
import type { CommandIO } from './args.js';

/**
 * Loads the same config `tessera serve` would (file from --config or TESSERA_CONFIG, then the
 * environment), so an admin command works on the server's database with the server's secret.
 *
 * One exception, for a fresh checkout: with no config file, no DATABASE_URL and no
 * TESSERA_SECRET, `serve` only runs as `npm start` (dev mode), so the command uses dev mode's
 * data folder and generated secret too, and says so on stderr. Once a config file or a database
 * is named, the command is about a real server: without its secret it stops, rather than write
 * keys and client secrets under a throwaway one that the server cannot read.
 */
export function loadCliConfig(configFile: string | undefined, io: CommandIO, env: NodeJS.ProcessEnv = process.env): Config {
  const file = configFile ?? (env.TESSERA_CONFIG || undefined);
  const named = configFile
    ? `--config ${configFile}`
    : env.TESSERA_CONFIG
      ? 'TESSERA_CONFIG'
      : env.DATABASE_URL || env.TESSERA_DATABASE_URL
        ? 'DATABASE_URL'
        : undefined;
  const implicitDev = !named && !env.TESSERA_SECRET;
  let config: Config;
  try {
    config = loadConfig({ file, env, overrides: implicitDev && !env.TESSERA_DEV ? { dev: true } : {} });
  } catch (err) {
    if (named && err instanceof ConfigError && err.problems.some((p) => p.setting === 'secret')) {
      const why =
        `${named} is given, so this command works on that server's data and needs the server's TESSERA_SECRET; ` +
        "it falls back to dev mode's generated secret only without DATABASE_URL, TESSERA_CONFIG and --config";
      throw ConfigError.of(err.problems.map((p) => (p.setting === 'secret' ? { setting: 'secret', message: `${p.message}. ${why}` } : p)));
    }
    throw err;
  }
  if (implicitDev && config.dev) {
    io.err(
      `tessera: no config file, no DATABASE_URL and no TESSERA_SECRET: using dev-mode data (${config.databaseUrl}, ` +
        `secret in ${config.dataDir}), as npm start does`,
    );
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
