import { createRequire } from 'node:module';
import { openSqlite, type SqliteDriver } from '../src/storage/open-sqlite.js';
import { runOnce, summarize, type LoadOptions, type Measurement } from './compare.js';
import { machine } from './machine.js';
import { scenario, type Prepared, type Target } from './scenarios.js';
import { LoadClient } from './support/load-client.js';
import { SQLITE_DRIVERS_HEADING, RESULTS, writeSection } from './support/results-sections.js';
import type { TesseraOptions, TesseraServer } from './support/start-servers.js';

const DRIVERS: SqliteDriver[] = ['node:sqlite', 'better-sqlite3'];
/** The scenarios that issue tokens, and so write to the store on every request. */
const TOKEN_SCENARIOS = ['1', '3', '4'];

export interface DriverRow {
  id: string;
  title: string;
  unit: string;
  measured: Partial<Record<SqliteDriver, Measurement>>;
  skipped?: string;
}

export type SqliteDriversResult = { rows: DriverRow[]; idleMb: Record<SqliteDriver, number> } | { skipped: string };

/** Starting and stopping Tessera as the caller tracks its servers (so an interrupted run stops them). */
export interface Servers {
  start(options: TesseraOptions): Promise<TesseraServer>;
  stop(server: TesseraServer): Promise<void>;
}

/** Why this Node cannot run both drivers, or undefined. */
export function driversMissing(): string | undefined {
  for (const driver of DRIVERS) {
    try {
      openSqlite(':memory:', driver).database.close();
    } catch (err) {
      return (err as Error).message;
    }
  }
  return undefined;
}

/**
 * The token scenarios on two Tessera servers that differ only in their SQLite driver: a
 * warm-up of each, then rounds that alternate which goes first; the median round is kept.
 */
export async function compareSqliteDrivers(loadClient: LoadClient, load: LoadOptions, servers: Servers): Promise<SqliteDriversResult> {
  const missing = driversMissing();
  if (missing) {
    load.log(`SQLite drivers: skipped (${missing})`);
    return { skipped: missing };
  }
  load.log(`SQLite drivers: the token scenarios on node:sqlite and on better-sqlite3 ${betterSqlite3Version()}`);
  const started: Partial<Record<SqliteDriver, TesseraServer>> = {};
  try {
    const targets = {} as Record<SqliteDriver, Target>;
    for (const driver of DRIVERS) {
      const server = await servers.start({ database: 'sqlite', algorithm: 'RS256', sqliteDriver: driver });
      started[driver] = server;
      const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      targets[driver] = { side: 'tessera', url: server.url, discovery };
    }
    const idleMb = Object.fromEntries(DRIVERS.map((d) => [d, (started[d] as TesseraServer).rss()])) as Record<SqliteDriver, number>;
    const rows: DriverRow[] = [];
    for (const id of TOKEN_SCENARIOS) {
      const s = scenario(id);
      const row: DriverRow = { id, title: s.title, unit: s.unit, measured: {}, skipped: s.missing(targets['node:sqlite'].discovery) };
      rows.push(row);
      if (row.skipped) {
        load.log(`  ${id}: skipped (${row.skipped})`);
        continue;
      }
      const prepared = {} as Record<SqliteDriver, Prepared>;
      for (const driver of DRIVERS) {
        prepared[driver] = await s.prepare(targets[driver]);
        await runOnce(loadClient, prepared[driver], { connections: load.connections, duration: load.warmup });
      }
      const results = { 'node:sqlite': [], 'better-sqlite3': [] } as Record<SqliteDriver, Awaited<ReturnType<typeof runOnce>>[]>;
      // At least two rounds, so that each driver goes first once: in a single short round the
      // server measured first comes out slower, whichever it is.
      const rounds = Math.max(2, load.rounds);
      for (let round = 0; round < rounds; round++) {
        for (const driver of round % 2 ? [...DRIVERS].reverse() : DRIVERS) {
          results[driver].push(await runOnce(loadClient, prepared[driver], { connections: load.connections, duration: load.duration }));
        }
      }
      for (const driver of DRIVERS) row.measured[driver] = summarize(results[driver]);
      load.log(`  ${id}: ${DRIVERS.map((d) => `${d} ${show(row.measured[d])}`).join(' | ')} | ratio ${ratio(row)}`);
    }
    return { rows, idleMb };
  } finally {
    for (const server of Object.values(started)) await servers.stop(server);
  }
}

