import type { Ceiling } from './ceiling/measure-ceiling.js';
import type { Measurement, Row } from './compare.js';
import type { SignInResult } from './load/load-spec.js';
import type { machine } from './machine.js';
import type { SqliteDriversResult } from './sqlite-drivers.js';

export interface Startup {
  tesseraFirstBootMs: number;
  tesseraRestartMs: number;
  peerMs: number;
  tesseraIdleMb: number;
  peerIdleMb: number;
  tesseraLoadMb?: number;
  peerLoadMb?: number;
}

export interface Results {
  machine: ReturnType<typeof machine>;
  mode: string;
  load: { connections: number; duration: number; rounds: number };
  ceiling: Ceiling & { detail: string[] };
  rows: Row[];
  startup?: Startup;
  /** p99 at half of the peak rate, per scenario id. */
  halfPeak: { id: string; rate: number; p99: number }[];
  workers?: { one: number; two: number } | { skipped: string };
  signIns?: SignInResult | { skipped: string };
  /** The token scenarios on node:sqlite against better-sqlite3. */
  sqliteDrivers?: SqliteDriversResult;
  notes: string[];
}

interface Verdict {
  target: string;
  measured: string;
  met?: boolean;
}

const n = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

export function ceilingFraction(row: Row, ceiling: Ceiling): number | undefined {
  const s = row.scenario.signatures;
  return s && row.tessera ? (s.count * row.tessera.rate) / ceiling[s.alg] : undefined;
}

function rowOf(results: Results, id: string, variant = 'SQLite'): Row | undefined {
  return results.rows.find((r) => r.scenario.id === id && r.variant === variant);
}

