import { migrate, openDatabase } from '../storage/database.js';
import type { SqliteDriverChoice } from '../storage/open-sqlite.js';
import { parseFlags, positionals, CONFIG_FLAGS, CONFIG_FLAGS_HELP, type CommandIO } from './args.js';
import { loadCliConfig } from './open-services.js';

export const MIGRATE_HELP = `Usage: tessera migrate [--config FILE] [--json]

Brings the database schema up to date (serve does this too at startup).

${CONFIG_FLAGS_HELP}`;

export async function migrateCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) {
    io.out(MIGRATE_HELP);
    return 0;
  }
  positionals(rest, []);
  const config = loadCliConfig(values.config, io);
  const db = openDatabase(config.databaseUrl, { sqliteDriver: config.sqliteDriver as SqliteDriverChoice });
  try {
    const applied = await migrate(db);
    io.out(values.json ? JSON.stringify({ applied }) : applied.length ? `applied: ${applied.join(', ')}` : 'the schema is up to date');
    return 0;
  } finally {
    await db.destroy();
  }
}
