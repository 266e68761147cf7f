import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { FilterParser } from 'ldapts';
import type { ConfigProblems } from '../../config/config-error.js';
import { didYouMean } from '../../config/did-you-mean.js';
import {
  DEFAULT_LDAP_ATTRIBUTES,
  DN_PLACEHOLDER,
  LDAP_SCOPES,
  USERNAME_PLACEHOLDER,
  type LdapAttributeMap,
  type LdapConnectorConfig,
  type LdapScope,
} from './ldap-connector-config.js';

const KEYS = [
  'id',
  'type',
  'name',
  'provision',
  'url',
  'startTls',
  'ca',
  'tlsCaFile',
  'allowPlaintext',
  'bindDn',
  'bindPassword',
  'bindPasswordEnv',
  'userSearch',
  'userDnTemplate',
  'attributes',
  'groupSearch',
  'disabledFilter',
  'emailVerified',
  'timeout',
];
const SEARCH_KEYS = ['baseDn', 'filter', 'scope'];
const GROUP_KEYS = ['baseDn', 'filter', 'scope', 'nameAttribute'];

/**
 * Checks one `type: ldap` connector entry; `name` is how problems name it (`connectors[0] (corp)`).
 * Every mistake is a start error naming the setting: a directory that cannot be reached safely
 * must not be found out at the first sign-in. Undefined when there was a problem. `env`: where
 * bindPasswordEnv is read (not given while the config alone is checked).
 */
export function validateLdapConnector(
  entry: Record<string, unknown>,
  name: string,
  problems: ConfigProblems,
  env?: NodeJS.ProcessEnv,
): LdapConnectorConfig | undefined {
  const before = problems.list.length;
  const problem = (key: string, message: string) => problems.add(`${name}.${key}`, message);
  for (const key of Object.keys(entry)) if (!KEYS.includes(key)) problem(key, `unknown setting${didYouMean(key, KEYS)}`);

  // The id's form and uniqueness are checked, and reported, with every connector's (read-connectors.ts).
  const id = entry.id;
  const displayName = optionalString(entry, 'name', problem) ?? (typeof id === 'string' ? id : '');
  const provision = optionalBoolean(entry, 'provision', problem) ?? true;
  const emailVerified = optionalBoolean(entry, 'emailVerified', problem) ?? false;
  const startTls = optionalBoolean(entry, 'startTls', problem) ?? false;
  const allowPlaintext = optionalBoolean(entry, 'allowPlaintext', problem) ?? false;

  const url = checkUrl(entry.url, { startTls, allowPlaintext }, problem);
  const ca = readCa(entry, problem);
  if (ca !== undefined && url?.startsWith('ldap:') && !startTls) problem('ca', 'is for TLS: use an ldaps:// URL or startTls: true');
  const { bindDn, bindPassword } = checkServiceAccount(entry, env, problem);

  const userSearch = entry.userSearch === undefined ? undefined : checkUserSearch(entry.userSearch, problem);
  const userDnTemplate = optionalString(entry, 'userDnTemplate', problem);
  if (entry.userSearch === undefined && userDnTemplate === undefined)
    problem('userSearch', 'one of userSearch { baseDn, filter } or userDnTemplate is required');
  if (entry.userSearch !== undefined && userDnTemplate !== undefined)
    problem('userDnTemplate', 'give userSearch or userDnTemplate, not both');
  if (userDnTemplate !== undefined && !userDnTemplate.includes(USERNAME_PLACEHOLDER))
    problem('userDnTemplate', `must contain ${USERNAME_PLACEHOLDER}, e.g. uid=${USERNAME_PLACEHOLDER},ou=people,dc=example,dc=org`);

  const attributes = checkAttributes(entry.attributes, problem);
  const groupSearch = entry.groupSearch === undefined ? undefined : checkGroupSearch(entry.groupSearch, problem);
  const disabledFilter = optionalString(entry, 'disabledFilter', problem);
  if (disabledFilter !== undefined && !isFilter(disabledFilter))
    problem('disabledFilter', 'is not an LDAP filter (RFC 4515), e.g. (employeeType=disabled)');
  const timeout = entry.timeout ?? 10;
  if (!Number.isInteger(timeout) || (timeout as number) < 1 || (timeout as number) > 120)
    problem('timeout', 'must be a whole number of seconds from 1 to 120');

  if (problems.list.length > before || typeof id !== 'string' || id === '') return undefined;
  return {
    id: id,
    type: 'ldap',
    name: displayName,
    provision,
    url: url!,
    startTls,
    ca,
    bindDn,
    bindPassword,
    userSearch,
    userDnTemplate,
    attributes,
    groupSearch,
    disabledFilter,
    emailVerified,
    timeout: timeout as number,
  };
}

