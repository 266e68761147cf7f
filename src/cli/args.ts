import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A CLI mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

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
