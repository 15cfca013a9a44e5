import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveRoom } from '../../src/engine/room.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { DEFAULT_ROOM_LIMITS, type RoomLimits } from '../../src/engine/types.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { EventEnvelope, LiveEvent } from '../../src/protocol/types.js';
import {
  ADMIN,
  ALICE,
  BOB,
  CAROL,
  expectFail,
  expectOk,
  OWNER,
  setup,
  to,
  type Harness,
  type SetupOptions,
} from './harness.js';

const GRACE = 5_000;

/** `[type, audience]`, with the pair of a `media.viewer` event spelled out. */
function shape(envelopes: readonly EventEnvelope[]): string[] {
  return envelopes.map(({ event, to: audience }) => {
    const who = audience.kind === 'users' ? audience.userIds.join(',') : audience.kind;
    return event.type === 'media.viewer'
      ? `media.viewer ${event.action} ${event.viewerId}→${event.publisherId} @${who}`
      : `${event.type} @${who}`;
  });
}

function mediaEvents(envelopes: readonly EventEnvelope[]): string[] {
  return shape(envelopes.filter((envelope) => envelope.event.type === 'media.viewer'));
}

/**
 * A free-seating live (owner on seat 0, admin, alice, bob, carol) where alice holds seat 2 and bob
 * and carol watch her. The set-up's events are dropped.
 */
function alicePublishing(options: SetupOptions = {}): Harness {
  const h = setup({ seatMode: 'free', limits: { graceMs: GRACE }, ...options });
  expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
  expectOk(h.run('bob', 'media.watch', { publisherId: 'alice' }));
  expectOk(h.run('carol', 'media.watch', { publisherId: 'alice' }));
  h.take();
  return h;
}

function create(limits: Partial<RoomLimits>) {
  return LiveRoom.create({
    owner: OWNER,
    settings: { liveId: 'live', liveName: '', seatMode: 'apply', maxSeatCount: 4, keepOwnerOnSeat: true },
    scheduler: new ManualScheduler(),
    limits,
    emit: () => undefined,
  });
}

