import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measureCeiling } from './ceiling/measure-ceiling.js';
import { compare, runOnce, type LoadOptions } from './compare.js';
import { runGrowth } from './growth.js';
import { runProfile } from './profile.js';
import { machine } from './machine.js';
import { markdown, resultsTable, targetsTable, ceilingText, type Results } from './report.js';
import { scenario, SCENARIOS, type Side, type Target } from './scenarios.js';
import { COUNT_STATEMENTS, statementsPerUnit } from './statements.js';
import { authorizePath } from './support/flows.js';
import { build, tesseraHasWorkers } from './support/build.js';
import type { ChildServer } from './support/child-server.js';
import { LoadClient } from './support/load-client.js';
import { createPostgresDatabase } from './support/postgres.js';
import { peerKeysFile, removeDir, startPeer, startTessera, type TesseraServer } from './support/start-servers.js';
import { REDIRECT_URI, USER } from './fixtures.js';
import { keptSections } from './support/results-sections.js';
import { compareSqliteDrivers, runSqliteDrivers, sqliteDriversTable, writeSqliteDriversSection, type Servers } from './sqlite-drivers.js';

/**
 * `npm run bench`: Tessera against oidc-provider v9 on this machine, with the ceiling of
 * the hardware measured in the same run. `-- --quick`: a short smoke run that only prints
 * (CI). `-- --growth`: latency of refresh and introspection as the tables grow.
 * `-- --sqlite-drivers`: the token scenarios on node:sqlite against better-sqlite3 (Node with both).
 * `-- --profile <id>`: Tessera under --cpu-prof during one scenario, summarised.
 * `-- --only <ids>`: only these scenarios (comma-separated, e.g. `3` or `1,3,4`) on SQLite against
 * the peer, printed and not written to RESULTS.md; `--rounds <n>` overrides BENCH_ROUNDS there.
 */
const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const log = (line: string) => process.stdout.write(`${line}\n`);
const load: LoadOptions = quick
  ? { connections: 16, duration: 1, rounds: 1, warmup: 0.5, log }
  : {
      connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
      duration: Number(process.env.BENCH_DURATION ?? 5),
      rounds: Number(process.env.BENCH_ROUNDS ?? 3),
      warmup: 1.5,
      log,
    };
// Refresh tokens are used once each (rotation): keep three per connection in the pool.
process.env.BENCH_REFRESH_POOL ??= String(load.connections * 3);
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const ANALYSIS = fileURLToPath(new URL('./analysis.md', import.meta.url));

const servers: ChildServer[] = [];
const dirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
async function stopAll() {
  await Promise.all(servers.splice(0).map((s) => s.stop().catch(() => {})));
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => {});
  for (const dir of dirs.splice(0)) removeDir(dir);
}
process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));

async function target(side: Side, server: ChildServer): Promise<Target> {
  const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  return { side, url: server.url, discovery };
}

async function tessera(options: Parameters<typeof startTessera>[0]): Promise<TesseraServer> {
  const server = await startTessera(options);
  servers.push(server);
  if (!options.dir) dirs.push(server.dir);
  return server;
}

async function stop(server: ChildServer) {
  servers.splice(servers.indexOf(server), 1);
  await server.stop();
}

const tracked: Servers = { start: tessera, stop };

