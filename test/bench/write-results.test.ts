/**
 * How a bench run writes BENCHMARKS.md's results: a partial run (`--only`) replaces its own rows and
 * keeps the others, with a line saying when it ran (bench/run.ts `mergeRows`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BenchResult } from '../../bench/lib.js';
import { mergeRows, table } from '../../bench/run.js';

function result(id: string, value: number): BenchResult {
  return { id, what: `${id} bench`, figures: { value }, baseline: null, ratio: null, target: 't', met: true };
}

const SECTION = [
  'Run: 2026-11-29T06:52:39.467Z; full sizes.',
  '',
  'Machine: M.',
  '',
  table([result('B1', 1), result('B7', 7)], false),
].join('\n');

describe('bench results in BENCHMARKS.md', () => {
  it('a partial run replaces its rows, keeps the others and says when it ran', () => {
    const merged = mergeRows(SECTION, [result('B7', 70)], false, 'at T. Machine: N.');
    const lines = merged.split('\n');
    assert.ok(lines.includes('Run: 2026-11-29T06:52:39.467Z; full sizes.'));
    assert.equal(lines.filter((line) => line.startsWith('| B1 |')).length, 1);
    const b7 = lines.filter((line) => line.startsWith('| B7 |'));
    assert.equal(b7.length, 1);
    assert.match(b7[0] ?? '', /value 70/);
    assert.equal(lines.at(-1), 'B7 was run again on its own: at T. Machine: N.');
  });

  it('a second partial run replaces its line; a benchmark without a row gets one', () => {
    const once = mergeRows(SECTION, [result('B7', 70)], false, 'at T.');
    const twice = mergeRows(once, [result('B7', 71), result('B5', 5)], false, 'at U.');
    const lines = twice.split('\n');
    assert.equal(lines.filter((line) => line.startsWith('B7 was run again')).length, 1);
    assert.ok(lines.includes('B7 was run again on its own: at U.'));
    assert.match(lines.find((line) => line.startsWith('| B7 |')) ?? '', /value 71/);
    const rows = lines.filter((line) => /^\| B\d /.test(line)).map((line) => line.slice(2, 4));
    assert.deepEqual(rows, ['B1', 'B7', 'B5']);
  });
});
