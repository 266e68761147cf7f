import type { User } from '../accounts/user.js';
import {
  CONFIG_FLAGS,
  CONFIG_FLAGS_HELP,
  CommandError,
  UsageError,
  commandGroup,
  isoTime,
  jsonObjectFlag,
  parseFlags,
  positionals,
  readProcessStdin,
  table,
  type CommandIO,
} from './args.js';
import { withServices } from './open-services.js';
import { changePassword } from '../accounts/change-password.js';
import { disableUser, enableUser } from '../accounts/disable-user.js';
import { endUserSessions } from '../accounts/end-user-sessions.js';
import type { Services } from '../app/create-services.js';
import { grantAdmin, revokeAdmin } from './user-roles.js';

/** `tessera users ...`: the people who sign in. Passwords are stored as argon2id only. */
export const usersCommand = commandGroup('users', {
  create: { summary: 'create a user with a password and claims', run: createUser },
  list: { summary: 'list the users', run: listUsers },
  delete: { summary: 'delete a user', run: deleteUser },
  'set-password': { summary: "change a user's password", run: setPassword },
  mfa: {
    summary: "manage a user's second factors (reset)",
    run: commandGroup('users mfa', { reset: { summary: 'remove every second factor of a user (a lost phone or key)', run: resetMfa } }),
  },
  sessions: { summary: "list or end a user's browser sessions (sessions list|revoke)", run: (argv, io) => sessionsCommand(argv, io) },
  disable: { summary: 'stop a user from signing in and end their sessions and tokens', run: disable },
  enable: { summary: 'let a disabled user sign in again', run: enable },
  'grant-admin': { summary: 'give a user the admin role (the admin API and console)', run: grantAdmin },
  'revoke-admin': { summary: 'take the admin role away from a user', run: revokeAdmin },
});

const sessionsCommand = commandGroup('users sessions', {
  list: { summary: "list a user's live browser sessions", run: listSessions },
  revoke: { summary: 'end every browser session of a user, with the tokens that end with them', run: revokeSessions },
});

const MFA_RESET_HELP = `Usage: tessera users mfa reset <username> [--json]

Removes every second factor of the user: the authenticator app (TOTP), the recovery codes and
the passkeys. They sign in with their password alone and can set up new factors at
/account/security (or must, where mfa.requiredForAll or a client's require_mfa asks for them).
Their open sessions are left as they are; end them with \`tessera users set-password\` if the
account may be in other hands.

${CONFIG_FLAGS_HELP}`;

async function resetMfa(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, MFA_RESET_HELP);
  const [username] = positionals(rest, ['username']);
  return withServices(values.config, io, async (services) => {
    const user = await services.users.findByUsername(username);
    if (!user) throw new CommandError(`no user ${username}`);
    const removed = await services.secondFactors.resetAll(user.id);
    await services.audit.record({ type: 'mfa.reset', userId: user.id, detail: { ...removed } });
    io.out(
      values.json
        ? JSON.stringify({ username, removed: { totp: removed.totp, recovery_codes: removed.recoveryCodes, passkeys: removed.passkeys } })
        : `removed the second factors of ${username}: ${removed.totp} authenticator app, ${removed.recoveryCodes} recovery code(s), ${removed.passkeys} passkey(s)`,
    );
    return 0;
  });
}

const PASSWORD_FLAGS = {
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
} as const;

const PASSWORD_HELP = `      --password PASSWORD   the password (visible in the process list: prefer --password-stdin)
      --password-stdin      read the password from standard input (e.g. printf %s "$PW" | tessera ...)`;

const CREATE_HELP = `Usage: tessera users create <username> (--password P | --password-stdin) [--claims JSON] [--name N] [--email E]

Creates a user. Claims are OpenID Connect standard claims (OIDC Core §5.1): name, email,
email_verified, phone_number, address, ...; --name and --email win over --claims.

${PASSWORD_HELP}
      --claims JSON         claims as a JSON object, e.g. '{"name":"Ada","email":"ada@example.com"}'
      --name NAME           the name claim
      --email EMAIL         the email claim (email_verified stays as given in --claims)
${CONFIG_FLAGS_HELP}`;

