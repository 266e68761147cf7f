import type { PasswordCheck, PasswordConnector } from '../password-connector.js';
import type { LdapConnectorConfig } from './ldap-connector-config.js';
import { checkDirectoryPassword } from './check-directory-password.js';
import { identityOfEntry } from './identity-of-entry.js';

/** Where the operator reads about the directory (a pino Logger is one). */
export interface ConnectorLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * An LDAP directory as a password connector: what the directory answered, as the sign-in form
 * understands it. A directory that cannot be asked is logged for the operator (never with the
 * password) and answered `unavailable`, which signs nobody in.
 */
export function ldapConnector(config: LdapConnectorConfig, logger?: ConnectorLog): PasswordConnector {
  const log = { connector: config.id, url: config.url };
  return {
    id: config.id,
    provision: config.provision,
    async checkPassword(username: string, password: string): Promise<PasswordCheck> {
      let answer;
      try {
        answer = await checkDirectoryPassword(config, username, password);
      } catch (err) {
        logger?.error({ ...log, err: describe(err) }, 'LDAP directory unavailable: sign-in refused');
        return { outcome: 'unavailable' };
      }
      if (answer.outcome === 'rejected') {
        if (answer.why === 'ambiguous') logger?.warn(log, 'LDAP userSearch.filter matched more than one entry: sign-in refused');
        return { outcome: 'rejected' };
      }
      if (answer.outcome === 'disabled') return { outcome: 'disabled' };
      const identity = identityOfEntry(config, answer.entry, answer.groups);
      if (!identity) {
        logger?.error({ ...log, attribute: config.attributes.subject }, 'LDAP entry has no subject attribute: sign-in refused');
        return { outcome: 'unavailable' };
      }
      return { outcome: 'accepted', identity };
    },
  };
}

/** An error as the log keeps it: its kind, LDAP result code and message (ldapts messages carry no credentials). */
function describe(err: unknown): { type: string; code?: unknown; message: string } {
  const error = err as { name?: string; code?: unknown; message?: string };
  return { type: error?.constructor?.name ?? error?.name ?? 'Error', code: error?.code, message: String(error?.message ?? err) };
}
