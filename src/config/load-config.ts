import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { defaults, type Config } from './defaults.js';
import { ConfigError, ConfigProblems } from './config-error.js';
import { didYouMean } from './did-you-mean.js';
import { validateConfig } from './validate-config.js';

export type { Config };

const require = createRequire(import.meta.url);

/** The YAML parser is loaded only for a YAML config file (docs/decisions.md#lazy-modules). */
function parseYaml(text: string): unknown {
  return (require('yaml') as typeof Yaml).parse(text);
}

/** Well-known variables that predate the TESSERA_* naming. */
const SHORT_ENV: Record<string, string> = {
  port: 'PORT',
  host: 'HOST',
  issuer: 'TESSERA_ISSUER',
  databaseUrl: 'DATABASE_URL',
  secret: 'TESSERA_SECRET',
  redisUrl: 'REDIS_URL',
  logLevel: 'LOG_LEVEL',
  'log.format': 'LOG_FORMAT',
};

export interface LoadOptions {
  /** Path of a JSON or YAML config file; default: env TESSERA_CONFIG, else none. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Settings that win over file and environment (used by CLI flags and tests). */
  overrides?: Partial<Record<string, unknown>>;
}

/**
 * Builds the one typed config: defaults ← file ← environment ← overrides, then validates it.
 * Every problem found (unknown settings, unknown TESSERA_* variables, bad values) is reported
 * in one ConfigError, so an operator fixes them in one round.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.TESSERA_CONFIG;
  const merged = structuredClone(defaults) as Record<string, unknown>;
  const problems = new ConfigProblems();
  const sources = new Map<string, string>();
  if (file) mergeInto(merged, readConfigFile(file), '', problems, (path) => sources.set(path, `${path} in ${file}`));
  checkEnvironmentNames(env, problems);
  applyEnvironment(merged, env, problems, (path, name) => sources.set(path, name));
  if (options.overrides) mergeInto(merged, options.overrides as Record<string, unknown>, '', problems, (path) => sources.delete(path));
  const config = validateConfig(merged, problems);
  settingSources.set(config, sources);
  return config;
}

const settingSources = new WeakMap<Config, Map<string, string>>();

/**
 * Where a setting's value came from, to name in messages: its environment variable, the
 * config file, or else the setting's name (a default or a command-line flag).
 */
export function settingSource(config: Config, path: string): string {
  return settingSources.get(config)?.get(path) ?? path;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('file', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    const ext = extname(file).toLowerCase();
    const parsed: unknown = ext === '.yaml' || ext === '.yml' ? parseYaml(text) : JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error('the top level must be an object');
    }
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError('file', `${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(err as Error).message}`);
  }
}

/** Copies `source` over `target`, refusing settings that do not exist (catches typos). */
function mergeInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  prefix: string,
  problems: ConfigProblems,
  took: (path: string) => void,
): void {
  for (const [key, value] of Object.entries(source)) {
    const path = prefix + key;
    // Own keys only: `constructor` or `__proto__` in a file must not pass as settings.
    if (!Object.hasOwn(target, key)) {
      problems.add(path, `unknown setting${didYouMean(key, Object.keys(target), (known) => prefix + known)}`);
      continue;
    }
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) mergeInto(current, value, `${path}.`, problems, took);
    else {
      target[key] = value;
      took(path);
    }
  }
}

/** Every setting can come from the environment: `ttl.accessToken` → TESSERA_TTL_ACCESS_TOKEN. */
export function envName(path: string): string {
  return (
    SHORT_ENV[path] ??
    'TESSERA_' +
      path
        .replace(/\./g, '_')
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toUpperCase()
  );
}

function applyEnvironment(
  target: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblems,
  took: (path: string, name: string) => void,
  prefix = '',
): void {
  for (const [key, current] of Object.entries(target)) {
    const path = prefix + key;
    if (isPlainObject(current)) {
      applyEnvironment(current, env, problems, took, `${path}.`);
      continue;
    }
    const name = envNames(path).find((n) => env[n] !== undefined && env[n] !== '');
    if (!name) continue;
    try {
      target[key] = parseEnvValue(path, name, env[name] as string, current);
      took(path, name);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.add(err.setting, err.problems[0].message);
    }
  }
}

/** The variables a setting is read from: its own name, and for the short ones the TESSERA_ form too. */
function envNames(path: string): string[] {
  const names = [envName(path)];
  if (SHORT_ENV[path])
    names.push(
      'TESSERA_' +
        path
          .replace(/\./g, '_')
          .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
          .toUpperCase(),
    );
  return names;
}

/** Variables Tessera reads that are not settings. */
const OTHER_ENV = ['TESSERA_CONFIG'];

/**
 * A TESSERA_* variable that names no setting but is close to one is a typo the operator wants to
 * hear about. One that resembles no setting is left alone: the environment is shared with other
 * tools (a CI's cache folder, an example app's TESSERA_URL), and a name that was harmless in one
 * release must not stop the server in the next.
 */
function checkEnvironmentNames(env: NodeJS.ProcessEnv, problems: ConfigProblems): void {
  const known = new Set([...OTHER_ENV, ...settingPaths(defaults).flatMap(envNames)].filter((n) => n.startsWith('TESSERA_')));
  const suffixes = [...known].map((n) => n.slice('TESSERA_'.length));
  for (const name of Object.keys(env)) {
    if (!name.startsWith('TESSERA_') || known.has(name)) continue;
    const suggestion = didYouMean(name.slice('TESSERA_'.length), suffixes, (s) => `TESSERA_${s}`);
    if (suggestion !== '') problems.add(name, `unknown environment variable${suggestion}`);
  }
}

/** Every leaf setting's path (`ttl.accessToken`). */
function settingPaths(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, v]) => (isPlainObject(v) ? settingPaths(v, `${prefix}${key}.`) : [prefix + key]));
}

function parseEnvValue(path: string, name: string, raw: string, current: unknown): unknown {
  if (typeof current === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new ConfigError(path, `${name}=${JSON.stringify(raw)} is not a number`);
    return n;
  }
  if (typeof current === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(path, `${name}=${JSON.stringify(raw)} is not a boolean (true/false)`);
  }
  if (Array.isArray(current)) {
    if (raw.trim().startsWith('[')) {
      try {
        return JSON.parse(raw);
      } catch {
        throw new ConfigError(path, `${name} is not a JSON array`);
      }
    }
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return raw;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
