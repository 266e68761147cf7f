import type { ConfigProblems } from '../../config/config-error.js';
import type { LdapConnectorConfig } from './ldap-connector-config.js';
import { validateLdapConnector } from './validate-ldap-connector.js';

/**
 * The `type: ldap` entries of `connectors`, checked (the other types, the ids and their
 * uniqueness: read-connectors.ts). Problems are named like the others: `connectors[2] (corp).url`.
 * With `env`, each bindPasswordEnv is read from it.
 */
export function readLdapConnectors(raw: unknown[], problems: ConfigProblems, env?: NodeJS.ProcessEnv): LdapConnectorConfig[] {
  const read: LdapConnectorConfig[] = [];
  for (const [i, entry] of raw.entries()) {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) continue;
    const fields = entry as Record<string, unknown>;
    if (fields.type !== 'ldap') continue;
    const at = `connectors[${i}]${typeof fields.id === 'string' ? ` (${fields.id})` : ''}`;
    const config = validateLdapConnector(fields, at, problems, env);
    if (config) read.push(config);
  }
  return read;
}
