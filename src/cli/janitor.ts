import { CONFIG_FLAGS, CONFIG_FLAGS_HELP, parseFlags, positionals, table, type CommandIO } from './args.js';
import { withServices } from './open-services.js';

export const JANITOR_HELP = `Usage: tessera janitor [--json]

Deletes expired codes, tokens, sessions, device codes, replay records, rate-limit counters,
retired signing keys past their publication period and audit events past
janitor.auditRetentionDays, in batches of janitor.batchSize rows. Safe while servers run.
tessera serve already does this every janitor.interval seconds; run this from cron if you set it to 0.

${CONFIG_FLAGS_HELP}`;

/** `tessera janitor`: one purge of expired rows. */
export async function janitorCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) {
    io.out(JANITOR_HELP);
    return 0;
  }
  positionals(rest, []);
  return withServices(values.config, io, async (services) => {
    const report = await services.janitor.runOnce();
    io.out(
      values.json
        ? JSON.stringify(report)
        : table(
            ['TABLE', 'DELETED'],
            Object.entries(report).map(([name, n]) => [name, String(n)]),
          ),
    );
    return 0;
  });
}
