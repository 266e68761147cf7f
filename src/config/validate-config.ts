import { defaults, type Config } from './defaults.js';
import { ConfigError } from './config-error.js';
import { validateClientMetadata } from '../clients/validate-client-metadata.js';
import { validateUserClaims } from '../accounts/validate-user-claims.js';
import { OAuthError } from '../protocol/oauth-errors.js';
import { isSigningAlgorithm, SIGNING_ALGORITHMS } from '../jose/algorithms.js';
import { isBearerTokenSyntax } from '../rules/bearer-token.js';
import { isScopeEntry } from '../rules/scope.js';
import { SQLITE_DRIVER_CHOICES, type SqliteDriverChoice } from '../storage/open-sqlite.js';
import { isAllowedHostEntry } from '../outbound/address-policy.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['pretty', 'json'];

/** Checks every value against its default's type and its own rule; fills derived defaults. */
export function validateConfig(raw: Record<string, unknown>): Config {
  checkTypes(raw, defaults as unknown as Record<string, unknown>, '');
  const config = raw as unknown as Config;

  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    throw new ConfigError('port', `must be an integer from 0 to 65535, got ${config.port}`);
  }
  if (!config.issuer) config.issuer = `http://localhost:${config.port}`;
  config.issuer = checkIssuer(config.issuer);
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(config.databaseUrl)) {
    throw new ConfigError('databaseUrl', 'must start with sqlite: or postgres://');
  }
  if (!config.databaseUrl.startsWith('sqlite:') && !URL.canParse(config.databaseUrl)) {
    throw new ConfigError('databaseUrl', 'is not a valid postgres:// URL');
  }
  if (!SQLITE_DRIVER_CHOICES.includes(config.sqliteDriver as SqliteDriverChoice)) {
    throw new ConfigError('sqliteDriver', `must be one of ${SQLITE_DRIVER_CHOICES.join(', ')}`);
  }
  if (config.redisUrl && !/^rediss?:\/\//.test(config.redisUrl)) {
    throw new ConfigError('redisUrl', 'must start with redis:// or rediss://');
  }
  if (config.secret && config.secret.length < 32) {
    throw new ConfigError('secret', 'must be at least 32 characters (generate one with: openssl rand -base64 32)');
  }
  // Dev mode generates its secret in dataDir; anywhere else keys and client secrets need a real one.
  if (!config.secret && !config.dev) {
    throw new ConfigError(
      'secret',
      'is required outside dev mode: set TESSERA_SECRET to at least 32 random characters (openssl rand -base64 32)',
    );
  }
  if (!LOG_LEVELS.includes(config.logLevel)) {
    throw new ConfigError('logLevel', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  if (!config.log.format) config.log.format = config.dev ? 'pretty' : 'json';
  if (!LOG_FORMATS.includes(config.log.format)) {
    throw new ConfigError('log.format', `must be ${LOG_FORMATS.join(' or ')}`);
  }
  if (!isSigningAlgorithm(config.keys.algorithm)) {
    throw new ConfigError('keys.algorithm', `must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  }
  if (!['jwt', 'opaque'].includes(config.accessTokens.format)) {
    throw new ConfigError('accessTokens.format', 'must be jwt or opaque');
  }
  if (!config.accessTokens.defaultAudience) config.accessTokens.defaultAudience = config.issuer;
  for (const [name, value] of Object.entries(config.ttl)) {
    if (!Number.isInteger(value) || value <= 0) throw new ConfigError(`ttl.${name}`, 'must be a positive whole number of seconds');
  }
  if (config.ttl.authorizationCode > 600) {
    throw new ConfigError('ttl.authorizationCode', 'must be at most 600 seconds (RFC 6749 §4.1.2)');
  }
  if (!Number.isInteger(config.device.interval) || config.device.interval < 1) {
    throw new ConfigError('device.interval', 'must be a whole number of seconds, at least 1');
  }
  if (!config.registration.initialAccessToken) config.registration.initialAccessToken = config.dev ? 'optional' : 'required';
  if (!['required', 'optional'].includes(config.registration.initialAccessToken)) {
    throw new ConfigError('registration.initialAccessToken', 'must be required or optional');
  }
  if (!Number.isInteger(config.registration.openRegistrationsPerHour) || config.registration.openRegistrationsPerHour < 0) {
    throw new ConfigError('registration.openRegistrationsPerHour', 'must be a whole number, 0 or more (0 = no limit)');
  }
  if (!Number.isInteger(config.workers) || config.workers < 0) throw new ConfigError('workers', 'must be 0 (one per core) or more');
  if (config.bodyLimit < 1024) throw new ConfigError('bodyLimit', 'must be at least 1024 bytes');
  // The scraper sends it as a Bearer token, so it must be one (RFC 6750 §2.1 b64token).
  if (config.metrics.token && (config.metrics.token.length < 16 || !isBearerTokenSyntax(config.metrics.token))) {
    throw new ConfigError(
      'metrics.token',
      'must be at least 16 characters of A-Z a-z 0-9 - . _ ~ + / (generate one with: openssl rand -hex 24)',
    );
  }
  for (const name of ['interval', 'batchSize', 'pause', 'auditRetentionDays'] as const) {
    if (!Number.isInteger(config.janitor[name]) || config.janitor[name] < 0)
      throw new ConfigError(`janitor.${name}`, 'must be a whole number, 0 or more');
  }
  if (config.janitor.batchSize < 1) throw new ConfigError('janitor.batchSize', 'must be at least 1');
  for (const name of ['maxFailuresPerAddress', 'window'] as const) {
    if (!Number.isInteger(config.clientAuthentication[name]) || config.clientAuthentication[name] < 1)
      throw new ConfigError(`clientAuthentication.${name}`, 'must be a whole number, at least 1');
  }
  for (const [i, entry] of config.outbound.allowedHosts.entries()) {
    if (typeof entry !== 'string' || !isAllowedHostEntry(entry)) {
      throw new ConfigError(`outbound.allowedHosts[${i}]`, 'must be a host name, an IP address or a CIDR range (10.1.0.0/16)');
    }
  }
  if (!Number.isInteger(config.outbound.timeout) || config.outbound.timeout < 1)
    throw new ConfigError('outbound.timeout', 'must be a whole number of seconds, at least 1');
  if (!Number.isInteger(config.outbound.maxResponseBytes) || config.outbound.maxResponseBytes < 1024) {
    throw new ConfigError('outbound.maxResponseBytes', 'must be a whole number of bytes, at least 1024');
  }
  for (const [i, scope] of config.scopes.entries()) {
    if (typeof scope !== 'string' || !isScopeEntry(scope)) {
      throw new ConfigError(`scopes[${i}]`, 'must be a "name: description" string with a valid scope name (RFC 6749 §3.3)');
    }
  }
  checkClients(config.clients);
  for (const [i, user] of config.users.entries()) {
    if (!isObject(user)) throw new ConfigError(`users[${i}]`, 'must be an object: { username, password, claims }');
    for (const key of Object.keys(user)) {
      if (!['username', 'password', 'claims'].includes(key))
        throw new ConfigError(`users[${i}].${key}`, 'unknown setting (a user has username, password and claims)');
    }
    if (typeof user.username !== 'string' || !user.username) throw new ConfigError(`users[${i}].username`, 'is required');
    if (typeof user.password !== 'string' || user.password.length < 8)
      throw new ConfigError(`users[${i}].password`, 'is required, at least 8 characters');
    if (user.claims !== undefined && !isObject(user.claims)) throw new ConfigError(`users[${i}].claims`, 'must be an object');
    try {
      validateUserClaims((user.claims as Record<string, unknown>) ?? {});
    } catch (err) {
      throw new ConfigError(`users[${i}].${(err as Error).message.split(' ')[0]}`, (err as Error).message.split(' ').slice(1).join(' '));
    }
  }
  return config;
}

/** Each config client is validated like every other path (RFC 7591 rules); an error names clients[i]. */
function checkClients(clients: Record<string, unknown>[]): void {
  const ids = new Set<string>();
  for (const [i, client] of clients.entries()) {
    const name = `clients[${i}]${isObject(client) && typeof client.client_id === 'string' ? ` (${client.client_id})` : ''}`;
    if (!isObject(client)) throw new ConfigError(name, 'must be an object of client metadata');
    const { client_secret: secret, ...metadata } = client;
    if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0))
      throw new ConfigError(`${name}.client_secret`, 'must be a non-empty string');
    try {
      validateClientMetadata(metadata);
    } catch (err) {
      if (err instanceof OAuthError) throw new ConfigError(name, `${err.error}: ${err.description}`);
      throw err;
    }
    if (ids.has(client.client_id as string)) throw new ConfigError(name, 'client_id is declared twice');
    ids.add(client.client_id as string);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError('issuer', `${JSON.stringify(issuer)} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('issuer', 'must be an http(s) URL');
  // OIDC Discovery §3 / RFC 8414 §2: no query or fragment.
  if (url.search || url.hash || issuer.includes('#') || issuer.includes('?'))
    throw new ConfigError('issuer', 'must not have a query or fragment');
  return issuer.replace(/\/+$/, '');
}

function checkTypes(value: Record<string, unknown>, shape: Record<string, unknown>, prefix: string): void {
  for (const [key, expected] of Object.entries(shape)) {
    const path = prefix + key;
    const actual = value[key];
    if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
      if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) throw new ConfigError(path, 'must be an object');
      checkTypes(actual as Record<string, unknown>, expected as Record<string, unknown>, `${path}.`);
    } else if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) throw new ConfigError(path, 'must be an array');
    } else if (typeof actual !== typeof expected) {
      throw new ConfigError(path, `must be a ${typeof expected}, got ${actual === null ? 'null' : typeof actual}`);
    }
  }
}
