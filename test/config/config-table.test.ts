import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TABLE_FILES, configTable, readmeWithTable } from '../../scripts/config-table.js';
import { defaults } from '../../src/config/defaults.js';

describe('the configuration table (README.md, docs/configuration.md)', () => {
  for (const file of TABLE_FILES) {
    it(`is in sync with src/config/defaults.ts in ${file} (regenerate: node --import tsx scripts/config-table.ts --write)`, () => {
      const text = readFileSync(file, 'utf8');
      assert.equal(text, readmeWithTable(text));
    });
  }

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
