import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import {
  createRateLimiter,
  isSignal,
  type Admission,
  type Budgets,
  type RateLimiter,
} from '../../src/server/rate-limiter.js';

/** The kinds of message a row sends. */
const TEXT = {
  message: JSON.stringify({ type: 'cmd', id: 'm', name: 'live.list', args: {} }),
  signal: JSON.stringify({ type: 'cmd', id: 's', name: 'media.signal', args: { liveId: 'show' } }),
  /** Names the signal command without being one: counted as a message. */
  mention: JSON.stringify({ type: 'cmd', id: 'x', name: 'live.list', args: { note: 'media.signal' } }),
  /** Not JSON at all, mentioning the name: counted as a message. */
  garbage: 'media.signal',
} as const;

/** `count` messages of one kind, sent when the clock reads `at` (ms). */
type Step = readonly [at: number, kind: keyof typeof TEXT, count: number];

/** 5 messages per second (burst 10, flood above 25) and 2 signals per second (burst 12, flood above 24). */
const RATES = { messagesPerSecond: 5, signalsPerSecond: 2 } as const;

/** A limiter that reads a clock the test sets. */
function fakeLimiter(rates: { messagesPerSecond: number; signalsPerSecond: number } = RATES): {
  limiter: RateLimiter;
  clock: { now: number };
} {
  const clock = { now: 0 };
  return { limiter: createRateLimiter({ ...rates, clock: () => clock.now }), clock };
}

function freshBudgets(): Budgets {
  return { messages: null, signals: null };
}

function run(
  limiter: RateLimiter,
  clock: { now: number },
  budgets: Budgets,
  steps: readonly Step[],
): Admission[] {
  const admissions: Admission[] = [];
  for (const [at, kind, count] of steps) {
    clock.now = at;
    for (let i = 0; i < count; i++) admissions.push(limiter.admit(budgets, TEXT[kind]));
  }
  return admissions;
}

/** Admissions as runs, e.g. `ok×10 limited×15 abuse`. */
function runs(admissions: readonly Admission[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < admissions.length) {
    let j = i;
    while (admissions[j] === admissions[i]) j++;
    parts.push(j - i === 1 ? `${admissions[i]}` : `${admissions[i]}×${j - i}`);
    i = j;
  }
  return parts.join(' ');
}

