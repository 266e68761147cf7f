import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configTable, readmeWithTable } from '../../scripts/config-table.js';
import { defaults } from '../../src/config/defaults.js';

describe("README's configuration table", () => {
  it('is in sync with src/config/defaults.ts (regenerate: node --import tsx scripts/config-table.ts --write)', () => {
    const readme = readFileSync('README.md', 'utf8');
    assert.equal(readme, readmeWithTable(readme));
  });

  it('lists every setting with a meaning', () => {
    const leaves = (value: Record<string, unknown>, prefix = ''): string[] =>
      Object.entries(value).flatMap(([key, v]) =>
        v && typeof v === 'object' && !Array.isArray(v) ? leaves(v as Record<string, unknown>, `${prefix}${key}.`) : [prefix + key],
      );
    const table = configTable();
    for (const path of leaves(defaults)) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${path}\` |`));
      assert.ok(row, `${path} is in the table`);
      assert.ok(!row.endsWith('|  |'), `${path} has a doc comment in defaults.ts`);
    }
  });
});
