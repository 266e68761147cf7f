import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomToken } from './util/random.js';

/** Dev mode: a secret generated once and kept in the data folder (0700, the file 0600), so keys survive restarts. */
export function devSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomToken(32) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another start (or process) made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file, 'utf8').trim();
}