async function createUser(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, {
    ...PASSWORD_FLAGS,
    ...CONFIG_FLAGS,
    claims: { type: 'string' },
    name: { type: 'string' },
    email: { type: 'string' },
  });
  if (values.help) return help(io, CREATE_HELP);
  const [username] = positionals(rest, ['username']);
  const claims = values.claims === undefined ? {} : jsonObjectFlag('--claims', values.claims);
  if (values.name !== undefined) claims.name = values.name;
  if (values.email !== undefined) claims.email = values.email;
  const password = await passwordFrom(values, io);
  return withServices(values.config, io, async (services) => {
    if (await services.users.findByUsername(username)) throw new CommandError(`user ${username} already exists (use users set-password)`);
    const user = await services.users.create(username, password, claims);
    io.out(values.json ? JSON.stringify(describe(user)) : `created user ${user.username} (sub ${user.id})`);
    return 0;
  });
}

const LIST_HELP = `Usage: tessera users list [--json]

${CONFIG_FLAGS_HELP}`;

async function listUsers(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, LIST_HELP);
  positionals(rest, []);
  return withServices(values.config, io, async (services) => {
    const users = await services.users.list();
    if (values.json) io.out(JSON.stringify(users.map(describe)));
    else if (users.length === 0) io.out('no users');
    else {
      const rows = users.map((u) => [
        u.username,
        u.id,
        stringClaim(u, 'name'),
        stringClaim(u, 'email'),
        isoTime(u.createdAt),
        u.disabledAt === null ? '' : 'disabled',
      ]);
      io.out(table(['USERNAME', 'SUB', 'NAME', 'EMAIL', 'CREATED', 'STATUS'], rows));
    }
    return 0;
  });
}

const DELETE_HELP = `Usage: tessera users delete <username> [--json]

${CONFIG_FLAGS_HELP}`;

async function deleteUser(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, DELETE_HELP);
  const [username] = positionals(rest, ['username']);
  return withServices(values.config, io, async (services) => {
    if (!(await services.users.delete(username))) throw new CommandError(`no user ${username}`);
    io.out(values.json ? JSON.stringify({ deleted: username }) : `deleted user ${username}`);
    return 0;
  });
}

const SET_PASSWORD_HELP = `Usage: tessera users set-password <username> (--password P | --password-stdin) [--json]

Changes the password. Unless passwordChange.revokeSessionsAndTokens is false, it also ends every
browser session of the user and revokes all their grants (refresh and access tokens).

${PASSWORD_HELP}
${CONFIG_FLAGS_HELP}`;

async function setPassword(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, { ...PASSWORD_FLAGS, ...CONFIG_FLAGS });
  if (values.help) return help(io, SET_PASSWORD_HELP);
  const [username] = positionals(rest, ['username']);
  const password = await passwordFrom(values, io);
  return withServices(values.config, io, async (services) => {
    const changed = await changePassword(services, username, password);
    if (!changed) throw new CommandError(`no user ${username}`);
    const revoked = changed.revokedTokens ? `; ended ${changed.endedSessions} session(s) and revoked every grant and refresh token` : '';
    io.out(
      values.json
        ? JSON.stringify({ username, password_changed: true, sessions_ended: changed.endedSessions, tokens_revoked: changed.revokedTokens })
        : `changed the password of ${username}${revoked}`,
    );
    return 0;
  });
}

const SESSIONS_LIST_HELP = `Usage: tessera users sessions list <username> [--json]

Lists the user's live browser sessions: browser (User-Agent), address, sign-in time, last seen.

${CONFIG_FLAGS_HELP}`;

