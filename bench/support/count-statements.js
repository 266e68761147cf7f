/**
 * Preloaded into a Tessera server by the benchmark only (`node --import`): counts the SQL
 * statements the embedded SQLite runs, whichever driver Tessera opened (better-sqlite3 or
 * node:sqlite), by wrapping their statement methods. On SIGUSR2 the count since the last
 * signal goes to `statementsFile(pid)` and starts again from zero.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let statements = 0;
const methods = ['run', 'get', 'all', 'iterate'];

function wrap(prototype) {
  for (const name of methods) {
    const original = prototype?.[name];
    if (typeof original !== 'function') continue;
    prototype[name] = function counted(...args) {
      statements++;
      return original.apply(this, args);
    };
  }
}

const require = createRequire(import.meta.url);
try {
  const Database = require('better-sqlite3');
  const probe = new Database(':memory:');
  wrap(Object.getPrototypeOf(probe.prepare('select 1')));
  probe.close();
} catch {
  // Not installed, or not loadable on this Node: node:sqlite is then what Tessera opens.
}
const emitWarning = process.emitWarning;
process.emitWarning = () => {}; // node:sqlite's ExperimentalWarning, as Tessera itself silences it
try {
  const { StatementSync } = await import('node:sqlite');
  wrap(StatementSync?.prototype);
} catch {
  // Node without node:sqlite.
} finally {
  process.emitWarning = emitWarning;
}

process.on('SIGUSR2', () => {
  writeFileSync(join(tmpdir(), `tessera-bench-statements-${process.pid}.json`), JSON.stringify({ statements }));
  statements = 0;
});
