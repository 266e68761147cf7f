import { defaults, type Config } from './defaults.js';
import { ConfigProblems } from './config-error.js';
import { didYouMean } from './did-you-mean.js';
import { validateClientMetadata, type ValidationOptions } from '../clients/validate-client-metadata.js';
import { validateUserClaims } from '../accounts/validate-user-claims.js';
import { OAuthError } from '../protocol/oauth-errors.js';
import { isSigningAlgorithm, SIGNING_ALGORITHMS } from '../jose/algorithms.js';
import { isBearerTokenSyntax } from '../rules/bearer-token.js';
import { isScopeEntry, offeredScopes } from '../rules/scope.js';
import { SQLITE_DRIVER_CHOICES, type SqliteDriverChoice } from '../storage/open-sqlite.js';
import { isAllowedHostEntry } from '../outbound/address-policy.js';
import { registeredResources, resourceEntryProblem } from '../rules/resource.js';
import { readConnectors } from '../connectors/read-connectors.js';
import { readLdapConnectors } from '../connectors/ldap/read-ldap-connectors.js';
import { isLanguage, LANGUAGES } from '../i18n/languages.js';
import { contrastRatio, isHexColour, MINIMUM_TEXT_CONTRAST } from '../branding/colour-contrast.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['pretty', 'json'];
const USER_KEYS = ['username', 'password', 'claims'];

/**
 * Checks every value against its default's type and its own rule; fills derived defaults.
 * Throws one ConfigError naming every problem (with those `problems` already holds).
 */
