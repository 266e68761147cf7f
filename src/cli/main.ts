import { pathToFileURL } from 'node:url';
import { ConfigError } from '../config/config-error.js';
import { OAuthError } from '../protocol/oauth-errors.js';
import { CommandError, UsageError, readProcessStdin, type Command, type CommandIO } from './args.js';
import { serveCommand } from './serve.js';
import { auditCommand } from './audit.js';
import { janitorCommand } from './janitor.js';
import { migrateCommand } from './migrate.js';
import { clientsCommand } from './clients.js';
import { usersCommand } from './users.js';
import { keysCommand } from './keys.js';
import { registrationCommand } from './registration.js';
import { adminTokenCommand } from './admin-token.js';
import { packageVersion } from './version.js';

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  serve: { run: serveCommand, summary: 'start the provider' },
  migrate: { run: migrateCommand, summary: 'bring the database schema up to date' },
  audit: { run: auditCommand, summary: 'show the security audit trail' },
  janitor: { run: janitorCommand, summary: 'purge expired codes, tokens, sessions and counters' },
  clients: { run: clientsCommand, summary: 'create, list, show, update and delete clients' },
  users: { run: usersCommand, summary: 'create, list and delete users, set their passwords, end their sessions, disable them' },
  keys: { run: keysCommand, summary: 'list and rotate the signing keys' },
  registration: { run: registrationCommand, summary: 'initial access tokens for dynamic client registration' },
  'admin-token': { run: adminTokenCommand, summary: 'mint a short-lived access token for the admin API' },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'Usage: tessera <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `tessera <command> --help` for the options of each; `tessera --version` prints the version.',
  ].join('\n');
}

/** Entry point of the `tessera` command. Returns the exit code (or -1 for a server that keeps running). */
export async function run(argv: string[], io: CommandIO = defaultIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    io.err(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return 0;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    io.out(`tessera ${packageVersion()}`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
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
    if (err instanceof ConfigError || err instanceof CommandError || err instanceof TypeError || err instanceof OAuthError) {
      io.err(`tessera ${name}: ${err instanceof OAuthError ? `${err.error}: ${err.description}` : err.message}`);
      return 1;
    }
    throw err;
  }
}

const defaultIO: CommandIO = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
  readStdin: readProcessStdin,
};

export async function main(argv: string[]): Promise<void> {
  let code: number;
  try {
    code = await run(argv);
  } catch (err) {
    // Anything else (a database that does not answer, ...): the message, no stack trace.
    defaultIO.err(`tessera ${argv[0]}: ${err instanceof Error ? err.message : String(err)}`);
    code = 1;
  }
  if (code >= 0) process.exitCode = code;
}

// Run directly (`tsx src/cli/main.ts ...`, `npm run dev`); bin/tessera.js calls main() itself.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main(process.argv.slice(2));
