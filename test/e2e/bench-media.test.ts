/**
 * B6 of `npm run bench` in smoke mode (2 samples), so that the media benchmark cannot rot. It needs
 * WebRTC on loopback, hence its place here (the end-to-end suite runs in a loopback-only network
 * namespace) rather than in test/bench. Nothing is timed: it must run to the end and measure.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run } from '../../bench/run.js';

describe('npm run bench --smoke: B6 (media on loopback)', () => {
  it('runs and measures', { timeout: 240_000 }, async () => {
    const lines: string[] = [];
    const [result] = await run({ smoke: true, only: ['B6'], write: false }, (line) => lines.push(line));
    assert.ok(result, 'B6 produced a result');
    assert.equal(result.notes, undefined, `B6 ran to the end: ${lines.join('\n')}`);
    assert.equal(result.id, 'B6');
    const figures = Object.entries(result.figures);
    assert.ok(figures.length > 0, 'it reports figures');
    for (const [name, value] of figures) {
      assert.ok(Number.isFinite(value) && value > 0, `${name} is a positive number of ms`);
    }
    assert.ok(result.baseline && result.baseline.value > 0, 'the baseline was measured');
  });
});
