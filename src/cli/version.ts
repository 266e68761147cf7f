import { readFileSync } from 'node:fs';

/**
 * The version of the installed package. package.json sits two folders up from both
 * src/cli/ (tsx) and dist/cli/ (the build), so one relative URL serves both.
 */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
