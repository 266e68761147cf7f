import type { UserDirectory } from '../accounts/user-directory.js';
import type { ClientRegistry } from '../clients/client-registry.js';
import type { Config } from '../config/load-config.js';
import { ConfigError } from '../config/config-error.js';
import { OAuthError } from '../protocol/oauth-errors.js';

export interface SeedDeps {
  config: Pick<Config, 'clients' | 'users'>;
  clients: Pick<ClientRegistry, 'save'>;
  users: Pick<UserDirectory, 'upsert'>;
}

/**
 * Loads the config file's clients and users. Idempotent: a restart changes nothing, a
 * changed entry is updated in place. A bad entry stops startup naming the entry.
 */
export async function seedFromConfig(deps: SeedDeps): Promise<void> {
  for (const [i, input] of deps.config.clients.entries()) {
    try {
      await deps.clients.save(input, 'config');
    } catch (err) {
      throw new ConfigError(`clients[${i}]${typeof input.client_id === 'string' ? ` (${input.client_id})` : ''}`, describe(err));
    }
  }
  for (const [i, user] of deps.config.users.entries()) {
    try {
      await deps.users.upsert(user.username as string, user.password as string, (user.claims as Record<string, unknown>) ?? {});
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
