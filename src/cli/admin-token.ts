import { ADMIN_CONSOLE_CLIENT_ID } from '../admin-api/console-client.js';
import { ADMIN_SCOPES, adminApiResource, isAdminScope } from '../rules/admin-scopes.js';
import { CONFIG_FLAGS, CONFIG_FLAGS_HELP, CommandError, UsageError, parseFlags, positionals, type CommandIO } from './args.js';
import { withServices } from './open-services.js';

/** Longest lifetime of a minted admin token: scripts ask again rather than hold a long-lived key. */
const MAX_TTL = 3600;

const HELP = `Usage: tessera admin-token [--scope "admin:read admin:write"] [--ttl SECONDS] [--client CLIENT_ID] [--json]

Mints a short-lived access token for the admin API (<issuer>/admin/v1) straight from the
database and the secret, without a running server, for scripts:

  TOKEN=$(tessera admin-token --scope admin:read --config tessera.yaml)
  curl -H "Authorization: Bearer $TOKEN" https://id.example.com/admin/v1/users

The token belongs to a client (default: ${ADMIN_CONSOLE_CLIENT_ID}, which Tessera registers
while adminApi.enabled is on); the API's audit trail names that client as the actor, and the
minting itself is recorded as admin_token.issued by the command line. The client must hold
the asked scopes in its admin_scopes.

      --scope "A B"        admin:read, admin:write or both (default: admin:read)
      --ttl SECONDS        lifetime, 1 to ${MAX_TTL} (default: 300)
      --client CLIENT_ID   the client the token is issued to
      --json               print {"access_token", "expires_in", "scope"} instead of the bare token
${CONFIG_FLAGS_HELP}`;

/** `tessera admin-token`: an access token for the admin API, minted directly. */
export async function adminTokenCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, {
    ...CONFIG_FLAGS,
    scope: { type: 'string' },
    ttl: { type: 'string' },
    client: { type: 'string' },
  });
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  positionals(rest, []);
  const scopes = [...new Set((values.scope ?? 'admin:read').split(' ').filter(Boolean))];
  if (scopes.length === 0 || !scopes.every(isAdminScope)) throw new UsageError(`--scope must name ${ADMIN_SCOPES.join(' and/or ')}`);
  const ttl = values.ttl === undefined ? 300 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL)
    throw new UsageError(`--ttl must be a whole number of seconds from 1 to ${MAX_TTL}`);
  const clientId = values.client ?? ADMIN_CONSOLE_CLIENT_ID;
  return withServices(values.config, io, async (services) => {
    const client = await services.clients.find(clientId);
    if (!client)
      throw new CommandError(
        `no client ${clientId}${clientId === ADMIN_CONSOLE_CLIENT_ID ? ' (start the server once with adminApi.enabled)' : ''}`,
      );
    const refused = scopes.filter((scope) => !(client.metadata.admin_scopes ?? []).includes(scope));
    if (refused.length > 0) throw new CommandError(`client ${clientId} may not be granted ${refused.join(' ')} (its admin_scopes)`);
    const audience = adminApiResource(services.config.issuer).identifier;
    const issued = await services.accessTokens.issue({ client, scope: scopes.join(' '), audience, ttl });
    await services.audit.record({
      type: 'admin_token.issued',
      clientId,
      actor: 'cli',
      detail: { jti: issued.jti, scope: issued.scope, expires_in: issued.expiresIn },
    });
    io.out(values.json ? JSON.stringify({ access_token: issued.token, expires_in: issued.expiresIn, scope: issued.scope }) : issued.token);
    return 0;
  });
}
