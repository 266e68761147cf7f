import { loadConfig } from '../config/load-config.js';
import { migrate, openDatabase } from '../storage/database.js';
import { parseFlags, CONFIG_FLAGS, type CommandIO } from './args.js';

export const MIGRATE_HELP = `Usage: tessera migrate [--config FILE] [--json]

Brings the database schema up to date (serve does this too at startup).`;

export async function migrateCommand(argv: string[], io: CommandIO): Promise<number> {
  const { values } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) {
    io.out(MIGRATE_HELP);
    return 0;
  }
  const config = loadConfig({ file: values.config });
  const db = openDatabase(config.databaseUrl);
  try {
    const applied = await migrate(db);
    io.out(values.json ? JSON.stringify({ applied }) : applied.length ? `applied: ${applied.join(', ')}` : 'the schema is up to date');
    return 0;
  } finally {
    await db.destroy();
  }
}
