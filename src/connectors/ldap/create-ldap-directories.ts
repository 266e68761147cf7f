import { ConfigProblems } from '../../config/config-error.js';
import type { Config } from '../../config/load-config.js';
import { passwordDirectories, type PasswordDirectories, type PasswordDirectoriesDeps } from '../password-directories.js';
import { ldapConnector, type ConnectorLog } from './ldap-connector.js';
import { readLdapConnectors } from './read-ldap-connectors.js';

/** The `type: ldap` connectors as the sign-in form's password directories; undefined when there are none. */
export function createLdapDirectories(
  config: Pick<Config, 'connectors'>,
  deps: PasswordDirectoriesDeps,
  logger?: ConnectorLog,
  env: NodeJS.ProcessEnv = process.env,
): PasswordDirectories | undefined {
  const problems = new ConfigProblems();
  const connectors = readLdapConnectors(config.connectors, problems, env).map((settings) => ldapConnector(settings, logger));
  // Checked already with the whole config (validate-config.ts); what is new here is a bindPasswordEnv that is not set.
  problems.throwIfAny();
  return passwordDirectories(connectors, deps);
}