describe('LiveRoom media', () => {
  describe('limits', () => {
    it('allows 8 viewers per publisher by default', () => {
      assert.equal(DEFAULT_ROOM_LIMITS.maxViewersPerPublisher, 8);
    });

    for (const value of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3' as unknown as number]) {
      it(`refuses maxViewersPerPublisher ${String(value)} (INVALID_ARGUMENT)`, () => {
        expectFail(
          create({ maxViewersPerPublisher: value }),
          ErrorCode.INVALID_ARGUMENT,
          'maxViewersPerPublisher',
        );
      });
    }

    it('accepts 0 (media off) and any other non-negative integer', () => {
      for (const value of [0, 1, 8, 100]) expectOk(create({ maxViewersPerPublisher: value }));
    });
  });

  describe('media.watch', () => {
    const refusals: {
      readonly title: string;
      readonly actor: string;
      readonly publisherId: string;
      readonly code: ErrorCode;
    }[] = [
      {
        title: 'a member who is not seated',
        actor: 'bob',
        publisherId: 'carol',
        code: ErrorCode.NOT_ON_SEAT,
      },
      {
        title: 'a user who is not a member',
        actor: 'bob',
        publisherId: 'ghost',
        code: ErrorCode.NOT_ON_SEAT,
      },
      { title: 'yourself', actor: 'alice', publisherId: 'alice', code: ErrorCode.INVALID_ARGUMENT },
      { title: 'yourself, unseated', actor: 'bob', publisherId: 'bob', code: ErrorCode.INVALID_ARGUMENT },
      { title: 'anyone, as a non-member', actor: 'ghost', publisherId: 'alice', code: ErrorCode.NOT_IN_LIVE },
    ];
    for (const { title, actor, publisherId, code } of refusals) {
      it(`refuses watching ${title} and emits nothing`, () => {
        const h = alicePublishing();
        expectFail(h.run(actor, 'media.watch', { publisherId }), code);
        assert.deepEqual(h.take(), []);
        assert.deepEqual(h.room.viewersOf(publisherId), publisherId === 'alice' ? ['bob', 'carol'] : []);
      });
    }

    it('pairs a member with a seat holder and tells the publisher alone', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 1 }));
      h.take();
      assert.deepEqual(expectOk(h.run('bob', 'media.watch', { publisherId: 'alice' })), { viewers: 1 });
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.to, envelope.event]),
        [
          [
            to('alice'),
            {
              type: 'media.viewer',
              publisherId: 'alice',
              viewerId: 'bob',
              action: 'joined',
            } satisfies LiveEvent,
          ],
        ],
      );
      assert.equal(events[0]?.seq, h.room.seq, 'sequenced like every room event');
      assert.deepEqual(expectOk(h.run('owner', 'media.watch', { publisherId: 'alice' })), { viewers: 2 });
      assert.deepEqual(h.room.viewersOf('alice'), ['bob', 'owner']);
    });

    it('lets seat holders watch each other', () => {
      const h = alicePublishing();
      expectOk(h.run('alice', 'media.watch', { publisherId: 'owner' }));
      expectOk(h.run('owner', 'media.watch', { publisherId: 'alice' }));
      assert.deepEqual(mediaEvents(h.take()), [
        'media.viewer joined alice→owner @owner',
        'media.viewer joined owner→alice @alice',
      ]);
      assert.deepEqual(h.room.viewersOf('owner'), ['alice']);
      assert.deepEqual(h.room.viewersOf('alice'), ['bob', 'carol', 'owner']);
    });

    it('is idempotent: watching again answers the same count and emits nothing', () => {
      const h = alicePublishing();
      assert.deepEqual(expectOk(h.run('bob', 'media.watch', { publisherId: 'alice' })), { viewers: 2 });
      assert.deepEqual(h.take(), []);
      assert.deepEqual(h.room.viewersOf('alice'), ['bob', 'carol']);
    });

    it('refuses a viewer over the cap (VIEWER_LIMIT) until a slot frees', () => {
      const h = alicePublishing({ limits: { maxViewersPerPublisher: 2 } });
      expectFail(h.run('admin', 'media.watch', { publisherId: 'alice' }), ErrorCode.VIEWER_LIMIT, 'alice');
      expectFail(h.run('owner', 'media.watch', { publisherId: 'alice' }), ErrorCode.VIEWER_LIMIT);
      assert.deepEqual(h.take(), []);
      // A viewer already in the pair is not refused at the cap.
      assert.deepEqual(expectOk(h.run('carol', 'media.watch', { publisherId: 'alice' })), { viewers: 2 });
      expectOk(h.run('carol', 'media.unwatch', { publisherId: 'alice' }));
      assert.deepEqual(expectOk(h.run('admin', 'media.watch', { publisherId: 'alice' })), { viewers: 2 });
      assert.deepEqual(h.room.viewersOf('alice'), ['bob', 'admin']);
    });

    it('counts the cap per publisher', () => {
      const h = alicePublishing({ limits: { maxViewersPerPublisher: 2 } });
      expectOk(h.run('admin', 'media.watch', { publisherId: 'owner' }));
      expectOk(h.run('bob', 'media.watch', { publisherId: 'owner' }));
      expectFail(h.run('carol', 'media.watch', { publisherId: 'owner' }), ErrorCode.VIEWER_LIMIT);
    });

    it('refuses everyone when the cap is 0', () => {
      const h = setup({ limits: { maxViewersPerPublisher: 0 } });
      expectFail(h.run('bob', 'media.watch', { publisherId: 'owner' }), ErrorCode.VIEWER_LIMIT);
    });

    it('answers LIVE_ENDED after the end', () => {
      const h = alicePublishing();
      expectOk(h.room.end('owner'));
      expectFail(h.run('bob', 'media.watch', { publisherId: 'alice' }), ErrorCode.LIVE_ENDED);
      expectFail(h.run('bob', 'media.unwatch', { publisherId: 'alice' }), ErrorCode.LIVE_ENDED);
    });
  });

  describe('media.unwatch', () => {
    it('ends the pair and tells the publisher', () => {
      const h = alicePublishing();
      expectOk(h.run('bob', 'media.unwatch', { publisherId: 'alice' }));
      assert.deepEqual(shape(h.take()), ['media.viewer left bob→alice @alice']);
      assert.deepEqual(h.room.viewersOf('alice'), ['carol']);
      assert.equal(h.room.canSignal('alice', 'bob'), false);
    });

    for (const [title, actor, publisherId] of [
      ['twice', 'bob', 'alice'],
      ['a publisher never watched', 'admin', 'alice'],
      ['a member who is not seated', 'bob', 'carol'],
      ['a user who is not a member', 'bob', 'ghost'],
      ['yourself', 'alice', 'alice'],
    ] as const) {
      it(`is idempotent: unwatching ${title} succeeds and emits nothing`, () => {
        const h = alicePublishing();
        if (title === 'twice') expectOk(h.run(actor, 'media.unwatch', { publisherId }));
        h.take();
        expectOk(h.run(actor, 'media.unwatch', { publisherId }));
        assert.deepEqual(h.take(), []);
      });
    }

    it('needs membership (NOT_IN_LIVE)', () => {
      const h = alicePublishing();
      expectFail(h.run('ghost', 'media.unwatch', { publisherId: 'alice' }), ErrorCode.NOT_IN_LIVE);
    });
  });

  describe('media.viewers', () => {
    it("answers the caller's viewers in watch order, and emits nothing", () => {
      const h = alicePublishing();
      assert.deepEqual(expectOk(h.run('alice', 'media.viewers', {})), { viewers: ['bob', 'carol'] });
      assert.deepEqual(expectOk(h.run('bob', 'media.viewers', {})), { viewers: [] });
      expectOk(h.run('bob', 'media.unwatch', { publisherId: 'alice' }));
      h.take();
      assert.deepEqual(expectOk(h.run('alice', 'media.viewers', {})), { viewers: ['carol'] });
      assert.deepEqual(h.take(), []);
    });

    it('answers the viewers who watched again after a fresh start', () => {
      const h = alicePublishing();
      expectOk(h.room.join(ALICE, { fresh: true }));
      assert.deepEqual(expectOk(h.run('alice', 'media.viewers', {})), { viewers: [] });
      expectOk(h.run('carol', 'media.watch', { publisherId: 'alice' }));
      assert.deepEqual(expectOk(h.run('alice', 'media.viewers', {})), { viewers: ['carol'] });
    });

    it('needs membership (NOT_IN_LIVE)', () => {
      const h = alicePublishing();
      expectFail(h.run('ghost', 'media.viewers', {}), ErrorCode.NOT_IN_LIVE);
    });
  });

  describe('canSignal', () => {
    it('is true only inside a pair, in both directions', () => {
      const h = alicePublishing();
      const cases: [string, string, boolean][] = [
        ['alice', 'bob', true],
        ['bob', 'alice', true],
        ['carol', 'alice', true],
        ['bob', 'carol', false],
        ['carol', 'bob', false],
        ['owner', 'alice', false],
        ['alice', 'owner', false],
        ['alice', 'alice', false],
        ['bob', 'bob', false],
        ['ghost', 'alice', false],
        ['alice', 'ghost', false],
      ];
      for (const [from, toId, expected] of cases) {
        assert.equal(h.room.canSignal(from, toId), expected, `${from} → ${toId}`);
      }
    });
  });

  describe('how pairs end', () => {
    /** Steps run on `alicePublishing()`, then what remains and the `media.viewer` events. */
    const endings: {
      readonly title: string;
      readonly act: (h: Harness) => void;
      readonly viewers: readonly string[];
      readonly events: readonly string[];
    }[] = [
      {
        title: 'the publisher leaves the seat: each viewer is dropped, the publisher told',
        act: (h) => expectOk(h.run('alice', 'seat.leave', {})),
        viewers: [],
        events: ['media.viewer left bob→alice @alice', 'media.viewer left carol→alice @alice'],
      },
      {
        title: 'the publisher is kicked',
        act: (h) => expectOk(h.run('owner', 'seat.kick', { userId: 'alice' })),
        viewers: [],
        events: ['media.viewer left bob→alice @alice', 'media.viewer left carol→alice @alice'],
      },
      {
        title: 'the publisher is replaced (forceReplace)',
        act: (h) => {
          expectOk(h.run('admin', 'seat.take', { seatIndex: 3 }));
          expectOk(h.run('owner', 'seat.move', { userId: 'admin', targetIndex: 2, policy: 'forceReplace' }));
        },
        viewers: [],
        events: ['media.viewer left bob→alice @alice', 'media.viewer left carol→alice @alice'],
      },
      {
        title: 'the publisher leaves the live (silently: it is gone)',
        act: (h) => expectOk(h.room.leave('alice')),
        viewers: [],
        events: [],
      },
      {
        title: 'the publisher is lost past the grace period (silently)',
        act: (h) => {
          h.room.setOnline('alice', false);
          h.scheduler.advance(GRACE);
        },
        viewers: [],
        events: [],
      },
      {
        title: "the publisher's client starts afresh (a reload): each viewer is told, to watch again",
        act: (h) => expectOk(h.room.join(ALICE, { fresh: true })),
        viewers: [],
        events: ['media.viewer left bob→alice @bob', 'media.viewer left carol→alice @carol'],
      },
      {
        title: "the publisher's client starts afresh while it is offline within the grace period",
        act: (h) => {
          h.room.setOnline('alice', false);
          h.scheduler.advance(GRACE - 1);
          expectOk(h.room.join(ALICE, { fresh: true }));
        },
        viewers: [],
        events: ['media.viewer left bob→alice @bob', 'media.viewer left carol→alice @carol'],
      },
      {
        title: "a viewer's client starts afresh (a reload): the publisher is told",
        act: (h) => expectOk(h.room.join(CAROL, { fresh: true })),
        viewers: ['bob'],
        events: ['media.viewer left carol→alice @alice'],
      },
      {
        title: 'a viewer unwatches',
        act: (h) => expectOk(h.run('carol', 'media.unwatch', { publisherId: 'alice' })),
        viewers: ['bob'],
        events: ['media.viewer left carol→alice @alice'],
      },
      {
        title: 'a viewer leaves the live',
        act: (h) => expectOk(h.room.leave('bob')),
        viewers: ['carol'],
        events: ['media.viewer left bob→alice @alice'],
      },
      {
        title: 'a viewer is lost past the grace period',
        act: (h) => {
          h.room.setOnline('bob', false);
          h.scheduler.advance(GRACE);
        },
        viewers: ['carol'],
        events: ['media.viewer left bob→alice @alice'],
      },
    ];
    for (const { title, act, viewers, events } of endings) {
      it(`ends when ${title}`, () => {
        const h = alicePublishing();
        act(h);
        assert.deepEqual(mediaEvents(h.take()), events);
        assert.deepEqual(h.room.viewersOf('alice'), viewers);
        assert.equal(h.room.canSignal('alice', 'bob'), viewers.includes('bob'));
        assert.equal(h.room.canSignal('carol', 'alice'), viewers.includes('carol'));
      });
    }

    const keeps: { readonly title: string; readonly act: (h: Harness) => void }[] = [
      {
        title: 'the publisher moves to another seat',
        act: (h) => expectOk(h.run('alice', 'seat.move', { userId: 'alice', targetIndex: 4 })),
      },
      {
        title: 'the publisher is swapped with another seat holder',
        act: (h) =>
          expectOk(h.run('owner', 'seat.move', { userId: 'alice', targetIndex: 0, policy: 'swap' })),
      },
      {
        title: 'the publisher is offline within the grace period and comes back',
        act: (h) => {
          h.room.setOnline('alice', false);
          h.scheduler.advance(GRACE - 1);
          h.room.setOnline('alice', true);
          h.scheduler.advance(GRACE);
        },
      },
      {
        title: 'a viewer is offline within the grace period',
        act: (h) => {
          h.room.setOnline('bob', false);
          h.scheduler.advance(GRACE - 1);
        },
      },
      {
        title: 'the publisher joins again, resuming (not fresh)',
        act: (h) => {
          expectOk(h.room.join(ALICE));
          expectOk(h.room.join(ALICE, { fresh: false }));
        },
      },
      {
        title: "another member's client starts afresh",
        act: (h) => expectOk(h.room.join(ADMIN, { fresh: true })),
      },
      {
        title: 'the publisher becomes an administrator',
        act: (h) => expectOk(h.run('owner', 'member.setAdmin', { userId: 'alice', admin: true })),
      },
      {
        title: 'the publisher turns its devices on and off, or is muted by the host',
        act: (h) => {
          expectOk(h.run('alice', 'device.publish', { camera: 'on', microphone: 'on' }));
          expectOk(h.run('owner', 'device.closeRemote', { userId: 'alice', device: 'camera' }));
          expectOk(h.run('owner', 'seat.lock', { seatIndex: 2, lockAudio: true }));
        },
      },
      {
        title: 'another seat holder leaves the seat',
        act: (h) => expectOk(h.run('owner', 'seat.leave', {})),
      },
    ];
    for (const { title, act } of keeps) {
      it(`lasts when ${title}`, () => {
        const h = alicePublishing();
        act(h);
        assert.deepEqual(mediaEvents(h.take()), []);
        assert.deepEqual(h.room.viewersOf('alice'), ['bob', 'carol']);
        assert.equal(h.room.canSignal('bob', 'alice'), true);
      });
    }

    for (const [title, act] of [
      ['the owner ends the live', (h: Harness) => expectOk(h.room.end('owner'))],
      ['the owner leaves', (h: Harness) => expectOk(h.room.leave('owner'))],
      ['the server disposes the room', (h: Harness) => h.room.dispose()],
    ] as const) {
      it(`ends every pair, silently, when ${title}`, () => {
        const h = alicePublishing();
        expectOk(h.run('alice', 'media.watch', { publisherId: 'owner' }));
        h.take();
        act(h);
        const events = h.take();
        assert.deepEqual(mediaEvents(events), [], 'live.ended says it all');
        assert.equal(events.at(-1)?.event.type, 'live.ended');
        assert.deepEqual(h.room.viewersOf('alice'), []);
        assert.deepEqual(h.room.viewersOf('owner'), []);
        assert.equal(h.room.canSignal('alice', 'bob'), false);
        assert.equal(h.room.canSignal('owner', 'alice'), false);
      });
    }

    it('sends the publisher its seat events first, then the ends of its pairs', () => {
      const h = alicePublishing();
      expectOk(h.run('owner', 'seat.kick', { userId: 'alice' }));
      assert.deepEqual(shape(h.take()), [
        'seats @all',
        'seat.lost @managersAnd',
        'media.viewer left bob→alice @alice',
        'media.viewer left carol→alice @alice',
      ]);
    });

    it('tells each publisher a departing viewer watched, before member.left', () => {
      const h = alicePublishing();
      expectOk(h.run('bob', 'media.watch', { publisherId: 'owner' }));
      h.take();
      expectOk(h.room.leave('bob'));
      assert.deepEqual(shape(h.take()), [
        'media.viewer left bob→alice @alice',
        'media.viewer left bob→owner @owner',
        'member.left @managers',
        'member.count @others',
      ]);
    });

    it('keeps the pairs a seat holder watches when it loses its own seat', () => {
      const h = alicePublishing();
      expectOk(h.run('alice', 'media.watch', { publisherId: 'owner' }));
      expectOk(h.run('owner', 'media.watch', { publisherId: 'alice' }));
      h.take();
      expectOk(h.run('alice', 'seat.leave', {}));
      assert.deepEqual(mediaEvents(h.take()), [
        'media.viewer left bob→alice @alice',
        'media.viewer left carol→alice @alice',
        'media.viewer left owner→alice @alice',
      ]);
      assert.deepEqual(h.room.viewersOf('owner'), ['alice']);
      assert.equal(h.room.canSignal('alice', 'owner'), true);
    });

    it('needs a new watch after the publisher is seated again', () => {
      const h = alicePublishing();
      expectOk(h.run('alice', 'seat.leave', {}));
      expectFail(h.run('bob', 'media.watch', { publisherId: 'alice' }), ErrorCode.NOT_ON_SEAT);
      expectOk(h.run('alice', 'seat.take', { seatIndex: 1 }));
      h.take();
      assert.deepEqual(expectOk(h.run('bob', 'media.watch', { publisherId: 'alice' })), { viewers: 1 });
      assert.deepEqual(mediaEvents(h.take()), ['media.viewer joined bob→alice @alice']);
    });

    it('ends both pairs of two seat holders when one starts afresh, and a new watch pairs them again', () => {
      const h = alicePublishing();
      expectOk(h.run('alice', 'media.watch', { publisherId: 'owner' }));
      expectOk(h.run('owner', 'media.watch', { publisherId: 'alice' }));
      h.take();
      expectOk(h.room.join(ALICE, { fresh: true }));
      assert.deepEqual(mediaEvents(h.take()), [
        'media.viewer left bob→alice @bob',
        'media.viewer left carol→alice @carol',
        'media.viewer left owner→alice @owner',
        'media.viewer left alice→owner @owner',
      ]);
      assert.deepEqual(h.room.viewersOf('alice'), []);
      assert.deepEqual(h.room.viewersOf('owner'), []);
      assert.equal(h.room.canSignal('owner', 'alice'), false);
      // The viewers watch again: each is a new pair, and the new client creates its peers.
      assert.deepEqual(expectOk(h.run('bob', 'media.watch', { publisherId: 'alice' })), { viewers: 1 });
      expectOk(h.run('alice', 'media.watch', { publisherId: 'owner' }));
      assert.deepEqual(mediaEvents(h.take()), [
        'media.viewer joined bob→alice @alice',
        'media.viewer joined alice→owner @owner',
      ]);
    });

    it('starts a returning member with no pair', () => {
      const h = alicePublishing();
      expectOk(h.room.leave('bob'));
      expectOk(h.room.join(BOB));
      assert.deepEqual(h.room.viewersOf('alice'), ['carol']);
      assert.equal(h.room.canSignal('bob', 'alice'), false);
    });
  });

  describe('snapshots', () => {
    it('never list watch pairs, for anyone', () => {
      const h = alicePublishing();
      for (const viewer of ['owner', 'admin', 'alice', 'bob', 'ghost']) {
        const snapshot = h.room.snapshotFor(viewer);
        assert.deepEqual(Object.keys(snapshot).sort(), [
          'applications',
          'invitations',
          'live',
          'memberCount',
          'members',
          'seats',
          'seq',
        ]);
        assert.doesNotMatch(JSON.stringify(snapshot), /viewer|watch/i, viewer);
      }
    });

    it('counts the media.viewer events in the seq a snapshot reports', () => {
      const h = alicePublishing();
      const before = h.room.seq;
      expectOk(h.run('owner', 'media.watch', { publisherId: 'alice' }));
      assert.equal(h.room.snapshotFor('bob').seq, before + 1);
    });
  });

  it('never takes the viewer from the arguments', () => {
    const h = alicePublishing();
    const forged = { publisherId: 'alice', viewerId: 'owner', userId: 'owner' } as never;
    expectOk(h.run('admin', 'media.watch', forged));
    assert.deepEqual(h.room.viewersOf('alice'), ['bob', 'carol', 'admin']);
  });
});