function show(m?: Measurement): string {
  if (!m) return '-';
  const failed = m.failures ? ` (${m.failures} failed: ${m.sample})` : '';
  return `${m.rate.toFixed(0)}/s (rounds ${m.rates.map((r) => r.toFixed(0)).join(', ')}) p99 ${m.p99.toFixed(1)} ms${failed}`;
}
const ratio = (row: DriverRow) => {
  const [a, b] = DRIVERS.map((d) => row.measured[d]);
  return a && b ? `${(a.rate / b.rate).toFixed(2)}×` : '-';
};

/** The comparison as a table: rates, p99 and node:sqlite ÷ better-sqlite3 per scenario. */
export function sqliteDriversTable(result: SqliteDriversResult): string {
  if ('skipped' in result) return `Skipped: ${result.skipped}`;
  const lines = result.rows.map((row) => {
    const [a, b] = DRIVERS.map((d) => row.measured[d]);
    if (row.skipped || !a || !b) return `| ${row.id} | ${row.title} | skipped: ${row.skipped ?? '-'} | | | | |`;
    const cells = [a, b].flatMap((m) => [`${m.rate.toFixed(0)} ${row.unit}`, `${m.p99.toFixed(1)} ms`]);
    return `| ${row.id} | ${row.title} | ${cells.join(' | ')} | ${ratio(row)} |`;
  });
  const idle = { node: result.idleMb['node:sqlite'], better: result.idleMb['better-sqlite3'] };
  lines.push(`| 8 | RSS idle | ${idle.node.toFixed(0)} MB | | ${idle.better.toFixed(0)} MB | | ${(idle.node / idle.better).toFixed(2)}× |`);
  return [
    '| # | Scenario | node:sqlite | p99 | better-sqlite3 | p99 | node:sqlite ÷ better-sqlite3 |',
    '|---|---|---|---|---|---|---|',
    ...lines,
  ].join('\n');
}

/** The better-sqlite3 that Tessera loads here. */
function betterSqlite3Version(): string {
  return (createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }).version;
}

/** The RESULTS.md section of a full comparison. */
export function writeSqliteDriversSection(result: SqliteDriversResult, load: LoadOptions): void {
  if ('skipped' in result) return;
  const m = machine();
  const written =
    `Written by \`npm run bench -- --sqlite-drivers\` (or the main run, where this Node has both drivers) on ${m.date}, ` +
    `Node ${m.node}, better-sqlite3 ${betterSqlite3Version()}: two Tessera servers that differ only in \`sqliteDriver\`, ` +
    `${load.connections} connections, ${load.duration} s per run, ${load.rounds} rounds alternating which goes first; ` +
    'the median round is shown.';
  writeSection(
    SQLITE_DRIVERS_HEADING,
    `${SQLITE_DRIVERS_HEADING}

${written}

${sqliteDriversTable(result)}
`,
  );
  load.log(`written to the SQLite drivers section of ${RESULTS}`);
}

/** `npm run bench -- --sqlite-drivers`: only this comparison. */
export async function runSqliteDrivers(options: { quick: boolean; load: LoadOptions; build: () => void; servers: Servers }): Promise<void> {
  options.build();
  const loadClient = new LoadClient();
  try {
    const result = await compareSqliteDrivers(loadClient, options.load, options.servers);
    options.load.log(`\n${sqliteDriversTable(result)}`);
    if (!options.quick) writeSqliteDriversSection(result, options.load);
  } finally {
    loadClient.close();
  }
}