export function verdicts(results: Results): Verdict[] {
  const out: Verdict[] = [];
  const compared = results.rows.filter((r) => r.tessera && r.peer);
  const slower = compared.filter((r) => (r.tessera as Measurement).rate < (r.peer as Measurement).rate);
  out.push({
    target: 'Never slower than the peer',
    measured: compared.length
      ? slower.length
        ? `slower in ${slower.map((r) => `${r.scenario.id} (${r.variant})`).join(', ')}`
        : `faster in all ${compared.length} compared`
      : 'nothing compared',
    met: compared.length ? slower.length === 0 : undefined,
  });
  for (const id of ['1', '3', '4']) {
    const row = rowOf(results, id);
    const f = row && ceilingFraction(row, results.ceiling);
    out.push({
      target: `Scenario ${id}: ≥ 85% of the RS256 ceiling`,
      measured: f === undefined ? (row?.skipped ?? 'not run') : pct(f),
      met: f === undefined ? undefined : f >= 0.85,
    });
  }
  for (const id of ['2', '5', '6', '7a', '7b']) {
    const row = rowOf(results, id, id === '2' ? 'SQLite, ES256' : 'SQLite');
    const r = row?.tessera && row.peer ? row.tessera.rate / row.peer.rate : undefined;
    out.push({
      target: `Scenario ${id}: ≥ 3× the peer`,
      measured: r === undefined ? (row?.skipped ?? 'not run') : `${r.toFixed(2)}×`,
      met: r === undefined ? undefined : r >= 3,
    });
  }
  const s9 = results.signIns;
  if (s9 && 'rate' in s9) {
    const f = s9.rate / results.ceiling.argon2;
    out.push({
      target: 'Scenario 9: ≥ 80% of the argon2id ceiling',
      measured: `${n(s9.rate)}/s = ${pct(f)} of ${n(results.ceiling.argon2)}/s`,
      met: f >= 0.8,
    });
    out.push({
      target: 'Scenario 9: token p99 < 20 ms beside sign-ins',
      measured: s9.beside ? ms(s9.beside.p99) : 'not run',
      met: s9.beside ? s9.beside.p99 < 20 : undefined,
    });
  } else {
    out.push({ target: 'Scenario 9: ≥ 80% of the argon2id ceiling, token p99 < 20 ms', measured: s9?.skipped ?? 'not run' });
  }
  const st = results.startup;
  out.push({
    target: 'Cold start to first discovery answer < 300 ms',
    measured: st
      ? `${ms(st.tesseraRestartMs)} (first boot with key generation ${ms(st.tesseraFirstBootMs)}; peer ${ms(st.peerMs)})`
      : 'not run',
    met: st ? st.tesseraRestartMs < 300 : undefined,
  });
  out.push({
    target: 'Idle RSS < 60 MB',
    measured: st ? `${st.tesseraIdleMb.toFixed(0)} MB (peer ${st.peerIdleMb.toFixed(0)} MB)` : 'not run',
    met: st ? st.tesseraIdleMb < 60 : undefined,
  });
  for (const id of ['1', '5', '6', '7a', '7b']) {
    const h = results.halfPeak.find((x) => x.id === id);
    out.push({
      target: `Scenario ${id}: p99 < 10 ms at half of peak`,
      measured: h ? `${ms(h.p99)} at ${n(h.rate)}/s` : (rowOf(results, id)?.skipped ?? 'not run'),
      met: h ? h.p99 < 10 : undefined,
    });
  }
  const w = results.workers;
  out.push({
    target: '`--workers 2` scales scenario 1 by ≥ 1.7×',
    measured: !w ? 'not run' : 'skipped' in w ? w.skipped : `${n(w.one)}/s → ${n(w.two)}/s = ${(w.two / w.one).toFixed(2)}×`,
    met: w && 'two' in w ? w.two / w.one >= 1.7 : undefined,
  });
  for (const id of ['3', '4']) {
    const sqlite = rowOf(results, id)?.tessera;
    const postgres = rowOf(results, id, 'PostgreSQL')?.tessera;
    out.push({
      target: `Scenario ${id} on PostgreSQL ≥ 70% of SQLite`,
      measured: sqlite && postgres ? `${pct(postgres.rate / sqlite.rate)} (${n(postgres.rate)} vs ${n(sqlite.rate)}/s)` : 'not run',
      met: sqlite && postgres ? postgres.rate / sqlite.rate >= 0.7 : undefined,
    });
  }
  return out;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function resultsTable(results: Results): string {
  const rows = results.rows.map((row) => {
    const t = row.tessera;
    const p = row.peer;
    const f = ceilingFraction(row, results.ceiling);
    return [
      row.scenario.id,
      `${row.scenario.title} [${row.variant}]`,
      t ? `${n(t.rate)} ${row.scenario.unit}${t.failures ? ` (${t.failures} failed)` : ''}` : `skipped: ${row.skipped ?? '-'}`,
      t ? ms(t.p50) : '-',
      t ? ms(t.p99) : '-',
      p ? `${n(p.rate)}${p.failures ? ` (${p.failures} failed)` : ''}` : '-',
      p ? ms(p.p50) : '-',
      p ? ms(p.p99) : '-',
      t && p ? `${(t.rate / p.rate).toFixed(2)}×` : '-',
      f === undefined ? '-' : pct(f),
    ];
  });
  const st = results.startup;
  if (st) {
    rows.push([
      '8',
      'cold start to first discovery answer (restart; first boot)',
      `${ms(st.tesseraRestartMs)}; ${ms(st.tesseraFirstBootMs)}`,
      '',
      '',
      ms(st.peerMs),
      '',
      '',
      `${(st.peerMs / st.tesseraRestartMs).toFixed(2)}× faster`,
      '-',
    ]);
    rows.push([
      '8',
      'RSS idle / under scenario 1 load',
      `${st.tesseraIdleMb.toFixed(0)} / ${st.tesseraLoadMb?.toFixed(0) ?? '-'} MB`,
      '',
      '',
      `${st.peerIdleMb.toFixed(0)} / ${st.peerLoadMb?.toFixed(0) ?? '-'} MB`,
      '',
      '',
      '-',
      '-',
    ]);
  }
  const s9 = results.signIns;
  if (s9 && 'rate' in s9) {
    rows.push([
      '9',
      'password sign-ins (argon2id), with client_credentials beside',
      `${n(s9.rate)} sign-ins/s${s9.failures ? ` (${s9.failures} failed)` : ''}`,
      '',
      '',
      'n/a (no password store)',
      '',
      '',
      '-',
      pct(s9.rate / results.ceiling.argon2),
    ]);
    if (s9.beside)
      rows.push([
        '9',
        `  client_credentials beside them (fixed rate)`,
        `${n(s9.beside.rate)} tokens/s`,
        ms(s9.beside.p50),
        ms(s9.beside.p99),
        '',
        '',
        '',
        '-',
        '-',
      ]);
  } else if (s9) rows.push(['9', 'password sign-ins', `skipped: ${s9.skipped}`, '', '', '', '', '', '-', '-']);
  return table(['#', 'Scenario', 'Tessera', 'p50', 'p99', 'Peer', 'p50', 'p99', 'vs peer', 'of ceiling'], rows);
}

export function targetsTable(results: Results): string {
  return table(
    ['Target (issue 6)', 'Measured', 'Met?'],
    verdicts(results).map((v) => [v.target, v.measured, v.met === undefined ? '—' : v.met ? 'met' : 'MISSED']),
  );
}

export function ceilingText(results: Results): string {
  const c = results.ceiling;
  return [
    `jose RS256: ${n(c.RS256)} signatures/s; ES256: ${n(c.ES256)}/s; argon2id (Tessera's parameters): ${n(c.argon2)} hashes/s.`,
    ...c.detail.map((d) => `- ${d}`),
  ].join('\n');
}

export function markdown(results: Results, analysis: string): string {
  const m = results.machine;
  const { connections, duration, rounds } = results.load;
  const written =
    `Written by \`npm run bench\`${results.mode === 'full' ? '' : ` (${results.mode} mode)`} on ${m.date}. ` +
    'Do not edit by hand: the analysis at the end comes from bench/analysis.md.';
  const load =
    `**Load:** autocannon in its own process, ${connections} connections, ${duration} s per run, ${rounds} rounds alternating ` +
    'Tessera and the peer (oidc-provider v9, memory adapter); the median round is shown. Latencies are per HTTP request.';
  return `# Benchmark results

${written}

**Machine:** ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}.
${load}

## Results

${resultsTable(results)}

## Ceiling (same run, same machine)

${ceilingText(results)}

## Targets

${targetsTable(results)}

## Notes

${results.notes.map((x) => `- ${x}`).join('\n')}
${analysis ? `\n${analysis.trim()}\n` : ''}`;
}
