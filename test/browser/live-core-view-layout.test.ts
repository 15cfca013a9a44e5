/**
 * The pure layout helpers of <live-core-view>, table-tested: which layout `auto` picks, which
 * seats a layout shows, which one is large, how the grids, floating tiles and filmstrips are sized,
 * who the speaker view follows, and when a seat counts as changed.
 */
import { expect } from '@open-wc/testing';
import {
  filmstrip,
  fitGrid,
  floatTile,
  isStageLayout,
  mainSeat,
  nextSpeakerFocus,
  resolveLayout,
  sameSeat,
  shownSeats,
  SPEAKER_HOLD_MS,
  stageArrangement,
  tileKeyTarget,
  stageGrid,
  STAGE_LAYOUTS,
  tileRatio,
  type SpeakerFocus,
  type StageArrangement,
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
  it("knows Tencent's five templates and the grid and speaker views", () => {
    expect([...STAGE_LAYOUTS]).to.deep.equal([
      'dynamic-grid',
      'fixed-grid',
      'dynamic-float',
      'fixed-float',
      'landscape',
      'grid',
      'speaker',
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
      ['grid', 7, 'grid'],
      ['speaker', 4, 'speaker'],
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
      ['grid', false, [0, 3, 5]],
      ['grid', true, [0, 1, 2, 3, 4, 5, 6, 7, 8]],
      ['speaker', false, [0, 3, 5]],
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

  describe('mainSeat and stageArrangement', () => {
    const list = seats(9, [0, 3, 5]);
    // layout, pinned, speaker → the large seat and the arrangement.
    const table: readonly (readonly [
      StageLayout,
      string | null,
      string | null,
      number | null,
      StageArrangement,
    ])[] = [
      ['dynamic-grid', null, null, null, 'grid'],
      ['fixed-grid', null, 'u3', null, 'grid'],
      ['grid', null, 'u3', null, 'fit'],
      ['dynamic-float', null, null, 0, 'float'],
      ['landscape', null, null, 0, 'landscape'],
      ['speaker', null, 'u5', 5, 'speaker'],
      ['speaker', null, null, 0, 'speaker'],
      ['speaker', null, 'nobody', 0, 'speaker'],
      // A pinned user is large in every layout; the grids turn into a speaker arrangement.
      ['dynamic-grid', 'u3', null, 3, 'speaker'],
      ['grid', 'u5', null, 5, 'speaker'],
      ['dynamic-float', 'u5', null, 5, 'float'],
      ['landscape', 'u3', null, 3, 'landscape'],
      ['speaker', 'u3', 'u5', 3, 'speaker'],
      // A pinned user who is not on a seat shown changes nothing.
      ['dynamic-grid', 'gone', null, null, 'grid'],
      ['dynamic-float', 'gone', null, 0, 'float'],
    ];
    for (const [layout, pinned, speaker, main, arrangement] of table) {
      it(`${layout}, pinned ${String(pinned)}, speaker ${String(speaker)} → ${String(main)} large, ${arrangement}`, () => {
        const large = mainSeat(layout, list, pinned, speaker);
        expect(large).to.equal(main);
        expect(stageArrangement(layout, large)).to.equal(arrangement);
      });
    }

    it('speaker: the first seat shown when seat 0 is not shown and nobody speaks', () => {
      expect(mainSeat('speaker', shownSeats('speaker', seats(9, [2, 4]), false), null, null)).to.equal(2);
      expect(mainSeat('speaker', [], null, null)).to.equal(null);
      expect(
        mainSeat('dynamic-float', shownSeats('dynamic-float', seats(7, [2]), false), null, null),
      ).to.equal(null);
    });
  });

  describe('tileRatio', () => {
    it('is 16:9 on a wide (or square) stage and 3:4 on a tall one', () => {
      expect(tileRatio({ width: 820, height: 512 })).to.equal(16 / 9);
      expect(tileRatio({ width: 400, height: 400 })).to.equal(16 / 9);
      expect(tileRatio({ width: 390, height: 693 })).to.equal(3 / 4);
    });
  });

  describe('fitGrid', () => {
    // count, stage, gap → columns x rows, tile width x height.
    const table: readonly (readonly [number, number, number, string])[] = [
      [1, 820, 512, '1x1 820x461'],
      [2, 820, 512, '1x2 451x253'],
      [3, 820, 512, '2x2 408x229'],
      [4, 820, 512, '2x2 408x229'],
      [5, 820, 512, '2x3 298x167'],
      [9, 820, 512, '3x3 270x151'],
      [16, 1280, 720, '4x4 314x176'],
      // A phone in portrait: one column while that gives the larger tiles, then two.
      [2, 390, 693, '1x2 390x219'],
      [4, 390, 693, '1x4 302x169'],
      [6, 390, 693, '1x6 199x111'],
      [8, 390, 693, '2x4 193x108'],
      // Not measured yet, and nothing to show.
      [3, 0, 0, '1x3 0x0'],
      [0, 820, 512, '1x1 820x461'],
    ];
    for (const [count, width, height, expected] of table) {
      it(`${count} tiles on ${width}×${height} → ${expected}`, () => {
        const fit = fitGrid(count, { width, height }, 4);
        expect(`${fit.columns}x${fit.rows} ${fit.width}x${fit.height}`).to.equal(expected);
      });
    }

    it('always fits the tiles and their gaps in the stage', () => {
      for (const [width, height] of [
        [820, 512],
        [390, 693],
        [1279.5, 719.25],
        [300, 900],
      ] as const) {
        for (let count = 1; count <= 16; count += 1) {
          const fit = fitGrid(count, { width, height }, 4);
          const where = `${count} on ${width}×${height}`;
          expect(fit.columns * fit.width + (fit.columns - 1) * 4, where).to.be.at.most(width);
          expect(fit.rows * fit.height + (fit.rows - 1) * 4, where).to.be.at.most(height);
          expect(fit.columns * fit.rows, where).to.be.at.least(count);
          expect(fit.width / fit.height, where).to.be.closeTo(16 / 9, 0.05);
        }
      }
    });
  });

  describe('floatTile', () => {
    // stage, floating tiles → width x height.
    const table: readonly (readonly [number, number, number, string])[] = [
      // A 1280×800 desktop's stage: a quarter of its width, 16:9; five shrink to fit one column.
      [820, 512, 1, '205x115'],
      [820, 512, 4, '205x115'],
      [820, 512, 5, '173x97'],
      [820, 512, 6, '205x115'],
      // A narrow wide stage: at least 160px, but no more than 40% of it.
      [480, 270, 1, '160x90'],
      [300, 200, 1, '120x67'],
      // A 390×844 phone's stage: 30% of its width, 3:4.
      [374, 499, 1, '112x149'],
      [374, 499, 3, '112x149'],
      [228, 405, 4, '74x98'],
      [300, 600, 1, '96x128'],
      // Never taller than the stage.
      [1000, 100, 1, '163x91'],
    ];
    for (const [width, height, count, expected] of table) {
      it(`${count} on ${width}×${height} → ${expected}`, () => {
        const tile = floatTile({ width, height }, count, width < 320 ? 2 : 4);
        expect(`${tile.width}x${tile.height}`).to.equal(expected);
        expect(tile.ratio).to.equal(tileRatio({ width, height }));
      });
    }
  });

  describe('filmstrip', () => {
    // stage, strip tiles → placement, width x height.
    const table: readonly (readonly [number, number, number, string])[] = [
      [820, 512, 1, 'side 164x92'],
      [820, 512, 4, 'side 164x92'],
      [820, 512, 8, 'side 107x60'],
      [500, 300, 2, 'side 150x84'],
      [390, 693, 1, 'below 117x156'],
      [390, 693, 3, 'below 117x156'],
      [390, 693, 5, 'below 74x98'],
      [390, 500, 1, 'below 112x149'],
    ];
    for (const [width, height, count, expected] of table) {
      it(`${count} on ${width}×${height} → ${expected}`, () => {
        const strip = filmstrip({ width, height }, count, 4);
        expect(`${strip.placement} ${strip.width}x${strip.height}`).to.equal(expected);
      });
    }
  });

  describe('nextSpeakerFocus', () => {
    const seated = ['host', 'ada', 'bob'];
    const hold = 1000;
    const speaking = (...ids: string[]): ReadonlySet<string> => new Set(ids);
    /** A focus on a user who spoke (`heard`), quiet since `quietSince`. */
    const spoke = (userId: string, quietSince: number | null): SpeakerFocus => ({
      userId,
      heard: true,
      quietSince,
    });
    /** A focus on a user shown because nobody spoke. */
    const home = (userId: string, quietSince: number): SpeakerFocus => ({ userId, heard: false, quietSince });
    // previous focus, who speaks, now → the focus and when to look again.
    const table: readonly (readonly [
      string,
      SpeakerFocus | null,
      ReadonlySet<string>,
      number,
      SpeakerFocus,
      number | null,
    ])[] = [
      ['nobody has spoken: the owner on seat 0', null, speaking(), 0, home('host', 0), null],
      ['the first speaker, at once', null, speaking('bob'), 0, spoke('bob', null), null],
      ['two speak: the first in seat order', null, speaking('bob', 'ada'), 0, spoke('ada', null), null],
      [
        'the owner shown for nobody gives way at once',
        home('host', 0),
        speaking('bob'),
        10,
        spoke('bob', null),
        null,
      ],
      [
        'the speaker keeps it while speaking',
        spoke('ada', null),
        speaking('ada', 'bob'),
        50,
        spoke('ada', null),
        null,
      ],
      ['falls quiet, nobody else: held', spoke('ada', null), speaking(), 100, spoke('ada', 100), 1100],
      [
        'quiet, another speaks within the hold: held',
        spoke('ada', 100),
        speaking('bob'),
        600,
        spoke('ada', 100),
        1100,
      ],
      [
        'quiet for the hold, another speaks: they take it',
        spoke('ada', 100),
        speaking('bob'),
        1100,
        spoke('bob', null),
        null,
      ],
      [
        'quiet for the hold, nobody speaks: back to seat 0',
        spoke('ada', 100),
        speaking(),
        1100,
        home('host', 1100),
        null,
      ],
      [
        'speaks again within the hold: kept',
        spoke('ada', 100),
        speaking('ada'),
        900,
        spoke('ada', null),
        null,
      ],
      [
        'the owner, nobody speaks: nothing to wait for',
        home('host', 0),
        speaking(),
        5000,
        home('host', 0),
        null,
      ],
      [
        'the owner spoke, then quiet: held too',
        spoke('host', 100),
        speaking('bob'),
        600,
        spoke('host', 100),
        1100,
      ],
      [
        'the focus left the seats: the next speaker at once',
        spoke('carol', null),
        speaking('bob'),
        10,
        spoke('bob', null),
        null,
      ],
      ['the focus left, nobody speaks: seat 0', spoke('carol', null), speaking(), 10, home('host', 10), null],
    ];
    for (const [what, previous, who, now, expected, recheckAt] of table) {
      it(what, () => {
        const step = nextSpeakerFocus(previous, seated, who, 'host', now, hold);
        expect(step.focus).to.deep.equal(expected);
        expect(step.recheckAt).to.equal(recheckAt);
      });
    }

    it('falls back to the first seated user when seat 0 is empty, and to nobody with no one seated', () => {
      expect(nextSpeakerFocus(null, ['ada', 'bob'], new Set(), null, 0).focus.userId).to.equal('ada');
      expect(nextSpeakerFocus(null, ['ada'], new Set(), 'host', 0).focus.userId).to.equal('ada');
      expect(nextSpeakerFocus(null, [], new Set(), null, 0).focus.userId).to.equal(null);
    });

    it(`holds for ${SPEAKER_HOLD_MS} ms by default`, () => {
      const quiet = spoke('ada', 0);
      expect(
        nextSpeakerFocus(quiet, seated, speaking('bob'), 'host', SPEAKER_HOLD_MS - 1).focus.userId,
      ).to.equal('ada');
      expect(nextSpeakerFocus(quiet, seated, speaking('bob'), 'host', SPEAKER_HOLD_MS).focus.userId).to.equal(
        'bob',
      );
    });
  });

  describe('tileKeyTarget', () => {
    // key, from, count, columns, rtl → where focus goes.
    const table: readonly (readonly [string, number, number, number, boolean, number | null])[] = [
      ['ArrowRight', 0, 9, 3, false, 1],
      ['ArrowLeft', 1, 9, 3, false, 0],
      ['ArrowLeft', 0, 9, 3, false, 0],
      ['ArrowRight', 8, 9, 3, false, 8],
      ['ArrowRight', 1, 9, 3, true, 0],
      ['ArrowLeft', 1, 9, 3, true, 2],
      ['ArrowDown', 1, 9, 3, false, 4],
      ['ArrowDown', 7, 9, 3, false, 7],
      ['ArrowUp', 4, 9, 3, false, 1],
      ['ArrowUp', 2, 9, 3, false, 2],
      ['ArrowDown', 2, 4, 1, false, 3],
      ['Home', 5, 9, 3, false, 0],
      ['End', 0, 9, 3, false, 8],
      ['Enter', 0, 9, 3, false, null],
      ['a', 0, 9, 3, false, null],
    ];
    for (const [key, from, count, columns, rtl, expected] of table) {
      it(`${key} from ${from} of ${count} (${columns} a row${rtl ? ', rtl' : ''}) → ${String(expected)}`, () => {
        expect(tileKeyTarget(key, from, count, columns, rtl)).to.equal(expected);
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
