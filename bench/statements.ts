import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Prepared, Target } from './scenarios.js';
import { scenario } from './scenarios.js';
import type { LoadClient } from './support/load-client.js';
import type { TesseraServer } from './support/start-servers.js';

/** The preload that counts a server's SQL statements (bench only; production code is untouched). */
export const COUNT_STATEMENTS = fileURLToPath(new URL('./support/count-statements.js', import.meta.url));

/** The scenarios whose SQL statements per unit are reported. */
export const STATEMENT_SCENARIOS = ['1', '3', '4', '5', '6'];

export interface StatementCount {
  id: string;
  units: number;
  statements: number;
  perUnit: number;
}

async function readCount(pid: number): Promise<number> {
  const file = join(tmpdir(), `tessera-bench-statements-${pid}.json`);
  rmSync(file, { force: true });
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i++) {
    await new Promise((r) => setTimeout(r, 10));
    try {
      const { statements } = JSON.parse(readFileSync(file, 'utf8')) as { statements: number };
      rmSync(file, { force: true });
      return statements;
    } catch {
      // not written yet
    }
  }
  throw new Error(`server ${pid} did not report its statement count`);
}

/**
 * SQL statements per unit (a token, a flow, an answer) on the embedded SQLite, for each
 * scenario: one connection for `seconds`, so that no two units share a write; audit events,
 * written in batches after the answer, are counted once they are flushed. `server` must run
 * with `--import COUNT_STATEMENTS`.
 */
export async function statementsPerUnit(
  load: LoadClient,
  server: TesseraServer,
  target: Target,
  options: { seconds: number; log: (line: string) => void },
): Promise<StatementCount[]> {
  const counts: StatementCount[] = [];
  for (const id of STATEMENT_SCENARIOS) {
    const prepared: Prepared = await scenario(id).prepare(target);
    await prepared.beforeRun?.(prepared.spec);
    await new Promise((r) => setTimeout(r, 200));
    await readCount(server.pid);
    const result = await load.load({ ...prepared.spec, connections: 1, duration: options.seconds });
    await new Promise((r) => setTimeout(r, 200));
    const statements = await readCount(server.pid);
    const count = { id, units: result.units, statements, perUnit: result.units ? statements / result.units : 0 };
    counts.push(count);
    options.log(`  ${id}: ${count.perUnit.toFixed(2)} SQL statements per unit (${statements} for ${result.units})`);
  }
  return counts;
}
