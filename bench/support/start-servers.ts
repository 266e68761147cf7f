import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { tesseraConfig } from '../fixtures.js';
import { ROOT, PEER_BUILD, cleanEnv } from './build.js';
import { freePort, startChild, type ChildServer } from './child-server.js';

export interface TesseraOptions {
  /** `sqlite` (a file in a fresh temp folder, or `databaseUrl` to reuse one) or a postgres:// URL. */
  database: string;
  algorithm: 'RS256' | 'ES256';
  workers?: number;
  /** Reuse this folder's SQLite file and config (a restart: cold start with keys already stored). */
  dir?: string;
  port?: number;
  /** Extra node flags (e.g. --cpu-prof for `--profile`). */
  nodeArgs?: string[];
  /** Tessera's `sqliteDriver` (default: auto). */
  sqliteDriver?: 'node:sqlite' | 'better-sqlite3';
}

export interface TesseraServer extends ChildServer {
  dir: string;
  databaseUrl: string;
  options: TesseraOptions;
}

/** `tessera serve --config <file>` (the real CLI, compiled) on a fresh database, in its own process. */
export async function startTessera(options: TesseraOptions): Promise<TesseraServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const port = options.port ?? (await freePort());
  const databaseUrl = options.database === 'sqlite' ? `sqlite:${join(dir, 'tessera.db')}` : options.database;
  const file = join(dir, 'tessera.json');
  writeFileSync(
    file,
    JSON.stringify(
      tesseraConfig({ port, databaseUrl, algorithm: options.algorithm, workers: options.workers, sqliteDriver: options.sqliteDriver }),
      null,
      2,
    ),
  );
  const args = [...(options.nodeArgs ?? []), `${ROOT}bin/tessera.js`, 'serve', '--config', file];
  if (options.workers !== undefined && options.workers !== 1) args.push('--workers', String(options.workers));
  const workers = options.workers && options.workers > 1 ? ` ×${options.workers}` : '';
  const name = `tessera ${options.algorithm}${workers}${options.sqliteDriver ? ` ${options.sqliteDriver}` : ''}`;
  const server = await startChild(name, args, cleanEnv(), `http://127.0.0.1:${port}`);
  return { ...server, dir, databaseUrl, options: { ...options, dir, port } };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The peer's private keys: RS256 (ID tokens and default) and ES256, generated once per run. */
export async function peerKeysFile(): Promise<string> {
  const keys = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
    keys.push({ ...(await exportJWK(privateKey)), kid: `bench-${alg.toLowerCase()}`, alg, use: 'sig' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'peer-bench-'));
  const file = join(dir, 'jwks.json');
  writeFileSync(file, JSON.stringify({ keys }));
  return file;
}

/** panva's oidc-provider, configured as bench/peer/configuration.ts says, in its own process. */
export async function startPeer(options: { algorithm: 'RS256' | 'ES256'; keysFile: string }): Promise<ChildServer> {
  const port = await freePort();
  return startChild(
    `peer ${options.algorithm}`,
    [`${PEER_BUILD}/peer/server.js`],
    cleanEnv({ PEER_PORT: String(port), PEER_ALG: options.algorithm, PEER_KEYS: options.keysFile, NODE_ENV: 'production' }),
    `http://127.0.0.1:${port}`,
  );
}
