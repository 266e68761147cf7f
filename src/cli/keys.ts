import { isSigningAlgorithm, SIGNING_ALGORITHMS, type SigningAlgorithm } from '../jose/algorithms.js';
import type { KeyInfo } from '../keys/key-set.js';
import {
  CONFIG_FLAGS,
  CONFIG_FLAGS_HELP,
  UsageError,
  commandGroup,
  isoTime,
  parseFlags,
  positionals,
  table,
  type CommandIO,
} from './args.js';
import { withServices } from './open-services.js';

/** `tessera keys ...`: the signing keys every server process shares through the database. */
export const keysCommand = commandGroup('keys', {
  list: { summary: 'list the signing keys and which ones sign', run: listKeys },
  rotate: { summary: 'add a new signing key; the previous one stays published until its tokens expire', run: rotateKeys },
});

const LIST_HELP = `Usage: tessera keys list [--json]

Shows every stored key: kid, algorithm, creation time (when it starts signing), when it was
retired and until when it stays in the JWKS, and whether it signs new tokens now (active).
Private parts are never shown.

${CONFIG_FLAGS_HELP}`;

async function listKeys(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, LIST_HELP);
  positionals(rest, []);
  return withServices(values.config, io, async (services) => {
    const keys = await services.keys.describe();
    io.out(values.json ? JSON.stringify(keys.map(toJson)) : keyTable(keys));
    return 0;
  });
}

const ROTATE_HELP = `Usage: tessera keys rotate [--alg ${SIGNING_ALGORITHMS.join('|')}] [--json]

Adds a new key for the algorithm (default: the configured keys.algorithm). It is published
in the JWKS at once and signs after keys.refreshInterval seconds, once every running server
has reloaded the key set (its CREATED time in keys list is that moment). The previous key
signs until then, and stays in the JWKS until every token it signed has expired.

      --alg ALG           one of ${SIGNING_ALGORITHMS.join(', ')}
${CONFIG_FLAGS_HELP}`;

async function rotateKeys(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, { ...CONFIG_FLAGS, alg: { type: 'string' } });
  if (values.help) return help(io, ROTATE_HELP);
  positionals(rest, []);
  if (values.alg !== undefined && !isSigningAlgorithm(values.alg)) {
    throw new UsageError(`--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}, got ${values.alg}`);
  }
  return withServices(values.config, io, async (services) => {
    const { kid, signsFrom, retired } = await services.keys.rotate(values.alg as SigningAlgorithm | undefined);
    const alg = values.alg ?? services.keys.defaultAlgorithm;
    if (values.json) io.out(JSON.stringify({ kid, alg, signs_from: signsFrom, retired: retired.map(toJson) }));
    else {
      io.out(`new ${alg} signing key ${kid}: published now, signs from ${isoTime(signsFrom)}`);
      for (const old of retired) io.out(`retired ${old.kid}: stays in the JWKS until ${isoTime(old.expiresAt)}`);
    }
    return 0;
  });
}

function keyTable(keys: KeyInfo[]): string {
  if (keys.length === 0) return 'no keys';
  const rows = keys.map((k) => [k.kid, k.alg, isoTime(k.createdAt), isoTime(k.retiredAt), isoTime(k.expiresAt), k.active ? 'yes' : 'no']);
  return table(['KID', 'ALG', 'CREATED', 'RETIRED', 'PUBLISHED_UNTIL', 'ACTIVE'], rows);
}

function toJson(key: KeyInfo): Record<string, unknown> {
  return {
    kid: key.kid,
    alg: key.alg,
    created_at: key.createdAt,
    retired_at: key.retiredAt,
    expires_at: key.expiresAt,
    active: key.active,
  };
}

function help(io: CommandIO, text: string): number {
  io.out(text);
  return 0;
}
