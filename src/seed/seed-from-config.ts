import type { Provider } from '../provider.js';
import { ConfigError } from '../config/config-error.js';
import { OAuthError } from '../protocol/oauth-errors.js';

/**
 * Loads the config file's clients and users. Idempotent: a restart changes nothing, a
 * changed entry is updated in place. A bad entry stops startup naming the entry.
 */
export async function seedFromConfig(provider: Provider): Promise<void> {
  for (const [i, input] of provider.config.clients.entries()) {
    try {
      await provider.clients.save(input, 'config');
    } catch (err) {
      throw new ConfigError(`clients[${i}]${typeof input.client_id === 'string' ? ` (${input.client_id})` : ''}`, describe(err));
    }
  }
  for (const [i, user] of provider.config.users.entries()) {
    try {
      await provider.users.upsert(user.username as string, user.password as string, (user.claims as Record<string, unknown>) ?? {});
    } catch (err) {
      throw new ConfigError(`users[${i}] (${String(user.username)})`, describe(err));
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof OAuthError) return `${err.error}: ${err.description}`;
  if (err instanceof TypeError) return err.message;
  throw err;
}
