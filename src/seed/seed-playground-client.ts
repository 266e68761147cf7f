import type { ClientRegistry } from '../clients/client-registry.js';
import type { Config } from '../config/load-config.js';
import { PLAYGROUND_CLIENT_ID, playgroundClientMetadata, type PlaygroundClient } from '../playground/playground-client.js';

export interface SeedPlaygroundDeps {
  config: Pick<Config, 'dev'>;
  clients: Pick<ClientRegistry, 'save' | 'find' | 'delete'>;
  /** Set when the playground is served (dev mode or `playground.enabled`). */
  playground: PlaygroundClient | undefined;
}

/**
 * The playground's demo client exists exactly while the playground is served: registered (or
 * updated) when it is, deleted when it is not, so turning the playground off leaves no client behind.
 */
export async function seedPlaygroundClient(deps: SeedPlaygroundDeps): Promise<void> {
  if (deps.playground) {
    await deps.clients.save(playgroundClientMetadata(deps.playground), 'playground', {}, { allowInsecureHttp: deps.config.dev });
    return;
  }
  const existing = await deps.clients.find(PLAYGROUND_CLIENT_ID);
  if (existing?.origin === 'playground') await deps.clients.delete(PLAYGROUND_CLIENT_ID);
}