type Problem = (key: string, message: string) => void;

/**
 * ldap:// or ldaps://, host and port only. A password must not cross the network in the clear:
 * plain ldap:// needs startTls, except to this machine or when allowPlaintext says so.
 */
function checkUrl(value: unknown, tls: { startTls: boolean; allowPlaintext: boolean }, problem: Problem): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) {
    problem('url', 'is required: ldap://host[:port] or ldaps://host[:port]');
    return undefined;
  }
  const url = new URL(value);
  if (url.protocol !== 'ldap:' && url.protocol !== 'ldaps:') problem('url', 'must start with ldap:// or ldaps://');
  else if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash || url.username)
    problem('url', 'must be only scheme, host and port (the base DN goes in userSearch.baseDn)');
  else if (url.protocol === 'ldaps:' && tls.startTls) problem('startTls', 'is for ldap:// URLs: ldaps:// is TLS from the start');
  else if (url.protocol === 'ldap:' && !tls.startTls && !tls.allowPlaintext && !isLoopback(url.hostname))
    problem('url', 'sends passwords in the clear: use ldaps://, or startTls: true (or allowPlaintext: true on a network you trust)');
  return `${url.protocol}//${url.host}`;
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

function readCa(entry: Record<string, unknown>, problem: Problem): string | undefined {
  if (entry.ca !== undefined && entry.tlsCaFile !== undefined) problem('tlsCaFile', 'give ca or tlsCaFile, not both');
  if (entry.ca !== undefined) {
    if (typeof entry.ca !== 'string' || !entry.ca.includes('-----BEGIN CERTIFICATE-----')) problem('ca', 'must be PEM certificates');
    return typeof entry.ca === 'string' ? entry.ca : undefined;
  }
  if (entry.tlsCaFile === undefined) return undefined;
  if (typeof entry.tlsCaFile !== 'string') {
    problem('tlsCaFile', 'must be a file path');
    return undefined;
  }
  try {
    const pem = readFileSync(entry.tlsCaFile, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) problem('tlsCaFile', `${entry.tlsCaFile} holds no PEM certificate`);
    return pem;
  } catch (err) {
    problem('tlsCaFile', `cannot read ${entry.tlsCaFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    return undefined;
  }
}

/**
 * bindDn with bindPassword or bindPasswordEnv (the name of the variable holding it), or neither
 * (anonymous search). The variable is read when `env` is given: at startup, when the connectors
 * are built (create-ldap-directories.ts), not while the config file is checked.
 */
function checkServiceAccount(
  entry: Record<string, unknown>,
  env: NodeJS.ProcessEnv | undefined,
  problem: Problem,
): { bindDn?: string; bindPassword?: string } {
  const bindDn = optionalString(entry, 'bindDn', problem);
  let bindPassword = optionalString(entry, 'bindPassword', problem);
  const fromEnv = optionalString(entry, 'bindPasswordEnv', problem);
  if (bindPassword !== undefined && fromEnv !== undefined) problem('bindPasswordEnv', 'give bindPassword or bindPasswordEnv, not both');
  if (fromEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(fromEnv))
    problem('bindPasswordEnv', 'must be an environment variable name');
  else if (fromEnv !== undefined && env !== undefined) {
    bindPassword = env[fromEnv];
    if (!bindPassword) problem('bindPasswordEnv', `names ${fromEnv}, which is not set`);
  }
  if (bindDn !== undefined && bindPassword === undefined && fromEnv === undefined)
    problem('bindPassword', 'is required with bindDn (or bindPasswordEnv)');
  if (bindDn === undefined && (bindPassword !== undefined || fromEnv !== undefined)) problem('bindDn', 'is required with a bind password');
  return { bindDn, bindPassword };
}

function checkUserSearch(value: unknown, problem: Problem): LdapConnectorConfig['userSearch'] {
  if (!isObject(value)) {
    problem('userSearch', 'must be an object: { baseDn, filter, scope }');
    return undefined;
  }
  for (const key of Object.keys(value))
    if (!SEARCH_KEYS.includes(key)) problem(`userSearch.${key}`, `unknown setting${didYouMean(key, SEARCH_KEYS)}`);
  const baseDn = requiredString(value, 'baseDn', (k, m) => problem(`userSearch.${k}`, m));
  const filter = typeof value.filter === 'string' ? value.filter : `(uid=${USERNAME_PLACEHOLDER})`;
  if (!filter.includes(USERNAME_PLACEHOLDER))
    problem('userSearch.filter', `must contain ${USERNAME_PLACEHOLDER}, e.g. (uid=${USERNAME_PLACEHOLDER})`);
  else if (!isFilter(filter.replaceAll(USERNAME_PLACEHOLDER, 'x'))) problem('userSearch.filter', 'is not an LDAP filter (RFC 4515)');
  const scope = checkScope(value.scope, (m) => problem('userSearch.scope', m));
  return baseDn === undefined ? undefined : { baseDn, filter, scope };
}

function checkGroupSearch(value: unknown, problem: Problem): LdapConnectorConfig['groupSearch'] {
  if (!isObject(value)) {
    problem('groupSearch', 'must be an object: { baseDn, filter, nameAttribute, scope }');
    return undefined;
  }
  for (const key of Object.keys(value))
    if (!GROUP_KEYS.includes(key)) problem(`groupSearch.${key}`, `unknown setting${didYouMean(key, GROUP_KEYS)}`);
  const baseDn = requiredString(value, 'baseDn', (k, m) => problem(`groupSearch.${k}`, m));
  const filter = typeof value.filter === 'string' ? value.filter : `(&(objectClass=groupOfNames)(member=${DN_PLACEHOLDER}))`;
  if (!filter.includes(DN_PLACEHOLDER) && !filter.includes(USERNAME_PLACEHOLDER))
    problem('groupSearch.filter', `must contain ${DN_PLACEHOLDER} or ${USERNAME_PLACEHOLDER}, e.g. (member=${DN_PLACEHOLDER})`);
  else if (!isFilter(filter.replaceAll(DN_PLACEHOLDER, 'x').replaceAll(USERNAME_PLACEHOLDER, 'x')))
    problem('groupSearch.filter', 'is not an LDAP filter (RFC 4515)');
  const nameAttribute = typeof value.nameAttribute === 'string' && value.nameAttribute ? value.nameAttribute : 'cn';
  const scope = checkScope(value.scope, (m) => problem('groupSearch.scope', m));
  return baseDn === undefined ? undefined : { baseDn, filter, nameAttribute, scope };
}

function checkAttributes(value: unknown, problem: Problem): LdapAttributeMap {
  if (value === undefined) return { ...DEFAULT_LDAP_ATTRIBUTES };
  const known = Object.keys(DEFAULT_LDAP_ATTRIBUTES);
  if (!isObject(value)) {
    problem('attributes', `must be an object mapping ${known.join(', ')} to attribute names`);
    return { ...DEFAULT_LDAP_ATTRIBUTES };
  }
  for (const [key, name] of Object.entries(value)) {
    if (!known.includes(key)) problem(`attributes.${key}`, `unknown setting${didYouMean(key, known)}`);
    else if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) problem(`attributes.${key}`, 'must be an attribute name');
  }
  return { ...DEFAULT_LDAP_ATTRIBUTES, ...(value as Partial<LdapAttributeMap>) };
}

function checkScope(value: unknown, problem: (message: string) => void): LdapScope {
  if (value === undefined) return 'sub';
  if (!LDAP_SCOPES.includes(value as LdapScope)) problem(`must be one of ${LDAP_SCOPES.join(', ')}`);
  return value as LdapScope;
}

function isFilter(text: string): boolean {
  try {
    FilterParser.parseString(text);
    return /^\(.*\)$/s.test(text.trim());
  } catch {
    return false;
  }
}

function optionalString(entry: Record<string, unknown>, key: string, problem: Problem): string | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    problem(key, 'must be a non-empty string');
    return undefined;
  }
  return value;
}

function requiredString(entry: Record<string, unknown>, key: string, problem: Problem): string | undefined {
  if (typeof entry[key] !== 'string' || entry[key] === '') {
    problem(key, 'is required');
    return undefined;
  }
  return entry[key];
}

function optionalBoolean(entry: Record<string, unknown>, key: string, problem: Problem): boolean | undefined {
  const value = entry[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') problem(key, 'must be true or false');
  return typeof value === 'boolean' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
