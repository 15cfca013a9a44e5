import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';

const rules = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
const errorTable = rules.slice(rules.indexOf('## Error codes')).split('\n');

describe('docs/rules.md', () => {
  it('has a row for every error code, with its number and a use', () => {
    for (const [name, code] of Object.entries(ErrorCode)) {
      const row = errorTable.find((line) => line.includes(`| \`${name}\``));
      assert.ok(row, `no row for ${name}`);
      assert.match(
        row,
        new RegExp(`^\\| ${code.toString().replace('-', '\\-')}\\s+\\|`),
        `number of ${name}`,
      );
      const cells = row.split('|').map((cell) => cell.trim());
      assert.ok((cells[4] ?? '').length > 10, `when ${name} is returned`);
    }
  });
});
