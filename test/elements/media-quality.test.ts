/** The layer each tile of `<live-core-view>` asks for (src/elements/live-core-view/media-quality.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HIGH_GRID_TILES, wantedQuality } from '../../src/elements/live-core-view/media-quality.js';

describe('wantedQuality', () => {
  const cases = [
    // layout, main, shown, hidden → quality
    ['dynamic-float', true, 3, false, 'high'],
    ['dynamic-float', false, 3, false, 'low'],
    ['speaker', true, 5, false, 'high'],
    ['speaker', false, 5, false, 'low'],
    ['landscape', false, 2, false, 'low'],
    ['grid', false, HIGH_GRID_TILES, false, 'high'],
    ['grid', false, HIGH_GRID_TILES + 1, false, 'low'],
    ['dynamic-grid', false, 2, false, 'high'],
    ['fixed-grid', false, 9, false, 'low'],
    ['grid', true, 9, false, 'high'],
    ['grid', true, 1, true, 'off'],
    ['dynamic-float', false, 3, true, 'off'],
  ] as const;
  for (const [layout, main, shown, hidden, expected] of cases) {
    it(`${layout}, ${main ? 'the large tile' : 'a tile'} of ${shown}${hidden ? ', page hidden' : ''}: ${expected}`, () => {
      assert.equal(wantedQuality(layout, main, shown, hidden), expected);
    });
  }
});