describe('rate limiter', () => {
  describe('admit', () => {
    const table: [name: string, steps: readonly Step[], expected: string][] = [
      ['passes a burst of twice the rate, then refuses', [[0, 'message', 11]], 'ok×10 limited'],
      [
        'closes on more than five times the rate within one second',
        [[0, 'message', 26]],
        'ok×10 limited×15 abuse',
      ],
      [
        'counts the flood window from its first message',
        [
          [0, 'message', 25],
          [999, 'message', 1],
        ],
        'ok×10 limited×15 abuse',
      ],
      [
        'starts a new flood window a second later',
        [
          [0, 'message', 25],
          [1000, 'message', 1],
        ],
        'ok×10 limited×15 ok',
      ],
      [
        'refills the bucket at the rate',
        [
          [0, 'message', 10],
          [200, 'message', 2],
        ],
        'ok×11 limited',
      ],
      [
        'takes no token for a refused message',
        [
          [0, 'message', 12],
          [400, 'message', 3],
        ],
        'ok×10 limited×2 ok×2 limited',
      ],
      [
        'fills the bucket no higher than the burst',
        [
          [0, 'message', 1],
          [60_000, 'message', 11],
        ],
        'ok×11 limited',
      ],
      ['passes a burst of six times the signal rate', [[0, 'signal', 13]], 'ok×12 limited'],
      [
        'closes on more than twelve times the signal rate within one second',
        [[0, 'signal', 25]],
        'ok×12 limited×12 abuse',
      ],
      [
        'leaves messages their budget after a burst of signals',
        [
          [0, 'signal', 24],
          [0, 'message', 10],
        ],
        'ok×12 limited×12 ok×10',
      ],
      [
        'leaves signals their budget after a burst of messages',
        [
          [0, 'message', 25],
          [0, 'signal', 12],
        ],
        'ok×10 limited×15 ok×12',
      ],
      [
        'counts a message that mentions media.signal as a message',
        [
          [0, 'mention', 10],
          [0, 'garbage', 1],
          [0, 'signal', 1],
        ],
        'ok×10 limited ok',
      ],
    ];
    for (const [name, steps, expected] of table) {
      it(name, () => {
        const { limiter, clock } = fakeLimiter();
        assert.equal(runs(run(limiter, clock, freshBudgets(), steps)), expected);
      });
    }

    it('takes rates below one per second', () => {
      // Messages: burst 1, flood above 2.5 within one second; signals: burst 3, flood above 6.
      const { limiter, clock } = fakeLimiter({ messagesPerSecond: 0.5, signalsPerSecond: 0.5 });
      const table: [steps: readonly Step[], expected: string][] = [
        [[[0, 'message', 3]], 'ok limited abuse'],
        [
          [
            [0, 'message', 1],
            [1000, 'message', 1],
            [2000, 'message', 1],
          ],
          'ok limited ok',
        ],
        [[[0, 'signal', 7]], 'ok×3 limited×3 abuse'],
      ];
      for (const [steps, expected] of table) {
        assert.equal(runs(run(limiter, clock, freshBudgets(), steps)), expected, JSON.stringify(steps));
      }
    });

    it('makes a budget on the first message of its kind only', () => {
      const { limiter, clock } = fakeLimiter();
      const budgets = freshBudgets();
      run(limiter, clock, budgets, [[0, 'message', 1]]);
      assert.notEqual(budgets.messages, null);
      assert.equal(budgets.signals, null);
      run(limiter, clock, budgets, [[0, 'signal', 1]]);
      assert.notEqual(budgets.signals, null);
    });

    it('reads the clock it is given', () => {
      const { limiter, clock } = fakeLimiter();
      clock.now = 1234.5;
      assert.equal(limiter.now(), 1234.5);
    });
  });

  describe('rest', () => {
    type Fate = 'none' | 'kept' | 'dropped';
    const table: [name: string, steps: readonly Step[], restAt: number, messages: Fate, signals: Fate][] = [
      ['has nothing to drop on an idle connection', [], 5000, 'none', 'none'],
      ['keeps a budget within its flood window', [[0, 'message', 1]], 999, 'kept', 'none'],
      ['drops a budget out of its window and refilled', [[0, 'message', 1]], 1000, 'dropped', 'none'],
      ['keeps a budget out of its window but not refilled', [[0, 'message', 10]], 1000, 'kept', 'none'],
      ['drops a spent budget once refilled', [[0, 'message', 10]], 2000, 'dropped', 'none'],
      ['drops a flooded budget once refilled', [[0, 'message', 25]], 2000, 'dropped', 'none'],
      [
        'counts the refill since the last message',
        [
          [0, 'message', 1],
          [500, 'message', 1],
        ],
        1000,
        'dropped',
        'none',
      ],
      ['keeps a signal budget a moment before it is refilled', [[0, 'signal', 12]], 5999, 'none', 'kept'],
      ['drops a signal budget once refilled', [[0, 'signal', 12]], 6000, 'none', 'dropped'],
      [
        'decides for each budget apart',
        [
          [0, 'message', 1],
          [0, 'signal', 3],
        ],
        1000,
        'dropped',
        'kept',
      ],
    ];
    for (const [name, steps, restAt, messages, signals] of table) {
      it(name, () => {
        const { limiter, clock } = fakeLimiter();
        const budgets = freshBudgets();
        run(limiter, clock, budgets, steps);
        const before = { messages: budgets.messages, signals: budgets.signals };
        limiter.rest(budgets, restAt);
        const fate = (was: unknown, is: unknown): Fate =>
          was === null ? 'none' : is === null ? 'dropped' : 'kept';
        assert.deepEqual(
          [fate(before.messages, budgets.messages), fate(before.signals, budgets.signals)],
          [messages, signals],
        );
      });
    }

    it('drops only budgets whose later answers stay the same', () => {
      // Two connections send the same; one of them is rested. From then on both must be answered alike.
      const table: [before: readonly Step[], restAt: number, after: readonly Step[]][] = [
        [[[0, 'message', 1]], 1000, [[1000, 'message', 26]]],
        [[[0, 'message', 10]], 2000, [[2500, 'message', 26]]],
        [[[0, 'message', 25]], 2000, [[2000, 'message', 12]]],
        [
          [[0, 'signal', 12]],
          6000,
          [
            [6000, 'signal', 13],
            [6500, 'signal', 12],
          ],
        ],
        [
          [
            [0, 'message', 3],
            [0, 'signal', 5],
          ],
          3000,
          [
            [3000, 'signal', 25],
            [3001, 'message', 26],
          ],
        ],
      ];
      for (const [before, restAt, after] of table) {
        const { limiter, clock } = fakeLimiter();
        const rested = freshBudgets();
        const kept = freshBudgets();
        run(limiter, clock, rested, before);
        run(limiter, clock, kept, before);
        limiter.rest(rested, restAt);
        assert.ok(rested.messages === null && rested.signals === null, `rested at ${restAt}`);
        assert.deepEqual(run(limiter, clock, rested, after), run(limiter, clock, kept, after));
      }
    });
  });

  describe('refusal', () => {
    const messages = 'more than 5 messages per second; slow down';
    const signals = 'more than 2 signals per second; slow down';
    const reply = (id: string, message: string) => ({
      type: 'reply',
      id,
      result: { isSuccess: false, errorCode: ErrorCode.RATE_LIMITED, errorMessage: message },
    });
    const error = (message: string) => ({ type: 'error', code: ErrorCode.RATE_LIMITED, message });
    const longId = 'i'.repeat(64);
    const table: [name: string, text: string, expected: unknown][] = [
      [
        'a command with an id: a reply to it',
        JSON.stringify({ type: 'cmd', id: 'c1', name: 'live.list', args: {} }),
        reply('c1', messages),
      ],
      [
        'a signal with an id: a reply that names the signal rate',
        JSON.stringify({ type: 'cmd', id: 'c2', name: 'media.signal', args: {} }),
        reply('c2', signals),
      ],
      [
        'an id of 64 characters: a reply',
        JSON.stringify({ type: 'cmd', id: longId, name: 'live.list' }),
        reply(longId, messages),
      ],
      [
        'an id of 65 characters: an error',
        JSON.stringify({ type: 'cmd', id: `${longId}i`, name: 'live.list' }),
        error(messages),
      ],
      ['an empty id: an error', JSON.stringify({ type: 'cmd', id: '', name: 'live.list' }), error(messages)],
      ['an id that is no string: an error', JSON.stringify({ type: 'cmd', id: 7 }), error(messages)],
      [
        'a signal without an id: an error that names the signal rate',
        JSON.stringify({ type: 'cmd', name: 'media.signal' }),
        error(signals),
      ],
      ['JSON null: an error', 'null', error(messages)],
      ['text that is not JSON: an error', 'not json', error(messages)],
    ];
    for (const [name, text, expected] of table) {
      it(name, () => {
        assert.deepEqual(fakeLimiter().limiter.refusal(text), expected);
      });
    }
  });

  describe('isSignal', () => {
    const table: [text: string, expected: boolean][] = [
      [TEXT.signal, true],
      [JSON.stringify({ type: 'cmd', name: 'media.signal' }), true],
      [TEXT.message, false],
      [TEXT.mention, false],
      [TEXT.garbage, false],
      [JSON.stringify({ type: 'event', name: 'media.signal' }), false],
      [JSON.stringify(['cmd', 'media.signal']), false],
      ['{"type":"cmd","name":"media.signal"', false],
    ];
    for (const [text, expected] of table) {
      it(`${expected ? 'is' : 'is not'} a signal: ${text.slice(0, 60)}`, () => {
        assert.equal(isSignal(text), expected);
      });
    }
  });
});
