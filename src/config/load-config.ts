import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { defaults, type Config } from './defaults.js';
import { ConfigError } from './config-error.js';
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

/** Builds the one typed config: defaults ← file ← environment ← overrides, then validates it. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const file = options.file ?? env.TESSERA_CONFIG;
  const merged = structuredClone(defaults) as Record<string, unknown>;
  if (file) mergeInto(merged, readConfigFile(file), '');
  applyEnvironment(merged, env);
  if (options.overrides) mergeInto(merged, options.overrides as Record<string, unknown>, '');
  return validateConfig(merged);
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
function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>, prefix: string): void {
  for (const [key, value] of Object.entries(source)) {
    const path = prefix + key;
    // Own keys only: `constructor` or `__proto__` in a file must not pass as settings.
    if (!Object.hasOwn(target, key)) throw new ConfigError(path, 'unknown setting');
    const current = target[key];
    if (isPlainObject(current) && isPlainObject(value)) mergeInto(current, value, `${path}.`);
    else target[key] = value;
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

function applyEnvironment(target: Record<string, unknown>, env: NodeJS.ProcessEnv, prefix = ''): void {
  for (const [key, current] of Object.entries(target)) {
    const path = prefix + key;
    if (isPlainObject(current)) {
      applyEnvironment(current, env, `${path}.`);
      continue;
    }
    const names = [envName(path)];
    if (SHORT_ENV[path])
      names.push(
        'TESSERA_' +
          path
            .replace(/\./g, '_')
            .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
            .toUpperCase(),
      );
    const name = names.find((n) => env[n] !== undefined && env[n] !== '');
    if (!name) continue;
    target[key] = parseEnvValue(path, name, env[name] as string, current);
  }
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
