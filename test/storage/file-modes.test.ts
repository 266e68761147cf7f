import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '../../src/storage/database.js';
import { devSecret } from '../../src/dev-secret.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createServices } from '../../src/app/create-services.js';

const mode = (path: string) => statSync(path).mode & 0o777;

/** The SQLite file, its -wal and -shm, the data folder and the dev secret are private in every mode. */
describe('file modes of what Tessera keeps on disk', () => {
  let dir: string;
  let umask: number;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-modes-'));
    // The usual default umask, which leaves new files world-readable unless the code says otherwise.
    umask = process.umask(0o022);
  });
  after(() => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the SQLite folder 0700 and the database, -wal and -shm files 0600', async () => {
    const file = join(dir, 'fresh', 'data', 'tessera.db');
    const db = openDatabase(`sqlite:${file}`);
    try {
      // The migrations write, so SQLite has made its -wal and -shm files by now.
      await migrate(db);
      assert.equal(mode(join(dir, 'fresh')), 0o700);
      assert.equal(mode(join(dir, 'fresh', 'data')), 0o700);
      assert.equal(mode(file), 0o600);
      assert.equal(mode(`${file}-wal`), 0o600);
      assert.equal(mode(`${file}-shm`), 0o600);
    } finally {
      await db.destroy();
    }
  });

  it('dev mode: the data folder 0700, the generated secret and the database 0600', async () => {
    const dataDir = join(dir, 'dev-data');
    const config = loadConfig({
      env: {},
      overrides: { dev: true, dataDir, databaseUrl: `sqlite:${join(dataDir, 'tessera.db')}`, logLevel: 'silent' },
    });
    const services = await createServices(config);
    try {
      assert.equal(mode(dataDir), 0o700);
      assert.equal(mode(join(dataDir, 'secret')), 0o600);
      assert.equal(mode(join(dataDir, 'tessera.db')), 0o600);
      assert.equal(mode(join(dataDir, 'tessera.db-wal')), 0o600);
    } finally {
      await services.close();
    }
    assert.equal(devSecret(dataDir).length >= 32, true, 'the secret is read back on the next start');
  });
});
