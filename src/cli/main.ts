import { ConfigError } from '../config/config-error.js';
import { OAuthError } from '../http/oauth-errors.js';
import { UsageError, type CommandIO } from './args.js';
import { serveCommand } from './serve.js';
import { migrateCommand } from './migrate.js';

type Command = (argv: string[], io: CommandIO) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  serve: { run: serveCommand, summary: 'start the provider' },
  migrate: { run: migrateCommand, summary: 'bring the database schema up to date' },
};

export function registerCommand(name: string, run: Command, summary: string): void {
  COMMANDS[name] = { run, summary };
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'Usage: tessera <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `tessera <command> --help` for the options of each.',
  ].join('\n');
}

/** Entry point of the `tessera` command. Returns the exit code (or -1 for a server that keeps running). */
export async function run(argv: string[], io: CommandIO = defaultIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`tessera: unknown command ${name}\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`tessera ${name}: ${err.message} (see tessera ${name} --help)`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof TypeError || err instanceof OAuthError) {
      io.err(`tessera ${name}: ${err instanceof OAuthError ? `${err.error}: ${err.description}` : err.message}`);
      return 1;
    }
    throw err;
  }
}

const defaultIO: CommandIO = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
};

export async function main(argv: string[]): Promise<void> {
  const code = await run(argv);
  if (code >= 0) process.exitCode = code;
}
