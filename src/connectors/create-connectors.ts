import { ConfigError, ConfigProblems } from '../config/config-error.js';
import type { OutboundFetch } from '../outbound/outbound-fetch.js';
import type { Connector } from './connector.js';
import { oauth2Connector } from './oauth2-connector.js';
import { oidcConnector } from './oidc-connector.js';
import { readConnectors } from './read-connectors.js';
import { upstreamFetch } from './upstream-fetch.js';

/** The configured connectors, by id, in the order the sign-in page lists them. */
export class Connectors {
  private readonly byId: Map<string, Connector>;

  constructor(
    readonly list: readonly Connector[],
    /** Every configured connector id, LDAP's included (unlinking asks which links still lead in). */
    readonly configuredIds: ReadonlySet<string>,
  ) {
    this.byId = new Map(list.map((c) => [c.settings.id, c]));
  }

  find(id: string): Connector | undefined {
    return this.byId.get(id);
  }
}

/**
 * Builds the connectors of `config.connectors` (already checked by the config loader). A client
 * secret named by `clientSecretEnv` is read from the environment here: missing, it stops startup.
 */
export function createConnectors(raw: Record<string, unknown>[], options: { env: NodeJS.ProcessEnv; outbound: OutboundFetch }): Connectors {
  const problems = new ConfigProblems();
  const settings = readConnectors(raw, (setting, message) => problems.add(setting, message));
  problems.throwIfAny();
  const fetch = upstreamFetch(options.outbound);
  const list = settings.map((s, i) => {
    let secret = s.clientSecret;
    if (s.clientSecretEnv) {
      secret = options.env[s.clientSecretEnv];
      if (!secret)
        throw new ConfigError(`connectors[${i}] (${s.id}).clientSecretEnv`, `the environment variable ${s.clientSecretEnv} is not set`);
    }
    return s.protocol === 'oidc' ? oidcConnector(s, secret, fetch) : oauth2Connector(s, secret!, fetch);
  });
  const configuredIds = new Set(raw.map((entry) => entry.id).filter((id): id is string => typeof id === 'string'));
  return new Connectors(list, configuredIds);
}