/** Samples a server's memory every 200 ms while a measurement runs; keeps the largest. */
function rssPeak(server: ChildServer, into: { mb: number }) {
  return () => {
    const timer = setInterval(() => (into.mb = Math.max(into.mb, server.rss())), 200);
    return () => clearInterval(timer);
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  log(`Tessera benchmark (${quick ? 'quick' : 'full'}): ${load.connections} connections, ${load.duration} s × ${load.rounds} rounds`);
  build(log);
  const results: Results = {
    machine: machine(),
    mode: quick ? 'quick' : 'full',
    load,
    ceiling: undefined as never,
    rows: [],
    halfPeak: [],
    notes: [],
  };
  const m = results.machine;
  log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}`);

  log('ceiling: jose signatures and argon2id hashes, nothing else running');
  results.ceiling = await measureCeiling(quick ? 1 : 3);
  log(ceilingText(results));

  const loadClient = new LoadClient();
  const keysFile = await peerKeysFile();
  try {
    // Scenario 8: cold start. First boot creates the schema and the signing keys; a restart
    // finds them (that is the cold start an operator sees on every deploy).
    const peer = await startPeer({ algorithm: 'RS256', keysFile });
    servers.push(peer);
    const firstBoot = await tessera({ database: 'sqlite', algorithm: 'RS256' });
    await stop(firstBoot);
    const restarts: number[] = [];
    let primary = firstBoot;
    for (let i = 0; i < (quick ? 1 : 3); i++) {
      primary = await tessera({ ...firstBoot.options });
      restarts.push(primary.startMs);
      if (i < (quick ? 0 : 2)) await stop(primary);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const startup = {
      tesseraFirstBootMs: firstBoot.startMs,
      tesseraRestartMs: restarts.sort((a, b) => a - b)[Math.floor(restarts.length / 2)],
      peerMs: peer.startMs,
      tesseraIdleMb: primary.rss(),
      peerIdleMb: peer.rss(),
    };
    results.startup = startup;
    log(
      `  8: cold start ${startup.tesseraRestartMs.toFixed(0)} ms (first boot ${startup.tesseraFirstBootMs.toFixed(0)} ms), ` +
        `peer ${startup.peerMs.toFixed(0)} ms; idle RSS ${startup.tesseraIdleMb.toFixed(0)} MB, peer ${startup.peerIdleMb.toFixed(0)} MB`,
    );

    // Scenarios 1, 3-7 on SQLite against the RS256 peer.
    const targets = { tessera: await target('tessera', primary), peer: await target('peer', peer) };
    const loadMb = { tessera: { mb: 0 }, peer: { mb: 0 } };
    for (const s of SCENARIOS.filter((x) => x.id !== '2')) {
      const sample = s.id === '1' ? (side: Side) => rssPeak(side === 'tessera' ? primary : peer, loadMb[side])() : undefined;
      results.rows.push(await compare(loadClient, s, 'SQLite', targets, load, sample));
    }
    Object.assign(startup, { tesseraLoadMb: loadMb.tessera.mb || undefined, peerLoadMb: loadMb.peer.mb || undefined });

    // SQL statements per unit, on a server of its own that counts them (the measured ones do not).
    log('SQL statements per unit (SQLite, one connection):');
    const counting = await tessera({ database: 'sqlite', algorithm: 'RS256', nodeArgs: ['--import', COUNT_STATEMENTS] });
    const counts = await statementsPerUnit(loadClient, counting, await target('tessera', counting), { seconds: quick ? 1 : 3, log });
    await stop(counting);
    results.notes.push(
      `SQL statements per unit on SQLite (one connection, audit batches included): ${counts.map((c) => `${c.id}: ${c.perUnit.toFixed(1)}`).join(', ')}.`,
    );

    // p99 at half of the peak rate (scenarios 1, 5, 6, 7).
    for (const row of results.rows.filter((r) => ['1', '5', '6', '7a', '7b'].includes(r.scenario.id) && r.tessera)) {
      const rate = Math.max(1, Math.round((row.tessera?.rate ?? 0) / 2));
      const prepared = await row.scenario.prepare(targets.tessera);
      const result = await runOnce(loadClient, prepared, { connections: load.connections, duration: load.duration, overallRate: rate });
      results.halfPeak.push({ id: row.scenario.id, rate: result.rate, p99: result.p99 });
      log(`  ${row.scenario.id} at half peak: ${result.rate.toFixed(0)}/s, p99 ${result.p99.toFixed(1)} ms`);
    }

    // Scenario 9: sign-ins as fast as they go, client_credentials at a fixed rate beside them.
    if (targets.tessera.discovery.authorization_endpoint) {
      const result = await loadClient.signIns({
        url: primary.url,
        authorizePath: authorizePath(),
        redirectUri: REDIRECT_URI,
        username: USER.username,
        password: USER.password,
        concurrency: 8,
        duration: quick ? 2 : 8,
        beside: { ...(await scenario('1').prepare(targets.tessera)).spec, connections: 4, duration: quick ? 2 : 8, overallRate: 100 },
      });
      results.signIns = result;
      const failed = `${result.failures} failed${result.sample ? `: ${result.sample}` : ''}`;
      log(`  9: ${result.rate.toFixed(1)} sign-ins/s (${failed}); tokens beside: p99 ${result.beside?.p99.toFixed(1)} ms`);
    } else results.signIns = { skipped: 'Tessera has no authorization_endpoint in discovery yet' };
    await stop(peer);
    await stop(primary);

    // Scenario 2: ES256 on both sides.
    const tesseraEs = await tessera({ database: 'sqlite', algorithm: 'ES256' });
    const peerEs = await startPeer({ algorithm: 'ES256', keysFile });
    servers.push(peerEs);
    results.rows.push(
      await compare(
        loadClient,
        scenario('2'),
        'SQLite, ES256',
        { tessera: await target('tessera', tesseraEs), peer: await target('peer', peerEs) },
        load,
      ),
    );
    await stop(peerEs);
    await stop(tesseraEs);

    // The embedded store on node:sqlite against better-sqlite3, where this Node has both.
    results.sqliteDrivers = await compareSqliteDrivers(loadClient, load, tracked);

    // Scenarios 1, 3, 4 on PostgreSQL (the peer keeps its memory adapter: its numbers are the ones above).
    const database = await createPostgresDatabase();
    if (database) {
      cleanups.push(database.drop);
      const tesseraPg = await tessera({ database: database.url, algorithm: 'RS256' });
      const pgTarget = await target('tessera', tesseraPg);
      for (const id of quick ? ['1'] : ['1', '3', '4']) {
        const row = await compare(loadClient, scenario(id), 'PostgreSQL', { tessera: pgTarget }, load);
        row.peer = results.rows.find((r) => r.scenario.id === id && r.variant === 'SQLite')?.peer;
        results.rows.push(row);
      }
      await stop(tesseraPg);
    } else results.notes.push('PostgreSQL did not answer on 127.0.0.1:5432: the PostgreSQL rows were skipped.');

    // Cluster mode: scenario 1 with one and two workers.
    if (tesseraHasWorkers()) {
      const rates: number[] = [];
      for (const workers of [1, 2]) {
        const server = await tessera({ database: 'sqlite', algorithm: 'RS256', workers });
        const row = await compare(
          loadClient,
          scenario('1'),
          `SQLite, ${workers} worker${workers > 1 ? 's' : ''}`,
          { tessera: await target('tessera', server) },
          load,
        );
        rates.push(row.tessera?.rate ?? 0);
        if (workers > 1) results.rows.push(row);
        await stop(server);
      }
      results.workers = { one: rates[0], two: rates[1] };
    } else results.workers = { skipped: 'tessera serve has no --workers yet' };
  } finally {
    loadClient.close();
    await stopAll();
  }

  results.notes.push(
    'Both providers run with request logging off (Tessera logLevel warn; the peer has none); ' +
      'Tessera uses the compiled CLI (`bin/tessera.js serve --config`), the peer a compiled bench/peer/server.ts with NODE_ENV=production.',
    'Scenario 5 on the peer uses an opaque access token of a peer-only client: ' +
      "oidc-provider's userinfo refuses any token with an audience, so its JWT access tokens cannot be used there.",
    'Scenario 3 counts whole flows (GET /auth with the session cookie → 303 with the code → POST /token); ' +
      'its latencies are per request. Scenario 4 rotates: each refresh token is used once.',
    'Fraction of ceiling = signatures per unit × units/s ÷ jose signatures/s measured above (scenarios 1-4), ' +
      'sign-ins/s ÷ argon2id hashes/s (scenario 9).',
    `Run time: ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  );
  log('');
  log(resultsTable(results));
  log('');
  log(targetsTable(results));
  for (const note of results.notes) log(`- ${note}`);
  if (results.sqliteDrivers) log(`\n${sqliteDriversTable(results.sqliteDrivers)}`);
  if (!quick) {
    const kept = keptSections();
    writeFileSync(RESULTS, markdown(results, existsSync(ANALYSIS) ? readFileSync(ANALYSIS, 'utf8') : '') + (kept ? `\n${kept}` : ''));
    log(`\nwritten to ${RESULTS}`);
    if (results.sqliteDrivers) writeSqliteDriversSection(results.sqliteDrivers, load);
  }
}

