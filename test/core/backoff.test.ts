import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, DEFAULT_RECONNECT } from '../../src/core/index.js';

describe('backoffDelay', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 };

  it('doubles from the base delay and stops at the maximum (no randomness)', () => {
    const table: [attempt: number, expected: number][] = [
      [0, 100],
      [1, 200],
      [2, 400],
      [3, 800],
      [4, 1000],
      [10, 1000],
      [1000, 1000],
    ];
    for (const [attempt, expected] of table) {
      assert.equal(
        backoffDelay(attempt, options, () => 0),
        expected,
        `attempt ${attempt}`,
      );
    }
  });

  it('takes off up to `jitter` of the delay', () => {
    const table: [random: number, expected: number][] = [
      [0, 400],
      [0.5, 300],
      [0.999_999, 200],
    ];
    for (const [random, expected] of table) {
      assert.equal(
        backoffDelay(2, options, () => random),
        expected,
        `random ${random}`,
      );
    }
  });

  it('clamps jitter to 0..1 and attempts below zero to the first', () => {
    assert.equal(
      backoffDelay(1, { ...options, jitter: 5 }, () => 1),
      0,
    );
    assert.equal(
      backoffDelay(1, { ...options, jitter: -1 }, () => 1),
      200,
    );
    assert.equal(
      backoffDelay(-3, options, () => 0),
      100,
    );
  });

  it('stays within [delay * (1 - jitter), delay] with the real random source', () => {
    for (let attempt = 0; attempt < 8; attempt++) {
      const full = Math.min(DEFAULT_RECONNECT.maxDelayMs, DEFAULT_RECONNECT.baseDelayMs * 2 ** attempt);
      const delay = backoffDelay(attempt);
      assert.ok(
        delay <= full && delay >= Math.floor(full * (1 - DEFAULT_RECONNECT.jitter)),
        `attempt ${attempt}: ${delay}`,
      );
    }
  });

  it('has the documented defaults', () => {
    assert.deepEqual(DEFAULT_RECONNECT, { baseDelayMs: 250, maxDelayMs: 10_000, jitter: 0.5 });
  });
});
