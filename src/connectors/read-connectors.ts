import { didYouMean } from '../config/did-you-mean.js';
import { PRESETS } from './connector-presets.js';
import { STANDARD_MAPPING, type ClaimMapping, type ConnectorSettings } from './connector-settings.js';

const COMMON_KEYS = [
  'id',
  'type',
  'name',
  'clientId',
  'clientSecret',
  'clientSecretEnv',
  'scopes',
  'claims',
  'provision',
  'storeTokens',
  'upstreamAmr',
  'domains',
];
const OIDC_KEYS = ['issuer', 'userinfo'];
const OAUTH2_KEYS = ['authorizationUrl', 'tokenUrl', 'userUrl', 'emailsUrl'];
/** Types another part of Tessera reads (LDAP: its own connector); left alone here, but their ids stay unique. */
const OTHER_TYPES = ['ldap'];
const TYPES = ['oidc', 'oauth2', ...Object.keys(PRESETS)];

export type Problem = (setting: string, message: string) => void;

/**
 * The `connectors` setting, checked and with presets applied: every problem goes to `problem`
 * under its path (`connectors[1] (corp).issuer`), so startup names them all. Entries of other
 * types (ldap) are skipped.
 */
export function readConnectors(raw: unknown[], problem: Problem): ConnectorSettings[] {
  const ids = new Set<string>();
  const read: ConnectorSettings[] = [];
  for (const [i, entry] of raw.entries()) {
    if (!isObject(entry)) {
      problem(`connectors[${i}]`, 'must be an object: { id, type, name, ... } (docs/connectors.md)');
      continue;
    }
    const at = `connectors[${i}]${typeof entry.id === 'string' ? ` (${entry.id})` : ''}`;
    if (typeof entry.id !== 'string' || !/^[a-z0-9-]{1,40}$/.test(entry.id)) problem(`${at}.id`, 'is required: 1 to 40 of a-z 0-9 -');
    else if (ids.has(entry.id)) problem(`${at}.id`, 'is declared twice');
    else ids.add(entry.id);
    if (typeof entry.type !== 'string' || ![...TYPES, ...OTHER_TYPES].includes(entry.type)) {
      problem(`${at}.type`, `must be one of ${[...TYPES, ...OTHER_TYPES].join(', ')}${didYouMean(String(entry.type), TYPES)}`);
      continue;
    }
    if (OTHER_TYPES.includes(entry.type)) continue;
    const settings = readOne(entry, at, problem);
    if (settings) read.push(settings);
  }
  return read;
}

