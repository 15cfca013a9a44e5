import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  chooseSeat,
  describeSeatRefusal,
  isSeatIndex,
  type SeatAvailability,
} from '../../src/engine/seats.js';
import { ErrorCode } from '../../src/protocol/errors.js';

/** `.` free, `x` occupied, `L` locked, `X` occupied and locked. */
function seats(layout: string): SeatAvailability[] {
  return [...layout].map((c) => ({
    isLocked: c === 'L' || c === 'X',
    occupant: c === 'x' || c === 'X' ? {} : null,
  }));
}

describe('chooseSeat', () => {
  /** `expected`: the seat index given, or the error code. */
  const table: [layout: string, requested: number, expected: number][] = [
    ['...', -1, 0],
    ['x..', -1, 1],
    ['xL.', -1, 2],
    ['XxL.', -1, 3],
    ['xxx', -1, ErrorCode.ALL_SEATS_OCCUPIED],
    ['xLL', -1, ErrorCode.ALL_SEATS_OCCUPIED],
    ['', -1, ErrorCode.ALL_SEATS_OCCUPIED],
    ['...', 2, 2],
    ['...', 0, 0],
    ['...', 3, ErrorCode.SEAT_INDEX_NOT_EXIST],
    ['...', -2, ErrorCode.SEAT_INDEX_NOT_EXIST],
    ['...', 1.5, ErrorCode.SEAT_INDEX_NOT_EXIST],
    ['...', Number.NaN, ErrorCode.SEAT_INDEX_NOT_EXIST],
    ['.x.', 1, ErrorCode.SEAT_OCCUPIED],
    ['.L.', 1, ErrorCode.SEAT_LOCKED],
    ['.X.', 1, ErrorCode.SEAT_OCCUPIED],
  ];
  for (const [layout, requested, expected] of table) {
    it(`gives ${String(expected)} for seat ${requested} of "${layout}"`, () => {
      const choice = chooseSeat(seats(layout), requested);
      if (expected >= 0 && expected < 100) assert.deepEqual(choice, { ok: true, index: expected });
      else assert.deepEqual(choice, { ok: false, code: expected });
    });
  }
});

describe('isSeatIndex', () => {
  const table: [index: number, count: number, expected: boolean][] = [
    [0, 1, true],
    [0, 0, false],
    [8, 9, true],
    [9, 9, false],
    [-1, 9, false],
    [2.5, 9, false],
    [Number.POSITIVE_INFINITY, 9, false],
  ];
  for (const [index, count, expected] of table) {
    it(`${index} of ${count} seats → ${expected}`, () => assert.equal(isSeatIndex(index, count), expected));
  }
});

describe('describeSeatRefusal', () => {
  it('writes a sentence for each refusal', () => {
    assert.equal(
      describeSeatRefusal(ErrorCode.SEAT_INDEX_NOT_EXIST, 12, 9),
      'Seat 12 does not exist: this live has seats 0 to 8 (or -1 for any free seat).',
    );
    assert.equal(describeSeatRefusal(ErrorCode.SEAT_OCCUPIED, 3, 9), 'Seat 3 is already occupied.');
    assert.equal(describeSeatRefusal(ErrorCode.SEAT_LOCKED, 3, 9), 'Seat 3 is locked by the host.');
    assert.equal(
      describeSeatRefusal(ErrorCode.ALL_SEATS_OCCUPIED, -1, 9),
      'Every seat is occupied or locked.',
    );
  });
});
