import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveRoom } from '../../src/engine/room.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import type { RoomLimits } from '../../src/engine/types.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { EventEnvelope } from '../../src/protocol/types.js';
import {
  ADMIN,
  ALICE,
  ALL,
  BOB,
  CAROL,
  command,
  expectFail,
  expectOk,
  LIVE_ID,
  managersAnd,
  MANAGERS,
  only,
  OTHERS,
  OWNER,
  setup,
  user,
} from './harness.js';

function create(settings: Record<string, unknown>, limits?: Partial<RoomLimits>) {
  const events: EventEnvelope[] = [];
  const result = LiveRoom.create({
    owner: OWNER,
    settings: { liveId: LIVE_ID, ...settings } as never,
    scheduler: new ManualScheduler(),
    limits,
    emit: (envelope) => events.push(envelope),
  });
  return { result, events };
}

describe('LiveRoom lifecycle', () => {
  describe('create', () => {
    it('makes the creator the owner, seated on seat 0, with defaults and no event', () => {
      const { result, events } = create({});
      const room = expectOk(result);
      const info = room.info();
      assert.equal(info.seatMode, 'apply');
      assert.equal(info.maxSeatCount, 9);
      assert.equal(info.keepOwnerOnSeat, true);
      assert.equal(info.createdAt, 1_700_000_000_000);
      assert.deepEqual(info.owner, OWNER);
      assert.equal(room.roleOf('owner'), 'owner');
      assert.equal(room.isMember('owner'), true);
      assert.equal(room.seq, 0);
      assert.equal(room.ended, false);
      assert.deepEqual(events, []);
      const snapshot = room.snapshotFor('owner');
      assert.equal(snapshot.seats.length, 9);
      assert.equal(snapshot.memberCount, 1);
      assert.deepEqual(snapshot.members, [{ ...OWNER, role: 'owner', joinedAt: 1_700_000_000_000 }]);
      const seat0 = snapshot.seats[0]?.userInfo;
      assert.equal(seat0?.userId, 'owner');
      assert.equal(seat0.role, 'owner');
      assert.equal(seat0.liveId, LIVE_ID);
      assert.equal(seat0.connection, 'online');
      assert.equal(seat0.microphoneStatus, 'off');
      assert.equal(seat0.cameraStatus, 'off');
      assert.equal(seat0.allowOpenMicrophone, true);
      assert.equal(seat0.allowOpenCamera, true);
      assert.equal(seat0.onSeatTimestamp, 1_700_000_000_000);
      assert.ok(snapshot.seats.slice(1).every((seat) => seat.userInfo === null && !seat.isLocked));
    });

    it('leaves seat 0 empty without keepOwnerOnSeat, and honours seatMode and maxSeatCount', () => {
      const room = expectOk(create({ keepOwnerOnSeat: false, seatMode: 'free', maxSeatCount: 3 }).result);
      assert.deepEqual(
        room.snapshotFor('owner').seats.map((seat) => seat.userInfo),
        [null, null, null],
      );
      assert.equal(room.info().seatMode, 'free');
    });

    it('accepts 1 and 16 seats and refuses anything else with MAX_SEAT_COUNT_LIMIT', () => {
      assert.equal(expectOk(create({ maxSeatCount: 1 }).result).snapshotFor('x').seats.length, 1);
      assert.equal(expectOk(create({ maxSeatCount: 16 }).result).snapshotFor('x').seats.length, 16);
      for (const maxSeatCount of [0, -1, 17, 2.5, Number.NaN]) {
        expectFail(create({ maxSeatCount }).result, ErrorCode.MAX_SEAT_COUNT_LIMIT, 'maxSeatCount');
      }
    });

    it('refuses a bad liveId, seat mode or limits with INVALID_ARGUMENT', () => {
      expectFail(create({ liveId: '' }).result, ErrorCode.INVALID_ARGUMENT);
      expectFail(create({ seatMode: 'open' }).result, ErrorCode.INVALID_ARGUMENT, 'seatMode');
      expectFail(create({}, { maxMembers: 0 }).result, ErrorCode.INVALID_ARGUMENT, 'maxMembers');
      expectFail(create({}, { maxPendingApplications: -1 }).result, ErrorCode.INVALID_ARGUMENT);
      expectFail(create({}, { graceMs: Number.POSITIVE_INFINITY }).result, ErrorCode.INVALID_ARGUMENT);
    });
  });

  describe('join', () => {
    it('adds an audience member: member.joined to managers, member.count to others, then the snapshot', () => {
      const h = setup({ members: [ADMIN] });
      const before = h.room.seq;
      const snapshot = expectOk(h.room.join(ALICE));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.seq, envelope.liveId, envelope.to, envelope.event]),
        [
          [
            before + 1,
            LIVE_ID,
            MANAGERS,
            {
              type: 'member.joined',
              member: { ...ALICE, role: 'audience', joinedAt: h.scheduler.now() },
              memberCount: 3,
            },
          ],
          [before + 2, LIVE_ID, OTHERS, { type: 'member.count', memberCount: 3 }],
        ],
      );
      assert.equal(snapshot.seq, before + 2);
      assert.equal(snapshot.seq, h.room.seq);
      assert.equal(h.room.roleOf('alice'), 'audience');
      assert.deepEqual(snapshot.members, [{ ...ALICE, role: 'audience', joinedAt: h.scheduler.now() }]);
      assert.equal(snapshot.memberCount, 3);
    });

    it('is idempotent for an existing member: no event, same snapshot', () => {
      const h = setup();
      const first = h.room.snapshotFor('alice');
      const again = expectOk(h.room.join(ALICE));
      assert.deepEqual(h.take(), []);
      assert.deepEqual(again, first);
    });

    it('refuses a new member past maxMembers with LIVE_FULL, but lets existing members rejoin', () => {
      const h = setup({ members: [ALICE], admins: [], limits: { maxMembers: 2 } });
      expectFail(h.room.join(BOB), ErrorCode.LIVE_FULL, 'full');
      expectOk(h.room.join(ALICE));
      assert.equal(h.room.isMember('bob'), false);
      assert.deepEqual(h.take(), []);
    });

    it('refuses to join an ended live with LIVE_ENDED', () => {
      const h = setup();
      expectOk(h.room.end('owner'));
      expectFail(h.room.join(user('dave')), ErrorCode.LIVE_ENDED);
    });
  });

  describe('snapshotFor', () => {
    it('shows managers every member and every pending request, in arrival order', () => {
      const h = setup();
      expectOk(h.run('bob', 'guest.apply', {}));
      expectOk(h.run('alice', 'guest.apply', { seatIndex: 3 }));
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'carol' }));
      for (const manager of ['owner', 'admin']) {
        const snapshot = h.room.snapshotFor(manager);
        assert.deepEqual(
          snapshot.members.map((member) => [member.userId, member.role]),
          [
            ['owner', 'owner'],
            ['admin', 'admin'],
            ['alice', 'audience'],
            ['bob', 'audience'],
            ['carol', 'audience'],
          ],
        );
        assert.deepEqual(
          snapshot.applications.map((application) => application.user.userId),
          ['bob', 'alice'],
        );
        assert.deepEqual(
          snapshot.invitations.map((invitation) => invitation.invitee.userId),
          ['carol'],
        );
        assert.equal(snapshot.memberCount, 5);
      }
    });

    it('shows an audience member only themself and their own requests', () => {
      const h = setup();
      expectOk(h.run('bob', 'guest.apply', {}));
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'carol' }));
      const alice = h.room.snapshotFor('alice');
      assert.deepEqual(
        alice.members.map((member) => member.userId),
        ['alice'],
      );
      assert.deepEqual(
        alice.applications.map((application) => application.user.userId),
        ['alice'],
      );
      assert.deepEqual(alice.invitations, []);
      assert.equal(alice.memberCount, 5);
      const carol = h.room.snapshotFor('carol');
      assert.deepEqual(carol.applications, []);
      assert.deepEqual(
        carol.invitations.map((invitation) => invitation.invitee.userId),
        ['carol'],
      );
    });

    it('shows a non-member only the live, the seats and the count', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', {}));
      const snapshot = h.room.snapshotFor('stranger');
      assert.deepEqual(snapshot.members, []);
      assert.deepEqual(snapshot.applications, []);
      assert.deepEqual(snapshot.invitations, []);
      assert.equal(snapshot.memberCount, 5);
      assert.equal(snapshot.seats.length, 9);
      assert.equal(snapshot.live.liveId, LIVE_ID);
      assert.equal(snapshot.seq, h.room.seq);
    });
  });

  describe('leave', () => {
    it('refuses a non-member with NOT_IN_LIVE', () => {
      const h = setup();
      expectFail(h.room.leave('stranger'), ErrorCode.NOT_IN_LIVE);
    });

    it('removes an audience member: member.left to managers, member.count to others', () => {
      const h = setup();
      expectOk(h.room.leave('alice'));
      assert.deepEqual(
        h.take().map((envelope) => [envelope.to, envelope.event]),
        [
          [MANAGERS, { type: 'member.left', userId: 'alice', reason: 'left', memberCount: 4 }],
          [OTHERS, { type: 'member.count', memberCount: 4 }],
        ],
      );
      assert.equal(h.room.isMember('alice'), false);
      assert.equal(h.room.roleOf('alice'), null);
    });

    it('frees the seat of a seated member first', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      h.take();
      expectOk(h.room.leave('alice'));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['member.left', MANAGERS],
          ['member.count', OTHERS],
        ],
      );
      assert.equal(only(events, 'seats').event.seats[2]?.userInfo, null);
      assert.equal(h.room.summary().seatedCount, 1);
    });

    it('resolves the leaver’s pending application and invitation as left', () => {
      const h = setup();
      const application = expectOk(h.run('alice', 'guest.apply', { timeout: 30 })) as { requestId: string };
      const invitation = expectOk(h.run('owner', 'guest.invite', { inviteeId: 'bob', timeout: 30 })) as {
        requestId: string;
      };
      h.take();
      expectOk(h.room.leave('alice'));
      expectOk(h.room.leave('bob'));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => envelope.event.type),
        [
          'application.resolved',
          'member.left',
          'member.count',
          'invitation.resolved',
          'member.left',
          'member.count',
        ],
      );
      const resolvedApplication = only(events, 'application.resolved');
      assert.deepEqual(resolvedApplication.to, managersAnd('alice'));
      assert.equal(resolvedApplication.event.requestId, application.requestId);
      assert.equal(resolvedApplication.event.outcome, 'left');
      const resolvedInvitation = only(events, 'invitation.resolved');
      assert.deepEqual(resolvedInvitation.to, managersAnd('bob'));
      assert.equal(resolvedInvitation.event.requestId, invitation.requestId);
      assert.equal(resolvedInvitation.event.outcome, 'left');
      assert.equal(h.scheduler.pending, 0, 'request timers cleared');
    });

    it('ends the live when the owner leaves (endedByHost)', () => {
      const h = setup();
      expectOk(h.room.leave('owner'));
      assert.equal(h.room.ended, true);
      assert.deepEqual(
        h.take().map((envelope) => [envelope.to, envelope.event]),
        [[ALL, { type: 'live.ended', reason: 'endedByHost' }]],
      );
    });
  });

  describe('end', () => {
    it('is for the owner only', () => {
      const h = setup();
      expectFail(h.room.end('admin'), ErrorCode.NEED_OWNER_PERMISSION, 'owner');
      expectFail(h.room.end('alice'), ErrorCode.NEED_OWNER_PERMISSION);
      expectFail(h.room.end('stranger'), ErrorCode.NOT_IN_LIVE);
      assert.equal(h.room.ended, false);
      assert.deepEqual(h.take(), []);
    });

    it('fails every pending request with LIVE_ENDED, then tells everyone, then clears every timer', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { timeout: 10 }));
      expectOk(h.run('bob', 'guest.apply', {}));
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'carol', timeout: 10 }));
      h.room.setOnline('alice', false);
      h.take();
      assert.equal(h.scheduler.pending, 3);
      expectOk(h.room.end('owner'));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['application.resolved', managersAnd('alice')],
          ['application.resolved', managersAnd('bob')],
          ['invitation.resolved', managersAnd('carol')],
          ['live.ended', ALL],
        ],
      );
      for (const envelope of events.slice(0, 3)) {
        const event = envelope.event as { outcome: string; code: number };
        assert.equal(event.outcome, 'failed');
        assert.equal(event.code, ErrorCode.LIVE_ENDED);
      }
      assert.deepEqual(events[3]?.event, { type: 'live.ended', reason: 'endedByHost' });
      assert.equal(h.room.ended, true);
      assert.equal(h.scheduler.pending, 0);
      h.scheduler.advance(60_000);
      assert.deepEqual(h.take(), []);
    });

    it('answers LIVE_ENDED to every later call', () => {
      const h = setup();
      expectOk(h.room.end('owner'));
      h.take();
      expectFail(h.room.end('owner'), ErrorCode.LIVE_ENDED);
      expectFail(h.room.leave('alice'), ErrorCode.LIVE_ENDED);
      expectFail(h.room.join(ALICE), ErrorCode.LIVE_ENDED);
      expectFail(h.run('alice', 'guest.apply', {}), ErrorCode.LIVE_ENDED);
      expectFail(h.run('owner', 'seat.leave', {}), ErrorCode.LIVE_ENDED);
      expectFail(h.run('stranger', 'seat.leave', {}), ErrorCode.LIVE_ENDED);
      h.room.setOnline('alice', false);
      h.room.dispose();
      assert.deepEqual(h.take(), []);
      assert.equal(h.scheduler.pending, 0);
    });
  });

  describe('dispose', () => {
    it('ends the live with endedByServer and clears every timer, once', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { timeout: 10 }));
      h.room.setOnline('bob', false);
      h.take();
      h.room.dispose();
      assert.deepEqual(h.takeShape(), [
        ['application.resolved', managersAnd('alice')],
        ['live.ended', ALL],
      ]);
      assert.equal(h.events.length, 0);
      assert.equal(h.scheduler.pending, 0);
      h.room.dispose();
      assert.deepEqual(h.take(), []);
    });
  });

  describe('summary and info', () => {
    it('counts members and seated users', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: -1 }));
      const summary = h.room.summary();
      assert.equal(summary.memberCount, 5);
      assert.equal(summary.seatedCount, 2);
      const info = h.room.info();
      assert.deepEqual(summary, {
        liveId: info.liveId,
        liveName: info.liveName,
        owner: info.owner,
        seatMode: info.seatMode,
        maxSeatCount: info.maxSeatCount,
        seatedCount: 2,
        memberCount: 5,
        createdAt: info.createdAt,
      });
      assert.equal(h.room.liveId, LIVE_ID);
    });
  });

  describe('events', () => {
    it('numbers envelopes 1, 2, 3… per room, synchronously', () => {
      const scheduler = new ManualScheduler();
      const seqs: number[] = [];
      const room = expectOk(
        LiveRoom.create({
          owner: OWNER,
          settings: {
            liveId: LIVE_ID,
            liveName: '',
            seatMode: 'free',
            maxSeatCount: 4,
            keepOwnerOnSeat: true,
          },
          scheduler,
          emit: (envelope) => {
            seqs.push(envelope.seq);
            assert.equal(room.seq, envelope.seq, 'seq is updated before emit');
          },
        }),
      );
      expectOk(room.join(ALICE));
      expectOk(room.join(BOB));
      expectOk(room.execute('alice', command('seat.take', { seatIndex: -1 })));
      expectOk(room.leave('alice'));
      assert.deepEqual(
        seqs,
        Array.from({ length: seqs.length }, (_, i) => i + 1),
      );
      assert.equal(room.seq, seqs.length);
    });
  });

  describe('robustness', () => {
    it('turns an exception during a command into SERVER_ERROR instead of throwing', () => {
      const h = setup();
      h.breakEmit(new Error('hub exploded'));
      const result = h.run('alice', 'guest.apply', {});
      expectFail(result, ErrorCode.SERVER_ERROR, 'hub exploded');
      expectFail(h.room.join(user('dave')), ErrorCode.SERVER_ERROR);
      expectFail(h.room.leave('bob'), ErrorCode.SERVER_ERROR);
      assert.doesNotThrow(() => h.room.setOnline('carol', false));
    });

    it('reports an exception inside a timer to onError instead of the scheduler', () => {
      const errors: unknown[] = [];
      const h = setup({ onError: (error) => errors.push(error) });
      expectOk(h.run('alice', 'guest.apply', { timeout: 1 }));
      h.breakEmit(new Error('boom'));
      assert.doesNotThrow(() => h.scheduler.advance(1000));
      assert.equal(errors.length, 1);
      assert.match(String(errors[0]), /boom/);
    });

    it('refuses an unknown command with INVALID_ARGUMENT', () => {
      const h = setup();
      expectFail(
        h.room.execute('alice', { name: 'seat.explode', args: {} } as never),
        ErrorCode.INVALID_ARGUMENT,
        'seat.explode',
      );
    });

    it('refuses a command without arguments with INVALID_ARGUMENT', () => {
      const h = setup();
      expectFail(h.room.execute('alice', null as never), ErrorCode.INVALID_ARGUMENT);
      expectFail(h.room.execute('alice', { name: 'seat.take' } as never), ErrorCode.INVALID_ARGUMENT);
      assert.deepEqual(h.take(), []);
    });

    it('refuses any command from a non-member with NOT_IN_LIVE', () => {
      const h = setup({ members: [ALICE, BOB, CAROL, ADMIN] });
      expectFail(h.run('stranger', 'guest.apply', {}), ErrorCode.NOT_IN_LIVE, 'Join');
      expectFail(h.run('stranger', 'seat.kick', { userId: 'alice' }), ErrorCode.NOT_IN_LIVE);
      expectFail(
        h.run('stranger', 'member.setAdmin', { userId: 'alice', admin: true }),
        ErrorCode.NOT_IN_LIVE,
      );
      assert.deepEqual(h.take(), []);
    });
  });
});
