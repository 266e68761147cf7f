import { CONFIG_FLAGS, CONFIG_FLAGS_HELP, UsageError, isoTime, parseFlags, positionals, table, type CommandIO } from './args.js';
import { withServices } from './open-services.js';
import type { AuditRecord } from '../storage/ports.js';

export const AUDIT_HELP = `Usage: tessera audit [--since WHEN] [--type TYPE] [--user USER] [--client ID] [--limit N] [--json]

Shows the security audit trail, newest first: sign-ins, consent, tokens issued and revoked,
code and refresh-token reuse, client and key changes. It never holds a secret.

      --since WHEN    events at or after WHEN: an ISO time (2026-01-31T12:00Z) or an age (30m, 12h, 7d)
      --type TYPE     one type (signin.failure) or a family (signin.*)
      --user USER     a user id or username
      --client ID     a client_id
      --limit N       at most N events (default 50)
${CONFIG_FLAGS_HELP}`;

/** `tessera audit`: reads the audit trail every instance writes to the shared database. */
export async function auditCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, {
    ...CONFIG_FLAGS,
    since: { type: 'string' },
    type: { type: 'string' },
    user: { type: 'string' },
    client: { type: 'string' },
    limit: { type: 'string' },
  });
  if (values.help) {
    io.out(AUDIT_HELP);
    return 0;
  }
  positionals(rest, []);
  const since = values.since === undefined ? undefined : parseSince(values.since);
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive whole number, got ${values.limit}`);
  return withServices(values.config, io, async (services) => {
    const user = values.user ? ((await services.users.findByUsername(values.user))?.id ?? values.user) : undefined;
    const events = await services.audit.list({ since, type: values.type, userId: user, clientId: values.client, limit });
    io.out(values.json ? JSON.stringify(events) : eventTable(events));
    return 0;
  });
}

/** An ISO time, or an age such as 30m / 12h / 7d, as epoch seconds. */
function parseSince(text: string): number {
  const age = /^(\d+)([smhd])$/.exec(text);
  if (age) return Math.floor(Date.now() / 1000) - Number(age[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[age[2] as 's' | 'm' | 'h' | 'd'];
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new UsageError(`--since must be an ISO time or an age like 30m, 12h, 7d; got ${text}`);
  return Math.floor(time / 1000);
}

function eventTable(events: AuditRecord[]): string {
  if (events.length === 0) return 'no events';
  return table(
    ['AT', 'TYPE', 'USER', 'CLIENT', 'ADDRESS', 'DETAIL'],
    events.map((e) => [
      isoTime(e.at),
      e.type,
      e.userId ?? '-',
      e.clientId ?? '-',
      e.address ?? '-',
      e.detail ? JSON.stringify(e.detail) : '',
    ]),
  );
}