export function validateConfig(raw: Record<string, unknown>, problems = new ConfigProblems()): Config {
  // A value of the wrong type is reported and replaced by its default, so the rules below can still check the rest.
  checkTypes(raw, defaults as unknown as Record<string, unknown>, '', problems);
  const config = raw as unknown as Config;
  const problem = (setting: string, message: string) => problems.add(setting, message);

  const portIsValid = Number.isInteger(config.port) && config.port >= 0 && config.port <= 65535;
  if (!portIsValid) problem('port', `must be an integer from 0 to 65535, got ${config.port}`);
  // Derived from a bad port, the issuer would only repeat the port's problem.
  if (!config.issuer) config.issuer = `http://localhost:${portIsValid ? config.port : defaults.port}`;
  config.issuer = checkIssuer(config.issuer, problems);
  if (!/^(sqlite:|postgres:\/\/|postgresql:\/\/)/.test(config.databaseUrl)) {
    problem('databaseUrl', 'must start with sqlite: or postgres://');
  } else if (!config.databaseUrl.startsWith('sqlite:') && !URL.canParse(config.databaseUrl)) {
    problem('databaseUrl', 'is not a valid postgres:// URL');
  }
  if (!SQLITE_DRIVER_CHOICES.includes(config.sqliteDriver as SqliteDriverChoice)) {
    problem('sqliteDriver', `must be one of ${SQLITE_DRIVER_CHOICES.join(', ')}`);
  }
  if (config.redisUrl && !/^rediss?:\/\//.test(config.redisUrl)) {
    problem('redisUrl', 'must start with redis:// or rediss://');
  }
  if (config.secret && config.secret.length < 32) {
    problem('secret', 'must be at least 32 characters (generate one with: openssl rand -base64 32)');
  }
  // Dev mode generates its secret in dataDir; anywhere else keys and client secrets need a real one.
  if (!config.secret && !config.dev) {
    problem('secret', 'is required outside dev mode: set TESSERA_SECRET to at least 32 random characters (openssl rand -base64 32)');
  }
  if (!LOG_LEVELS.includes(config.logLevel)) {
    problem('logLevel', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  if (!config.log.format) config.log.format = config.dev ? 'pretty' : 'json';
  if (!LOG_FORMATS.includes(config.log.format)) {
    problem('log.format', `must be ${LOG_FORMATS.join(' or ')}`);
  }
  if (!isSigningAlgorithm(config.keys.algorithm)) {
    problem('keys.algorithm', `must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  }
  if (!['jwt', 'opaque'].includes(config.accessTokens.format)) {
    problem('accessTokens.format', 'must be jwt or opaque');
  }
  if (!config.accessTokens.defaultAudience) config.accessTokens.defaultAudience = config.issuer;
  for (const [name, value] of Object.entries(config.ttl)) {
    if (!Number.isInteger(value) || value <= 0) problem(`ttl.${name}`, 'must be a positive whole number of seconds');
  }
  if (config.ttl.pushedRequest > 600) problem('ttl.pushedRequest', 'must be at most 600 seconds (RFC 9126 §2.2: short-lived)');
  if (!['', '2.0'].includes(config.fapi.profile)) problem('fapi.profile', 'must be 2.0 or empty');
  if (config.ttl.authorizationCode > 600) {
    problem('ttl.authorizationCode', 'must be at most 600 seconds (RFC 6749 §4.1.2)');
  }
  if (!Number.isInteger(config.device.interval) || config.device.interval < 1) {
    problem('device.interval', 'must be a whole number of seconds, at least 1');
  }
  if (!config.registration.initialAccessToken) config.registration.initialAccessToken = config.dev ? 'optional' : 'required';
  if (!['required', 'optional'].includes(config.registration.initialAccessToken)) {
    problem('registration.initialAccessToken', 'must be required or optional');
  }
  if (!Number.isInteger(config.registration.openRegistrationsPerHour) || config.registration.openRegistrationsPerHour < 0) {
    problem('registration.openRegistrationsPerHour', 'must be a whole number, 0 or more (0 = no limit)');
  }
  if (!config.acr.password || !config.acr.mfa || config.acr.password === config.acr.mfa) {
    problem('acr.mfa', 'acr.password and acr.mfa must be two different, non-empty values');
  }
  if (!['required', 'preferred', 'discouraged'].includes(config.passkeys.userVerification)) {
    problem('passkeys.userVerification', 'must be required, preferred or discouraged');
  }
  if (!Number.isInteger(config.passkeys.ceremonyTimeout) || config.passkeys.ceremonyTimeout < 30) {
    problem('passkeys.ceremonyTimeout', 'must be a whole number of seconds, at least 30');
  }
  if (!Number.isInteger(config.mfa.reauthenticateWithin) || config.mfa.reauthenticateWithin < 0) {
    problem('mfa.reauthenticateWithin', 'must be a whole number of seconds, 0 or more');
  }
  if (!config.mfa.totpIssuerName) config.mfa.totpIssuerName = URL.canParse(config.issuer) ? new URL(config.issuer).host : 'Tessera';
  if (!isLanguage(config.ui.defaultLanguage)) problem('ui.defaultLanguage', `must be one of ${LANGUAGES.join(', ')}`);
  checkBranding(config.branding, problems);
  if (!Number.isInteger(config.workers) || config.workers < 0) problem('workers', 'must be 0 (one per core) or more');
  if (config.bodyLimit < 1024) problem('bodyLimit', 'must be at least 1024 bytes');
  // The scraper sends it as a Bearer token, so it must be one (RFC 6750 §2.1 b64token).
  if (config.metrics.token && (config.metrics.token.length < 16 || !isBearerTokenSyntax(config.metrics.token))) {
    problem('metrics.token', 'must be at least 16 characters of A-Z a-z 0-9 - . _ ~ + / (generate one with: openssl rand -hex 24)');
  }
  for (const name of ['interval', 'batchSize', 'pause', 'auditRetentionDays'] as const) {
    if (!Number.isInteger(config.janitor[name]) || config.janitor[name] < 0)
      problem(`janitor.${name}`, 'must be a whole number, 0 or more');
  }
  if (config.janitor.batchSize < 1) problem('janitor.batchSize', 'must be at least 1');
  for (const name of ['maxFailuresPerAddress', 'window'] as const) {
    if (!Number.isInteger(config.clientAuthentication[name]) || config.clientAuthentication[name] < 1)
      problem(`clientAuthentication.${name}`, 'must be a whole number, at least 1');
  }
  for (const [i, entry] of config.outbound.allowedHosts.entries()) {
    if (typeof entry !== 'string' || !isAllowedHostEntry(entry)) {
      problem(`outbound.allowedHosts[${i}]`, 'must be a host name, an IP address or a CIDR range (10.1.0.0/16)');
    }
  }
  if (!Number.isInteger(config.dpop.proofWindow) || config.dpop.proofWindow < 1 || config.dpop.proofWindow > 600)
    problem('dpop.proofWindow', 'must be a whole number of seconds from 1 to 600');
  if (!Number.isInteger(config.dpop.nonceLifetime) || config.dpop.nonceLifetime < 10 || config.dpop.nonceLifetime > 86400)
    problem('dpop.nonceLifetime', 'must be a whole number of seconds from 10 to 86400');
  if (!Number.isInteger(config.outbound.timeout) || config.outbound.timeout < 1)
    problem('outbound.timeout', 'must be a whole number of seconds, at least 1');
  if (!Number.isInteger(config.outbound.maxResponseBytes) || config.outbound.maxResponseBytes < 1024) {
    problem('outbound.maxResponseBytes', 'must be a whole number of bytes, at least 1024');
  }
  for (const [i, scope] of config.scopes.entries()) {
    if (typeof scope !== 'string' || !isScopeEntry(scope)) {
      problem(`scopes[${i}]`, 'must be a "name: description" string with a valid scope name (RFC 6749 §3.3)');
    }
  }
  const offered = new Set(offeredScopes(config.scopes).keys());
  for (const [i, resource] of config.accessTokens.resources.entries()) {
    const wrong = resourceEntryProblem(resource);
    if (wrong) problem(`accessTokens.resources[${i}]`, wrong);
    const unoffered = typeof resource === 'object' && !wrong ? (resource.scopes ?? []).filter((scope) => !offered.has(scope)) : [];
    if (unoffered.length > 0) problem(`accessTokens.resources[${i}].scopes`, `${unoffered.join(' ')} is not a scope this provider offers`);
  }
  const resourceIds = registeredResources(config.accessTokens.resources.filter((entry) => !resourceEntryProblem(entry))).map(
    (resource) => resource.identifier,
  );
  for (const [i, scope] of config.registration.allowedScopes.entries()) {
    if (!offered.has(scope)) problem(`registration.allowedScopes[${i}]`, `${scope} is not a scope this provider offers`);
  }
  checkClients(config.clients, { knownScopes: offered, resources: resourceIds, pairwiseSubjects: config.subjects.pairwise }, problems);
  for (const [i, user] of config.users.entries()) {
    if (!isObject(user)) {
      problem(`users[${i}]`, 'must be an object: { username, password, claims }');
      continue;
    }
    for (const key of Object.keys(user)) {
      if (!USER_KEYS.includes(key))
        problem(`users[${i}].${key}`, `unknown setting${didYouMean(key, USER_KEYS) || ' (a user has username, password and claims)'}`);
    }
    if (typeof user.username !== 'string' || !user.username) problem(`users[${i}].username`, 'is required');
    if (typeof user.password !== 'string' || user.password.length < 8)
      problem(`users[${i}].password`, 'is required, at least 8 characters');
    if (user.claims !== undefined && !isObject(user.claims)) {
      problem(`users[${i}].claims`, 'must be an object');
      continue;
    }
    try {
      validateUserClaims((user.claims as Record<string, unknown>) ?? {});
    } catch (err) {
      problem(`users[${i}].${(err as Error).message.split(' ')[0]}`, (err as Error).message.split(' ').slice(1).join(' '));
    }
  }
  readConnectors(config.connectors, problem);
  readLdapConnectors(config.connectors, problems);
  problems.throwIfAny();
  return config;
}

/** Each config client is validated like every other path (RFC 7591 rules); an error names clients[i]. */
function checkClients(clients: Record<string, unknown>[], limits: ValidationOptions, problems: ConfigProblems): void {
  const ids = new Set<string>();
  for (const [i, client] of clients.entries()) {
    const name = `clients[${i}]${isObject(client) && typeof client.client_id === 'string' ? ` (${client.client_id})` : ''}`;
    if (!isObject(client)) {
      problems.add(name, 'must be an object of client metadata');
      continue;
    }
    const { client_secret: secret, ...metadata } = client;
    if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0))
      problems.add(`${name}.client_secret`, 'must be a non-empty string');
    try {
      validateClientMetadata(metadata, limits);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      problems.add(name, `${err.error}: ${err.description}`);
      continue;
    }
    if (ids.has(client.client_id as string)) problems.add(name, 'client_id is declared twice');
    ids.add(client.client_id as string);
  }
}

function checkBranding(branding: Config['branding'], problems: ConfigProblems): void {
  if (!branding.productName.trim()) problems.add('branding.productName', 'must not be empty');
  for (const name of ['logoUrl', 'faviconUrl', 'stylesheetUrl'] as const) {
    const value = branding[name];
    if (value && (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)))
      problems.add(`branding.${name}`, 'must be an absolute http(s) URL');
  }
  const colour = branding.primaryColor;
  if (colour && !isHexColour(colour)) problems.add('branding.primaryColor', 'must be a colour like #3451d1 or #35d');
  else if (colour && contrastRatio(colour, '#ffffff') < MINIMUM_TEXT_CONTRAST) {
    const ratio = contrastRatio(colour, '#ffffff').toFixed(2);
    problems.add('branding.primaryColor', `is too light: white text on it has a contrast of ${ratio}:1, WCAG AA needs 4.5:1`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkIssuer(issuer: string, problems: ConfigProblems): string {
  if (!URL.canParse(issuer)) {
    problems.add('issuer', `${JSON.stringify(issuer)} is not an absolute URL`);
    return issuer;
  }
  const url = new URL(issuer);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.add('issuer', 'must be an http(s) URL');
  // OIDC Discovery §3 / RFC 8414 §2: no query or fragment.
  else if (url.search || url.hash || issuer.includes('#') || issuer.includes('?'))
    problems.add('issuer', 'must not have a query or fragment');
  return issuer.replace(/\/+$/, '');
}

function checkTypes(value: Record<string, unknown>, shape: Record<string, unknown>, prefix: string, problems: ConfigProblems): void {
  for (const [key, expected] of Object.entries(shape)) {
    const path = prefix + key;
    const actual = value[key];
    let wrong: string | undefined;
    if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
      if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) wrong = 'must be an object';
      else checkTypes(actual as Record<string, unknown>, expected as Record<string, unknown>, `${path}.`, problems);
    } else if (Array.isArray(expected)) {
      if (!Array.isArray(actual)) wrong = 'must be an array';
    } else if (typeof actual !== typeof expected) {
      wrong = `must be a ${typeof expected}, got ${actual === null ? 'null' : typeof actual}`;
    }
    if (wrong) {
      problems.add(path, wrong);
      value[key] = structuredClone(expected);
    }
  }
}
