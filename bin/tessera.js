#!/usr/bin/env node
// The `tessera` command. Runs the compiled CLI; `npm install` builds it (the `prepare` script).
import('../dist/cli/main.js')
  .then((m) => m.main(process.argv.slice(2)))
  .catch((err) => {
    process.stderr.write(`tessera: ${err && err.message ? err.message : err}\n`);
    process.exit(1);
  });
