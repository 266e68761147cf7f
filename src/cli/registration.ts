import { CONFIG_FLAGS, CONFIG_FLAGS_HELP, UsageError, commandGroup, isoTime, parseFlags, positionals, type CommandIO } from './args.js';
import { withServices } from './open-services.js';

const CREATE_HELP = `Usage: tessera registration tokens create [--expires-in SECONDS] [--description TEXT] [--json]

Creates an initial access token for the registration endpoint (RFC 7591 §3). Give it to
whoever may register clients: they send it as "Authorization: Bearer <token>" to POST /reg.
It works for any number of registrations until it expires. The token is printed once;
only its hash is stored.

      --expires-in N      lifetime in seconds (default: never expires)
      --description TEXT  a note for yourself: who the token is for
${CONFIG_FLAGS_HELP}`;

async function createToken(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, {
    ...CONFIG_FLAGS,
    'expires-in': { type: 'string' },
    description: { type: 'string' },
  });
  if (values.help) {
    io.out(CREATE_HELP);
    return 0;
  }
  positionals(rest, []);
  let expiresIn: number | undefined;
  if (values['expires-in'] !== undefined) {
    expiresIn = Number(values['expires-in']);
    if (!/^\d+$/.test(values['expires-in']) || expiresIn <= 0)
      throw new UsageError(`--expires-in must be a positive whole number of seconds, got ${values['expires-in']}`);
  }
  return withServices(values.config, io, async (services) => {
    const { token, expiresAt } = await services.initialAccessTokens.issue({ expiresIn, description: values.description });
    if (values.json) {
      io.out(
        JSON.stringify({ initial_access_token: token, expires_at: expiresAt, registration_endpoint: `${services.config.issuer}/reg` }),
      );
    } else {
      io.out(token);
      io.err(`initial access token for ${services.config.issuer}/reg, expires: ${expiresAt ? isoTime(expiresAt) : 'never'} (shown once)`);
    }
    return 0;
  });
}

/** `tessera registration ...`: what the operator controls of dynamic client registration. */
export const registrationCommand = commandGroup('registration', {
  tokens: {
    summary: 'initial access tokens for the registration endpoint',
    run: commandGroup('registration tokens', {
      create: { summary: 'create an initial access token (printed once)', run: createToken },
    }),
  },
});
