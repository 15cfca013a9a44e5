/**
 * The benchmarks in smoke mode (a few members and samples), so that `npm run bench` cannot rot.
 * Nothing here is timed: each benchmark must run to the end and produce finite numbers. B9 (mesh
 * and SFU, Chromium and a real Janus) makes its own network namespace (bench/sfu-bench.ts), so it
 * runs here too; its smoke size takes under a minute. B6 runs with the end-to-end suite.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { competitorTable } from '../../bench/competitors.js';
import { run } from '../../bench/run.js';

const SMOKE = ['B1', 'B2', 'B3', 'B4', 'B5', 'B7', 'B9'] as const;

describe('npm run bench --smoke', () => {
  for (const id of SMOKE) {
    it(`${id} runs and measures`, { timeout: 240_000 }, async () => {
      const lines: string[] = [];
      const [result] = await run({ smoke: true, only: [id], write: false }, (line) => lines.push(line));
      assert.ok(result, `${id} produced a result`);
      assert.equal(result.notes, undefined, `${id} ran to the end: ${lines.join('\n')}`);
      assert.equal(result.id, id);
      const figures = Object.values(result.figures);
      assert.ok(figures.length > 0, 'it reports figures');
      for (const value of figures) assert.ok(Number.isFinite(value), `${id}: every figure is a number`);
      if (result.baseline) assert.ok(result.baseline.value > 0, 'the baseline was measured');
    });
  }
});

describe('bench/competitors', () => {
  it('lists each kit with its versions and size, and says when one could not be measured', () => {
    const table = competitorTable([
      { name: 'ours', versions: 'co-guest-kit@0.1.0', gzip: 2048 },
      { name: 'theirs', versions: 'x@1.0.0', gzip: Number.NaN, error: 'no entry' },
    ]);
    assert.match(table, /\| ours \| co-guest-kit@0\.1\.0 \| 2\.0 KiB \|/);
    assert.match(table, /\| theirs \| x@1\.0\.0 \| not measured: no entry \|/);
  });
});
