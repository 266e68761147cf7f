import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A CLI mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** A command that could not do its job (no such client, bad metadata, ...): exit code 1. */
export class CommandError extends Error {}

export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Everything on standard input (for --password-stdin). */
  readStdin?: () => Promise<string>;
}

export type Command = (argv: string[], io: CommandIO) => Promise<number>;

/** Parses flags strictly: an unknown flag is a UsageError that names it. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Flags every command that touches the database accepts. */
export const CONFIG_FLAGS = {
  config: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
} as const;

/** The help lines of CONFIG_FLAGS, shared by every subcommand's usage text. */
export const CONFIG_FLAGS_HELP = `  -c, --config FILE   config file (default: $TESSERA_CONFIG); same settings and environment as serve
                      (with no config file, DATABASE_URL or TESSERA_SECRET, or with TESSERA_DEV=true:
                      the dev-mode database and secret in ./data, as npm start; with a config file
                      or DATABASE_URL, TESSERA_SECRET is required)
      --json          machine-readable JSON output
  -h, --help          this help`;

/** Exactly `count` positional arguments, named in the error when missing or extra. */
export function positionals(values: string[], names: string[]): string[] {
  if (values.length < names.length) throw new UsageError(`missing ${names.slice(values.length).join(', ')}`);
  if (values.length > names.length) throw new UsageError(`unexpected argument ${values[names.length]}`);
  return values;
}

/** Parses a JSON object given on the command line, naming the flag when it is not one. */
export function jsonObjectFlag(flag: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${flag} is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${flag} must be a JSON object`);
  return value as Record<string, unknown>;
}

export interface Subcommand {
  summary: string;
  run: Command;
}

/** A command made of subcommands (`tessera clients create ...`), with help at each level. */
export function commandGroup(name: string, subcommands: Record<string, Subcommand>): Command {
  const help = () => {
    const width = Math.max(...Object.keys(subcommands).map((n) => n.length));
    return [
      `Usage: tessera ${name} <subcommand> [options]`,
      '',
      'Subcommands:',
      ...Object.entries(subcommands).map(([sub, s]) => `  ${sub.padEnd(width)}  ${s.summary}`),
      '',
      `Run \`tessera ${name} <subcommand> --help\` for the options of each.`,
    ].join('\n');
  };
  return async (argv, io) => {
    const [sub, ...rest] = argv;
    if (sub === '--help' || sub === '-h' || sub === 'help') {
      io.out(help());
      return 0;
    }
    if (!sub) throw new UsageError(`missing subcommand (${Object.keys(subcommands).join(', ')})`);
    const subcommand = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
    if (!subcommand) throw new UsageError(`unknown subcommand ${sub} (${Object.keys(subcommands).join(', ')})`);
    return subcommand.run(rest, io);
  };
}

/** Reads all of standard input (a piped password); the trailing newline is not part of it. */
export async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A plain-text table: one header row, columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Epoch seconds as an ISO timestamp without milliseconds, or '-' for none. */
export function isoTime(seconds: number | null | undefined): string {
  return seconds ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : '-';
}
