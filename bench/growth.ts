import pg from 'pg';
import { runOnce } from './compare.js';
import { scenario, type Target } from './scenarios.js';
import { LoadClient } from './support/load-client.js';
import { createPostgresDatabase } from './support/postgres.js';
import { GROWTH_HEADING, RESULTS, writeSection } from './support/results-sections.js';
import { removeDir, startTessera, type TesseraServer } from './support/start-servers.js';
import { openSqlite } from '../src/storage/open-sqlite.js';

/**
 * `npm run bench -- --growth`: seeds grants, refresh tokens and opaque access tokens by the
 * 10k, 100k and 1M directly in SQL (batched INSERT ... SELECT), and after each step measures
 * refresh and introspection at a moderate load. Flat latency means every lookup is an index
 * probe, never a scan.
 */
const BATCH = 100_000;

type Seed = (from: number, to: number) => Promise<void>;

function statements(p: (n: number) => string, range: string): string[] {
  const now = Math.floor(Date.now() / 1000);
  const later = now + 30 * 86400;
  return [
    `insert into grants (id, user_id, client_id, scope, sid, created_at, expires_at, revoked_at)
       select 'seed-g-' || i, 'seed-user-' || (i % 5000), 'bench_web', 'openid offline_access', null, ${now}, ${later}, null from ${range}`,
    `insert into refresh_tokens (token_hash, grant_id, client_id, user_id, scope, claims, resource, auth_time, acr, amr, sid,
         created_at, expires_at, consumed_at, revoked_at)
       select 'seed-r-' || i, 'seed-g-' || i, 'bench_web', 'seed-user-' || (i % 5000), 'openid offline_access', null, null,
         ${now}, null, null, null, ${now}, ${later}, null, null from ${range}`,
    `insert into access_tokens (jti, token_hash, grant_id, client_id, user_id, scope, audience, data, created_at, expires_at, revoked_at)
       select 'seed-a-' || i, 'seed-ah-' || i, null, 'bench_opaque', null, '', 'urn:bench:api', null, ${now}, ${later}, null from ${range}`,
  ].map((s) => s.replace(/\$FROM|\$TO/g, (m) => p(m === '$FROM' ? 0 : 1)));
}

function sqliteSeeder(server: TesseraServer): { seed: Seed; close: () => Promise<void> } {
  const { database: db } = openSqlite(server.databaseUrl.slice('sqlite:'.length));
  db.prepare('pragma busy_timeout = 10000').all([]);
  const range = `(with recursive seq(i) as (select $FROM union all select i + 1 from seq where i < $TO) select i from seq)`;
  return {
    async seed(from, to) {
      for (const sql of statements(() => '?', range)) db.prepare(sql).run([from, to]);
    },
    close: async () => db.close(),
  };
}

function postgresSeeder(server: TesseraServer): { seed: Seed; close: () => Promise<void> } {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  const connected = client.connect();
  return {
    async seed(from, to) {
      await connected;
      for (const sql of statements((i) => `$${i + 1}::int`, 'generate_series($FROM, $TO) as i')) await client.query(sql, [from, to]);
      await client.query('analyze grants; analyze refresh_tokens; analyze access_tokens');
    },
    close: async () => void (await client.end()),
  };
}

export async function runGrowth(options: { quick: boolean; log: (line: string) => void; build: () => void }): Promise<void> {
  const { log } = options;
  options.build();
  const sizes = options.quick ? [1_000, 10_000] : [10_000, 100_000, 1_000_000];
  const loadClient = new LoadClient();
  const lines: string[] = [];
  try {
    for (const kind of ['sqlite', 'postgres'] as const) {
      const database = kind === 'postgres' ? await createPostgresDatabase() : undefined;
      if (kind === 'postgres' && !database) {
        log('PostgreSQL did not answer: growth on PostgreSQL skipped');
        continue;
      }
      const server = await startTessera({ database: database?.url ?? 'sqlite', algorithm: 'RS256' });
      const seeder = kind === 'sqlite' ? sqliteSeeder(server) : postgresSeeder(server);
      try {
        const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
        const target: Target = { side: 'tessera', url: server.url, discovery };
        const missing = scenario('4').missing(discovery) ?? scenario('6').missing(discovery);
        if (missing) {
          log(`growth on ${kind}: skipped, Tessera has ${missing} yet`);
          continue;
        }
        let seeded = 0;
        for (const size of sizes) {
          const started = Date.now();
          for (let from = seeded + 1; from <= size; from += BATCH) await seeder.seed(from, Math.min(size, from + BATCH - 1));
          seeded = size;
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          log(`${kind}: ${size.toLocaleString('en')} grants, refresh tokens and access tokens seeded in ${seconds} s`);
          const cells: string[] = [];
          for (const id of ['4', '6']) {
            const prepared = await scenario(id).prepare(target);
            const result = await runOnce(loadClient, prepared, { connections: 8, duration: options.quick ? 1 : 4 });
            const failed = result.failures ? ` (${result.failures} failed)` : '';
            cells.push(`${result.rate.toFixed(0)}/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms${failed}`);
          }
          const line = `| ${kind} | ${size.toLocaleString('en')} | ${cells.join(' | ')} |`;
          lines.push(line);
          log(line);
        }
      } finally {
        await seeder.close();
        await server.stop();
        removeDir(server.dir);
        await database?.drop();
      }
    }
  } finally {
    loadClient.close();
  }
  const table = [
    '| Database | Rows per table | refresh_token grant (8 connections) | introspection (8 connections) |',
    '|---|---|---|---|',
    ...lines,
  ].join('\n');
  log(`\n${table}`);
  if (!options.quick) {
    const written =
      `Written by \`npm run bench -- --growth\` on ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}: ` +
      'grants, refresh tokens and opaque access tokens seeded in SQL, then the load measured at each size. ' +
      'Flat latency means index probes, not scans.';
    writeSection(GROWTH_HEADING, `${GROWTH_HEADING}\n\n${written}\n\n${table}\n`);
    log(`written to the growth section of ${RESULTS}`);
  }
}
