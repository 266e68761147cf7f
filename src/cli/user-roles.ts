import { ADMIN_ROLE } from '../rules/admin-scopes.js';
import { CONFIG_FLAGS, CONFIG_FLAGS_HELP, CommandError, parseFlags, positionals, type CommandIO } from './args.js';
import { withServices } from './open-services.js';

const GRANT_HELP = `Usage: tessera users grant-admin <username> [--json]

Gives the user the admin role: through the admin console (or any app an operator allowed the
admin scopes, admin_scopes) they may then be granted admin:read and admin:write, the scopes of
the admin API (docs/admin-api.md). This is how the first administrator is made.

${CONFIG_FLAGS_HELP}`;

const REVOKE_HELP = `Usage: tessera users revoke-admin <username> [--json]

Takes the admin role away. Admin API tokens the person holds stop working at once: the API
checks the role on every call.

${CONFIG_FLAGS_HELP}`;

export const grantAdmin = (argv: string[], io: CommandIO) => changeAdminRole(argv, io, true);
export const revokeAdmin = (argv: string[], io: CommandIO) => changeAdminRole(argv, io, false);

/** `tessera users grant-admin|revoke-admin USER`: the admin role, set directly in the database. */
async function changeAdminRole(argv: string[], io: CommandIO, admin: boolean): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) {
    io.out(admin ? GRANT_HELP : REVOKE_HELP);
    return 0;
  }
  const [username] = positionals(rest, ['username']);
  return withServices(values.config, io, async (services) => {
    const user = await services.users.findByUsername(username);
    if (!user) throw new CommandError(`no user ${username}`);
    const roles = admin ? [...user.roles, ADMIN_ROLE] : user.roles.filter((role) => role !== ADMIN_ROLE);
    await services.users.setRoles(user.id, roles);
    if (user.roles.includes(ADMIN_ROLE) !== admin)
      await services.audit.record({ type: 'user.roles_changed', userId: user.id, actor: 'cli', detail: { before: user.roles, roles } });
    io.out(values.json ? JSON.stringify({ username, admin }) : `${username} ${admin ? 'holds' : 'no longer holds'} the admin role`);
    return 0;
  });
}
