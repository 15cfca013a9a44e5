/**
 * The pure layout helpers of <live-core-view>, table-tested: which template `auto` picks, which
 * seats a template shows, how its grid is sized, and when a seat counts as changed.
 */
import { expect } from '@open-wc/testing';
import {
  isStageLayout,
  resolveLayout,
  sameSeat,
  shownSeats,
  stageGrid,
  STAGE_LAYOUTS,
  type StageLayout,
} from '../../src/elements/live-core-view/layout.js';
import type { SeatInfo, SeatUserInfo } from '../../src/protocol/types.js';

function user(userId: string, overrides: Partial<SeatUserInfo> = {}): SeatUserInfo {
  return {
    userId,
    userName: userId,
    avatarUrl: '',
    liveId: 'live',
    role: 'audience',
    microphoneStatus: 'on',
    cameraStatus: 'on',
    allowOpenMicrophone: true,
    allowOpenCamera: true,
    connection: 'online',
    onSeatTimestamp: 1,
    ...overrides,
  };
}

function seat(index: number, userInfo: SeatUserInfo | null, overrides: Partial<SeatInfo> = {}): SeatInfo {
  return { index, isLocked: false, isAudioLocked: false, isVideoLocked: false, userInfo, ...overrides };
}

/** `count` seats; those listed in `taken` are occupied. */
function seats(count: number, taken: readonly number[]): SeatInfo[] {
  return Array.from({ length: count }, (_, index) =>
    seat(index, taken.includes(index) ? user(`u${index}`) : null),
  );
}

describe('<live-core-view> layout helpers', () => {
  it('knows the five templates', () => {
    expect([...STAGE_LAYOUTS]).to.deep.equal([
      'dynamic-grid',
      'fixed-grid',
      'dynamic-float',
      'fixed-float',
      'landscape',
    ]);
    expect(isStageLayout('fixed-float')).to.equal(true);
    expect(isStageLayout('auto')).to.equal(false);
    expect(isStageLayout(7)).to.equal(false);
  });

  describe('resolveLayout', () => {
    const table: readonly (readonly [unknown, number | null, StageLayout])[] = [
      ['auto', 9, 'dynamic-grid'],
      ['auto', 7, 'dynamic-float'],
      ['auto', 4, 'landscape'],
      ['auto', 16, 'dynamic-grid'],
      ['auto', null, 'dynamic-grid'],
      ['fixed-grid', 7, 'fixed-grid'],
      ['landscape', 9, 'landscape'],
      ['nonsense', 4, 'landscape'],
      [null, 7, 'dynamic-float'],
    ];
    for (const [option, count, expected] of table) {
      it(`${String(option)} with ${String(count)} seats → ${expected}`, () => {
        expect(resolveLayout(option, count)).to.equal(expected);
      });
    }
  });

  describe('shownSeats', () => {
    const list = seats(9, [0, 3, 5]);
    const table: readonly (readonly [StageLayout, boolean, readonly number[]])[] = [
      ['dynamic-grid', false, [0, 3, 5]],
      ['dynamic-grid', true, [0, 1, 2, 3, 4, 5, 6, 7, 8]],
      ['fixed-grid', false, [0, 1, 2, 3, 4, 5, 6, 7, 8]],
      ['dynamic-float', false, [0, 3, 5]],
      ['fixed-float', false, [0, 1, 2, 3, 4, 5, 6, 7, 8]],
      ['landscape', false, [0, 3, 5]],
      ['landscape', true, [0, 1, 2, 3, 4, 5, 6, 7, 8]],
    ];
    for (const [layout, showEmpty, expected] of table) {
      it(`${layout}${showEmpty ? ' with empty seats' : ''} shows seats ${expected.join(',')}`, () => {
        expect(shownSeats(layout, list, showEmpty).map((item) => item.index)).to.deep.equal(expected);
      });
    }
  });

  describe('stageGrid', () => {
    const table: readonly (readonly [StageLayout, number, readonly number[], string])[] = [
      ['dynamic-grid', 9, [0], '1x1'],
      ['dynamic-grid', 9, [0, 1], '2x1'],
      ['dynamic-grid', 9, [0, 1, 2], '2x2'],
      ['dynamic-grid', 9, [0, 1, 2, 3], '2x2'],
      ['dynamic-grid', 9, [0, 1, 2, 3, 4], '3x2'],
      ['dynamic-grid', 9, [0, 1, 2, 3, 4, 5], '3x2'],
      ['dynamic-grid', 9, [0, 1, 2, 3, 4, 5, 6], '3x3'],
      ['dynamic-grid', 9, [0, 1, 2, 3, 4, 5, 6, 7, 8], '3x3'],
      ['dynamic-grid', 16, [...Array(10).keys()], '4x3'],
      ['dynamic-grid', 9, [], '1x1'],
      ['fixed-grid', 9, [0], '3x3'],
      ['fixed-grid', 4, [0], '2x2'],
      ['dynamic-float', 7, [0, 1], '6x6'],
      ['fixed-float', 7, [0], '6x6'],
      ['landscape', 4, [0, 2], '3x3'],
      ['landscape', 4, [0], '3x3 solo'],
      ['landscape', 4, [2], '3x3'],
      ['landscape', 1, [0], '1x1 solo'],
    ];
    for (const [layout, count, taken, expected] of table) {
      it(`${layout}, ${taken.length} of ${count} seats shown → ${expected}`, () => {
        const shown = shownSeats(layout, seats(count, taken), false);
        const grid = stageGrid(layout, shown, count);
        expect(`${grid.columns}x${grid.rows}${grid.solo ? ' solo' : ''}`).to.equal(expected);
      });
    }
  });

  describe('sameSeat', () => {
    it('compares the fields of the seat and its user, not the objects', () => {
      expect(sameSeat(seat(1, user('ada')), seat(1, user('ada')))).to.equal(true);
      expect(sameSeat(seat(1, null), seat(1, null))).to.equal(true);
    });

    const changes: readonly (readonly [string, SeatInfo])[] = [
      ['index', seat(2, user('ada'))],
      ['lock', seat(1, user('ada'), { isLocked: true })],
      ['audio lock', seat(1, user('ada'), { isAudioLocked: true })],
      ['video lock', seat(1, user('ada'), { isVideoLocked: true })],
      ['user', seat(1, user('bob'))],
      ['no user', seat(1, null)],
      ['name', seat(1, user('ada', { userName: 'Ada L.' }))],
      ['avatar', seat(1, user('ada', { avatarUrl: 'https://a.example/a.png' }))],
      ['microphone', seat(1, user('ada', { microphoneStatus: 'off' }))],
      ['camera', seat(1, user('ada', { cameraStatus: 'off' }))],
      ['connection', seat(1, user('ada', { connection: 'lost' }))],
      ['role', seat(1, user('ada', { role: 'admin' }))],
    ];
    for (const [what, other] of changes) {
      it(`sees a change of ${what}`, () => {
        expect(sameSeat(seat(1, user('ada')), other)).to.equal(false);
      });
    }
  });
});
