import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PEER_BUILD = `${ROOT}bench/.tmp/build`;

/**
 * Compiles what the benchmark runs as plain JavaScript, so neither provider pays for a
 * TypeScript loader at start: Tessera's dist/ (as `npm run build` does; bin/tessera.js runs
 * it) and the peer's files into bench/.tmp/build. Type errors in files being written by
 * others do not stop the build as long as the JavaScript was emitted.
 */
export function build(log: (line: string) => void): void {
  const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
  if (newestMtime(`${ROOT}src`) > mtime(`${ROOT}dist/cli/main.js`)) buildTessera(tsc, log);
  if (Math.max(newestMtime(`${ROOT}bench/peer`), mtime(`${ROOT}bench/fixtures.ts`)) > mtime(`${PEER_BUILD}/peer/server.js`)) buildPeer(tsc);
}

function buildTessera(tsc: string, log: (line: string) => void): void {
  const tessera = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (tessera.status !== 0) {
    if (!existsSync(`${ROOT}dist/cli/main.js`)) throw new Error(`building Tessera failed:\n${tessera.stdout}${tessera.stderr}`);
    const errors = tessera.stdout.trim().split('\n').slice(0, 5).join('\n  ');
    log(`note: tsc reported type errors while building dist/ (JavaScript emitted anyway):\n  ${errors}`);
  }
}

function buildPeer(tsc: string): void {
  const peer = spawnSync(
    process.execPath,
    [
      tsc,
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--esModuleInterop',
      '--types',
      'node',
      '--rootDir',
      'bench',
      '--outDir',
      PEER_BUILD,
      'bench/peer/server.ts',
      'bench/peer/oidc-provider.d.ts',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (peer.status !== 0) throw new Error(`building the peer failed:\n${peer.stdout}${peer.stderr}`);
}

/** Whether this Tessera has `tessera serve --workers N` yet. */
export function tesseraHasWorkers(): boolean {
  const help = spawnSync(process.execPath, [`${ROOT}bin/tessera.js`, 'serve', '--help'], { encoding: 'utf8' });
  return /--workers/.test(help.stdout + help.stderr);
}

/** The environment of a provider process: the bench's, without settings that would override its config file. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TESSERA_|PORT$|HOST$|DATABASE_URL$|LOG_LEVEL$|REDIS_URL$|NODE_OPTIONS$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function mtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