async function listSessions(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, SESSIONS_LIST_HELP);
  const [username] = positionals(rest, ['username']);
  return withServices(values.config, io, async (services) => {
    const user = await existingUser(services, username);
    const sessions = await services.sessions.listOfUser(user.id);
    if (values.json)
      io.out(
        JSON.stringify(
          sessions.map((s) => ({
            sid: s.sid,
            user_agent: s.userAgent,
            address: s.address,
            auth_time: s.authTime,
            last_seen_at: s.lastSeenAt,
          })),
        ),
      );
    else if (sessions.length === 0) io.out(`${username} has no live sessions`);
    else
      io.out(
        table(
          ['SID', 'ADDRESS', 'SIGNED IN', 'LAST SEEN', 'USER AGENT'],
          sessions.map((s) => [s.sid, s.address ?? '', isoTime(s.authTime), isoTime(s.lastSeenAt), s.userAgent ?? '']),
        ),
      );
    return 0;
  });
}

const SESSIONS_REVOKE_HELP = `Usage: tessera users sessions revoke <username> [--json]

Ends every browser session of the user, on every browser: their cookies stop working at once,
on every instance (no running server needed; it works on the database). The tokens of each
session end with it, as at logout: the grants made in it, with their refresh and access tokens,
are revoked, except those with offline_access, which are meant to outlive a session (to revoke
those too, use users disable, or users set-password).

${CONFIG_FLAGS_HELP}`;

async function revokeSessions(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, SESSIONS_REVOKE_HELP);
  const [username] = positionals(rest, ['username']);
  return withServices(values.config, io, async (services) => {
    const user = await existingUser(services, username);
    const ended = await endUserSessions(services, user.id, {}, { actor: 'operator' });
    io.out(values.json ? JSON.stringify({ username, sessions_ended: ended.length }) : `ended ${ended.length} session(s) of ${username}`);
    return 0;
  });
}

const DISABLE_HELP = `Usage: tessera users disable <username> [--json]

Disables the user: signing in is refused ("This account is disabled"), every browser session
ends, and every grant is revoked with its refresh and access tokens (offline_access too).
Userinfo, introspection and the token endpoint refuse the user's tokens while disabled.
Works on the database: no running server needed. Undo with users enable.

${CONFIG_FLAGS_HELP}`;

async function disable(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, DISABLE_HELP);
  const [username] = positionals(rest, ['username']);
  return withServices(values.config, io, async (services) => {
    const disabled = await disableUser(services, username);
    if (!disabled) throw new CommandError(`no user ${username}`);
    io.out(
      values.json
        ? JSON.stringify({ username, disabled: true, sessions_ended: disabled.endedSessions, tokens_revoked: true })
        : `disabled ${username}; ended ${disabled.endedSessions} session(s) and revoked every grant, refresh and access token`,
    );
    return 0;
  });
}

const ENABLE_HELP = `Usage: tessera users enable <username> [--json]

Lets a disabled user sign in again. What disabling ended stays ended: the person signs in
afresh and apps ask again.

${CONFIG_FLAGS_HELP}`;

async function enable(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, ENABLE_HELP);
  const [username] = positionals(rest, ['username']);
  return withServices(values.config, io, async (services) => {
    if (!(await enableUser(services, username))) throw new CommandError(`no user ${username}`);
    io.out(values.json ? JSON.stringify({ username, disabled: false }) : `enabled ${username}`);
    return 0;
  });
}

async function existingUser(services: Services, username: string): Promise<User> {
  const user = await services.users.findByUsername(username);
  if (!user) throw new CommandError(`no user ${username}`);
  return user;
}

async function passwordFrom(values: { password?: string; 'password-stdin'?: boolean }, io: CommandIO): Promise<string> {
  if (values.password !== undefined && values['password-stdin'])
    throw new UsageError('give either --password or --password-stdin, not both');
  if (values.password !== undefined) return values.password;
  if (values['password-stdin']) return (io.readStdin ?? readProcessStdin)();
  throw new UsageError('missing --password or --password-stdin');
}

/** A string claim (name, email: validated as strings when stored), or '' when absent. */
function stringClaim(user: User, name: string): string {
  const value = user.claims[name];
  return typeof value === 'string' ? value : '';
}

function describe(user: User): Record<string, unknown> {
  return { sub: user.id, username: user.username, claims: user.claims, created_at: user.createdAt, disabled: user.disabledAt !== null };
}

function help(io: CommandIO, text: string): number {
  io.out(text);
  return 0;
}
