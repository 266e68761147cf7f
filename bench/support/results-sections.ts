import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RESULTS = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

/**
 * The sections at the end of RESULTS.md that a mode of their own writes (`--growth`,
 * `--sqlite-drivers`), in this order; the main run rewrites everything before them and keeps them.
 */
export const GROWTH_HEADING = '## Growth (`--growth`)';
export const SQLITE_DRIVERS_HEADING = '## SQLite drivers (`--sqlite-drivers`)';
const KEPT = [GROWTH_HEADING, SQLITE_DRIVERS_HEADING];

function read(): { before: string; sections: Map<string, string> } {
  const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  const starts = KEPT.map((heading) => ({ heading, at: current.indexOf(heading) }))
    .filter((s) => s.at >= 0)
    .sort((a, b) => a.at - b.at);
  const sections = new Map<string, string>();
  starts.forEach((s, i) => sections.set(s.heading, current.slice(s.at, starts[i + 1]?.at ?? current.length).trim()));
  return { before: current.slice(0, starts[0]?.at ?? current.length).trimEnd(), sections };
}

function ordered(sections: Map<string, string>): string {
  return KEPT.filter((heading) => sections.has(heading))
    .map((heading) => `${sections.get(heading)}\n`)
    .join('\n');
}

/** Replaces (or adds) the section that starts with `heading` in RESULTS.md. */
export function writeSection(heading: string, section: string): void {
  const { before, sections } = read();
  sections.set(heading, section.trim());
  writeFileSync(RESULTS, `${before}\n\n${ordered(sections)}`);
}

/** The kept sections now in RESULTS.md, for the main run to put back after what it writes. */
export function keptSections(): string {
  return ordered(read().sections);
}

export { RESULTS };