function readOne(entry: Record<string, unknown>, at: string, problem: Problem): ConnectorSettings | undefined {
  const type = entry.type as string;
  const preset = PRESETS[type];
  const protocol = preset?.protocol ?? (type as 'oidc' | 'oauth2');
  const allowed = [...COMMON_KEYS, ...(preset ? Object.keys(preset.options) : protocol === 'oidc' ? OIDC_KEYS : OAUTH2_KEYS)];
  if (protocol === 'oidc' && preset) allowed.push('userinfo');
  for (const key of Object.keys(entry))
    if (!allowed.includes(key)) problem(`${at}.${key}`, `is not a setting of a ${type} connector${didYouMean(key, allowed)}`);

  const text = (key: string, fallback?: string): string | undefined => {
    const value = entry[key] ?? fallback;
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') problem(`${at}.${key}`, 'must be a non-empty string');
    return typeof value === 'string' ? value : undefined;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const value = entry[key] ?? fallback;
    if (typeof value !== 'boolean') problem(`${at}.${key}`, 'must be true or false');
    return value === true;
  };
  const list = (key: string, fallback: string[]): string[] => {
    const value = entry[key] ?? fallback;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
      problem(`${at}.${key}`, 'must be a list of strings');
      return fallback;
    }
    return value as string[];
  };

  const clientId = text('clientId');
  if (!clientId) problem(`${at}.clientId`, 'is required: the client id this server has at the upstream');
  const clientSecret = text('clientSecret');
  const clientSecretEnv = text('clientSecretEnv');
  if (clientSecret && clientSecretEnv) problem(`${at}.clientSecret`, 'give clientSecret or clientSecretEnv, not both');
  if (clientSecretEnv && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(clientSecretEnv))
    problem(`${at}.clientSecretEnv`, 'must be an environment variable name');
  if (protocol === 'oauth2' && !clientSecret && !clientSecretEnv) problem(`${at}.clientSecret`, 'is required (or clientSecretEnv)');

  const options = Object.fromEntries(
    Object.entries(preset?.options ?? {}).map(([key, fallback]) => [key, text(key, fallback) ?? fallback]),
  );
  if (options.url !== undefined && !isHttpsUrl(options.url)) problem(`${at}.url`, 'must be an https URL');
  if (options.tenant !== undefined && !/^[A-Za-z0-9.-]+$/.test(options.tenant))
    problem(`${at}.tenant`, 'must be a tenant id, a domain, common, organizations or consumers');
  const endpoints = preset
    ? preset.endpoints(options)
    : {
        issuer: text('issuer'),
        authorizationUrl: text('authorizationUrl'),
        tokenUrl: text('tokenUrl'),
        userUrl: text('userUrl'),
        emailsUrl: text('emailsUrl'),
      };
  const required = protocol === 'oidc' ? (['issuer'] as const) : (['authorizationUrl', 'tokenUrl', 'userUrl'] as const);
  for (const key of required) if (!endpoints[key]) problem(`${at}.${key}`, 'is required');
  for (const [key, value] of Object.entries(endpoints))
    if (value !== undefined && !isHttpUrl(value)) problem(`${at}.${key}`, 'must be an http(s) URL without a fragment');

  const domains = list('domains', []).map((d) => d.toLowerCase());
  for (const domain of domains) if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain)) problem(`${at}.domains`, `${domain} is not a domain name`);
  const scopes = list('scopes', preset?.scopes ?? (protocol === 'oidc' ? ['openid', 'email', 'profile'] : []));
  if (protocol === 'oidc' && !scopes.includes('openid')) problem(`${at}.scopes`, 'must include openid');

  return {
    id: entry.id as string,
    protocol,
    type,
    name: text('name', preset?.name) ?? (entry.id as string),
    clientId: clientId ?? '',
    clientSecret,
    clientSecretEnv,
    scopes,
    claims: readMapping(
      entry.claims,
      preset?.claims ?? (protocol === 'oidc' ? STANDARD_MAPPING : { ...STANDARD_MAPPING, subject: 'id' }),
      at,
      problem,
    ),
    provision: flag('provision', true),
    storeTokens: flag('storeTokens', false),
    upstreamAmr: flag('upstreamAmr', false),
    domains,
    userinfo: flag('userinfo', true),
    ...endpoints,
  };
}

function readMapping(raw: unknown, base: ClaimMapping, at: string, problem: Problem): ClaimMapping {
  if (raw === undefined) return base;
  if (!isObject(raw)) {
    problem(`${at}.claims`, 'must be an object of field → upstream claim name');
    return base;
  }
  const mapping = { ...base };
  for (const [key, value] of Object.entries(raw)) {
    if (!Object.hasOwn(base, key)) problem(`${at}.claims.${key}`, `is not a mapped field${didYouMean(key, Object.keys(base))}`);
    else if (typeof value !== 'string') problem(`${at}.claims.${key}`, 'must be a claim name (a string; "" to leave it unmapped)');
    else mapping[key as keyof ClaimMapping] = value;
  }
  if (!mapping.subject) problem(`${at}.claims.subject`, 'cannot be empty: it names the stable upstream id');
  return mapping;
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol) && !value.includes('#');
}

function isHttpsUrl(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === 'https:';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