/** `--only <ids>`: the chosen scenarios against the peer, A/B rounds alternating, printed only. */
async function only(ids: string[]): Promise<void> {
  build(log);
  const loadClient = new LoadClient();
  const keysFile = await peerKeysFile();
  try {
    const es256 = ids.includes('2');
    const sqlite = ids.filter((id) => id !== '2');
    const rows = [];
    if (sqlite.length) {
      const peer = await startPeer({ algorithm: 'RS256', keysFile });
      servers.push(peer);
      const tesseraRs = await tessera({ database: 'sqlite', algorithm: 'RS256' });
      const targets = { tessera: await target('tessera', tesseraRs), peer: await target('peer', peer) };
      for (const id of sqlite) rows.push(await compare(loadClient, scenario(id), 'SQLite', targets, load));
      if (args.has('--statements')) {
        const counting = await tessera({ database: 'sqlite', algorithm: 'RS256', nodeArgs: ['--import', COUNT_STATEMENTS] });
        await statementsPerUnit(loadClient, counting, await target('tessera', counting), { seconds: 2, log });
      }
    }
    if (es256) {
      await stopAll();
      const peerEs = await startPeer({ algorithm: 'ES256', keysFile });
      servers.push(peerEs);
      const tesseraEs = await tessera({ database: 'sqlite', algorithm: 'ES256' });
      const targets = { tessera: await target('tessera', tesseraEs), peer: await target('peer', peerEs) };
      rows.push(await compare(loadClient, scenario('2'), 'SQLite, ES256', targets, load));
    }
    for (const row of rows) {
      const ratio = row.tessera && row.peer ? (row.tessera.rate / row.peer.rate).toFixed(2) : '-';
      log(
        `${row.scenario.id} [${row.variant}]: tessera ${row.tessera?.rate.toFixed(0) ?? '-'} ${row.scenario.unit}, peer ${row.peer?.rate.toFixed(0) ?? '-'}: ${ratio}×`,
      );
    }
  } finally {
    loadClient.close();
    await stopAll();
  }
}

const argv = process.argv.slice(2);
const onlyIds = argv.includes('--only') ? (argv[argv.indexOf('--only') + 1] ?? '').split(',').filter(Boolean) : undefined;
if (argv.includes('--rounds')) load.rounds = Number(argv[argv.indexOf('--rounds') + 1]);
const profileId = argv.includes('--profile') ? argv[argv.indexOf('--profile') + 1] : undefined;
const mode = onlyIds
  ? only(onlyIds)
  : profileId
    ? runProfile({
        id: profileId,
        es256: args.has('--es256'),
        seconds: Number(process.env.BENCH_DURATION ?? 10),
        log,
        build: () => build(log),
      })
    : args.has('--growth')
      ? runGrowth({ quick, log, build: () => build(log) })
      : args.has('--sqlite-drivers')
        ? runSqliteDrivers({ quick, load, build: () => build(log), servers: tracked }).finally(stopAll)
        : main();
mode.catch(async (err) => {
  console.error(err);
  await stopAll();
  process.exit(1);
});
