import { loadConfig, type Config } from '../config/load-config.js';
import { createProvider, type Provider } from '../provider.js';

/** Opens the provider's storage for an admin command, with config from --config / TESSERA_CONFIG / env. */
export async function withProvider<T>(configFile: string | undefined, work: (provider: Provider) => Promise<T>, overrides: Partial<Config> = {}): Promise<T> {
  const config = loadConfig({ file: configFile, overrides: { dev: process.env.TESSERA_DEV === '1' || !process.env.TESSERA_SECRET && !configFile && !process.env.TESSERA_CONFIG, ...overrides } });
  const provider = await createProvider(config);
  try {
    return await work(provider);
  } finally {
    await provider.close();
  }
}
