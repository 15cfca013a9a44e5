import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveRoom } from '../../src/engine/room.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import {
  ROOM_CHECKPOINT_VERSION,
  type RoomCheckpoint,
  type RoomCommandName,
} from '../../src/engine/types.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { CommandInput } from '../../src/protocol/messages.js';
import type { EventEnvelope } from '../../src/protocol/types.js';
import {
  ALICE,
  ALL,
  BOB,
  CAROL,
  command,
  expectFail,
  expectOk,
  only,
  OWNER,
  setup,
  to,
  user,
  type Harness,
} from './harness.js';

const EVERYONE = ['owner', 'admin', 'alice', 'bob', 'carol', 'dave', 'ghost'];
const DAVE = user('dave');

interface RestoreOptions {
  /** The new process's clock is this many ms after the original's. Default 0. */
  readonly later?: number;
  readonly audience?: boolean;
}

/** `h`'s room restored from its checkpoint, through JSON, on a new scheduler. */
function restored(h: Harness, options: RestoreOptions = {}) {
  const checkpoint = h.room.checkpoint({ audience: options.audience });
  const json: unknown = JSON.parse(JSON.stringify(checkpoint));
  const scheduler = new ManualScheduler(h.scheduler.now() + (options.later ?? 0));
  const events: EventEnvelope[] = [];
  const result = LiveRoom.restore(json, {
    scheduler,
    emit: (envelope) => events.push(envelope),
    onError: (error) => {
      throw error;
    },
  });
  if (!result.isSuccess) assert.fail(result.errorMessage);
  const room = result.data;
  return {
    room,
    scheduler,
    checkpoint,
    take: (): EventEnvelope[] => events.splice(0, events.length),
    run<N extends RoomCommandName>(actorId: string, name: N, args: Omit<CommandInput<N>, 'liveId'>) {
      return room.execute(actorId, command(name, args));
    },
  };
}

/** The original and the restored room show every user the same thing. */
function assertSameViews(original: LiveRoom, copy: LiveRoom): void {
  assert.equal(copy.seq, original.seq);
  assert.equal(copy.ended, original.ended);
  assert.deepEqual(copy.summary(), original.summary());
  for (const userId of EVERYONE) {
    assert.deepEqual(copy.snapshotFor(userId), original.snapshotFor(userId), `snapshot of ${userId}`);
    assert.equal(copy.roleOf(userId), original.roleOf(userId));
    assert.deepEqual(copy.viewersOf(userId), original.viewersOf(userId));
  }
}

describe('LiveRoom checkpoints', () => {
  describe('state that survives the round trip', () => {
    it('keeps the settings, the live info and the limits', () => {
      const h = setup({
        seatMode: 'free',
        maxSeatCount: 5,
        keepOwnerOnSeat: false,
        limits: { maxMembers: 6, graceMs: 1_234, maxViewersPerPublisher: 3 },
      });
      h.scheduler.advance(10_000);
      const r = restored(h);
      assert.deepEqual(r.room.info(), h.room.info());
      assert.equal(r.room.liveId, h.room.liveId);
      assert.deepEqual(r.checkpoint.limits, { ...r.checkpoint.limits, maxMembers: 6, graceMs: 1_234 });
      assertSameViews(h.room, r.room);
      // The member limit still holds: six with Dave, then full.
      expectOk(r.room.join(DAVE));
      expectFail(r.room.join(user('eve')), ErrorCode.LIVE_FULL);
      // Free seats still taken directly.
      expectOk(r.run('alice', 'seat.take', { seatIndex: 4 }));
    });

    it('keeps the seats and the devices of their occupants', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      expectOk(h.run('alice', 'device.publish', { microphone: 'on', camera: 'on' }));
      expectOk(h.run('bob', 'seat.take', { seatIndex: 4 }));
      h.scheduler.advance(500);
      const r = restored(h);
      assertSameViews(h.room, r.room);
      const alice = r.room.snapshotFor('owner').seats[2]?.userInfo;
      assert.equal(alice?.microphoneStatus, 'on');
      assert.equal(alice.cameraStatus, 'on');
      expectFail(r.run('carol', 'seat.take', { seatIndex: 2 }), ErrorCode.SEAT_OCCUPIED);
      expectOk(r.run('alice', 'device.publish', { camera: 'off' }));
      const seats = only(r.take(), 'seats').event.seats;
      assert.equal(seats[2]?.userInfo?.microphoneStatus, 'on');
      assert.equal(seats[2]?.userInfo?.cameraStatus, 'off');
      assert.equal(
        seats[2]?.userInfo?.onSeatTimestamp,
        h.room.snapshotFor('owner').seats[2]?.userInfo?.onSeatTimestamp,
      );
    });

    it('keeps seat locks and device permissions', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 3, lockSeat: true }));
      expectOk(
        h.run('owner', 'device.setRemoteAllowed', { userId: 'alice', device: 'camera', allowed: false }),
      );
      const r = restored(h);
      assertSameViews(h.room, r.room);
      expectFail(r.run('carol', 'seat.take', { seatIndex: 3 }), ErrorCode.SEAT_LOCKED);
      expectFail(r.run('alice', 'device.publish', { camera: 'on' }), ErrorCode.CAMERA_LOCKED);
      expectOk(r.run('alice', 'device.publish', { microphone: 'on' }));
      expectOk(
        r.run('owner', 'device.setRemoteAllowed', { userId: 'alice', device: 'camera', allowed: true }),
      );
      expectOk(r.run('alice', 'device.publish', { camera: 'on' }));
    });

    it('keeps pending applications in arrival order, and the next request id', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { seatIndex: -1, timeout: 30, extraInfo: 'hello' }));
      expectOk(h.run('bob', 'guest.apply', { seatIndex: 4 }));
      const r = restored(h);
      assertSameViews(h.room, r.room);
      assert.deepEqual(
        r.room.snapshotFor('owner').applications.map((a) => [a.requestId, a.user.userId, a.extraInfo]),
        [
          ['app-1', 'alice', 'hello'],
          ['app-2', 'bob', ''],
        ],
      );
      assert.deepEqual(
        r.room.snapshotFor('bob').applications.map((a) => a.requestId),
        ['app-2'],
      );
      expectOk(r.run('owner', 'guest.acceptApplication', { userId: 'bob' }));
      const resolved = only(r.take(), 'application.resolved');
      assert.deepEqual(resolved.event, {
        type: 'application.resolved',
        requestId: 'app-2',
        user: BOB,
        outcome: 'accepted',
        by: OWNER,
        code: 0,
        seatIndex: 4,
      });
      assert.equal(r.room.snapshotFor('owner').seats[4]?.userInfo?.userId, 'bob');
      assert.deepEqual(expectOk(r.run('carol', 'guest.apply', {})), { requestId: 'app-3' });
      expectFail(r.run('alice', 'guest.apply', {}), ErrorCode.ALREADY_APPLIED);
    });

    it('keeps how an application was handled, for a second manager', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('owner', 'guest.acceptApplication', { userId: 'alice' }));
      const r = restored(h);
      expectFail(
        r.run('admin', 'guest.acceptApplication', { userId: 'alice' }),
        ErrorCode.REQUEST_ALREADY_HANDLED,
        'already accepted by Olivia (owner)',
      );
    });

    it('keeps the applications of the last minute against the rate limit', () => {
      const h = setup({ limits: { maxApplicationsPerMinute: 2 } });
      for (let i = 0; i < 2; i += 1) {
        expectOk(h.run('alice', 'guest.apply', {}));
        expectOk(h.run('alice', 'guest.cancelApplication', {}));
        h.scheduler.advance(1_000);
      }
      const r = restored(h, { later: 10_000 });
      expectFail(r.run('alice', 'guest.apply', {}), ErrorCode.LIMIT_EXCEEDED, 'try again in 48 s');
      r.scheduler.advance(48_000);
      expectOk(r.run('alice', 'guest.apply', {}));
    });

    it('keeps pending invitations, their inviters and the next request id', () => {
      const h = setup();
      expectOk(
        h.run('admin', 'guest.invite', { inviteeId: 'carol', seatIndex: 3, timeout: 10, extraInfo: 'x' }),
      );
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'bob' }));
      const r = restored(h);
      assertSameViews(h.room, r.room);
      expectFail(
        r.run('carol', 'guest.acceptInvitation', { inviterId: 'owner' }),
        ErrorCode.REQUEST_NOT_FOUND,
      );
      expectFail(r.run('admin', 'guest.invite', { inviteeId: 'carol' }), ErrorCode.ALREADY_INVITED);
      expectOk(r.run('carol', 'guest.acceptInvitation', { inviterId: 'admin' }));
      const events = r.take();
      assert.equal(only(events, 'invitation.resolved').event.requestId, 'inv-1');
      assert.equal(only(events, 'seats').event.seats[3]?.userInfo?.userId, 'carol');
      assert.deepEqual(expectOk(r.run('owner', 'guest.invite', { inviteeId: 'alice' })), {
        requestId: 'inv-3',
      });
    });

    it('keeps roles: the owner, administrators and the audience', () => {
      const h = setup();
      expectOk(h.run('owner', 'member.setAdmin', { userId: 'bob', admin: true }));
      const r = restored(h);
      assert.equal(r.room.roleOf('owner'), 'owner');
      assert.equal(r.room.roleOf('admin'), 'admin');
      assert.equal(r.room.roleOf('bob'), 'admin');
      assert.equal(r.room.roleOf('alice'), 'audience');
      expectOk(r.run('bob', 'guest.invite', { inviteeId: 'alice' }));
      expectFail(r.run('alice', 'guest.invite', { inviteeId: 'carol' }), ErrorCode.NEED_ADMIN_PERMISSION);
      expectFail(
        r.run('admin', 'member.setAdmin', { userId: 'carol', admin: true }),
        ErrorCode.NEED_OWNER_PERMISSION,
      );
      expectOk(r.run('owner', 'member.setAdmin', { userId: 'bob', admin: false }));
      assert.equal(r.room.roleOf('bob'), 'audience');
    });

    it('keeps watch pairs, in watch order', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      expectOk(h.run('carol', 'media.watch', { publisherId: 'alice' }));
      expectOk(h.run('bob', 'media.watch', { publisherId: 'alice' }));
      const r = restored(h);
      assert.deepEqual(r.room.viewersOf('alice'), ['carol', 'bob']);
      assert.equal(r.room.canSignal('alice', 'bob'), true);
      assert.equal(r.room.canSignal('bob', 'carol'), false);
      expectOk(r.run('bob', 'media.unwatch', { publisherId: 'alice' }));
      assert.deepEqual(
        r.take().map((envelope) => [envelope.event, envelope.to]),
        [[{ type: 'media.viewer', publisherId: 'alice', viewerId: 'bob', action: 'left' }, to('alice')]],
      );
    });

    it('keeps a grace period running to its absolute end', () => {
      const h = setup({ seatMode: 'free', limits: { graceMs: 5_000 } });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      h.room.setOnline('alice', false);
      h.scheduler.advance(2_000);
      const r = restored(h);
      assertSameViews(h.room, r.room);
      assert.equal(r.room.snapshotFor('owner').seats[2]?.userInfo?.connection, 'lost');
      assert.equal(r.scheduler.pending, 1);
      r.scheduler.advance(2_999);
      assert.deepEqual(r.take(), []);
      r.scheduler.advance(1);
      const lost = only(r.take(), 'seat.lost');
      assert.deepEqual(lost.event, {
        type: 'seat.lost',
        userId: 'alice',
        seatIndex: 2,
        reason: 'connectionLost',
        by: null,
      });
      assert.equal(r.room.isMember('alice'), false);
    });

    it('lets a member come back within the grace period after the restore', () => {
      const h = setup({ seatMode: 'free', limits: { graceMs: 5_000 } });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      h.room.setOnline('alice', false);
      const r = restored(h, { later: 4_000 });
      r.room.setOnline('alice', true);
      assert.equal(only(r.take(), 'seats').event.seats[2]?.userInfo?.connection, 'online');
      assert.equal(r.scheduler.pending, 0);
      r.scheduler.advance(60_000);
      assert.deepEqual(r.take(), []);
      assert.equal(r.room.isMember('alice'), true);
    });

    it("ends the live when the owner's grace period ends after the restore", () => {
      const h = setup({ limits: { graceMs: 5_000 } });
      h.room.setOnline('owner', false);
      const r = restored(h, { later: 1_000 });
      r.scheduler.advance(4_000);
      assert.deepEqual(only(r.take(), 'live.ended').event, { type: 'live.ended', reason: 'hostLost' });
      assert.equal(r.room.ended, true);
    });

    it('keeps an ended live ended, with nothing pending', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { timeout: 10 }));
      expectOk(h.room.end('owner'));
      const r = restored(h);
      assert.equal(r.room.ended, true);
      assert.equal(r.scheduler.pending, 0);
      assertSameViews(h.room, r.room);
      expectFail(r.room.join(DAVE), ErrorCode.LIVE_ENDED);
      expectFail(r.run('alice', 'guest.apply', {}), ErrorCode.LIVE_ENDED);
      r.scheduler.advance(60_000);
      assert.deepEqual(r.take(), []);
    });

    it('goes on from the same seq, and neither taking nor restoring emits anything', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 1 }));
      const before = h.room.snapshotFor('owner');
      const first = h.room.checkpoint();
      assert.deepEqual(h.room.checkpoint(), first);
      assert.deepEqual(h.take().length, 1, 'only the seat.take');
      assert.deepEqual(h.room.snapshotFor('owner'), before);
      const r = restored(h);
      assert.equal(r.room.seq, h.room.seq);
      assert.deepEqual(r.take(), []);
      expectOk(r.run('bob', 'seat.take', { seatIndex: 2 }));
      assert.deepEqual(
        r.take().map((envelope) => envelope.seq),
        [h.room.seq + 1],
      );
    });
  });

  describe('timers re-armed from absolute deadlines', () => {
    it('fires a deadline that passed while the room was down at once, exactly once', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { timeout: 10 }));
      const r = restored(h, { later: 15_000 });
      assert.equal(r.scheduler.pending, 1);
      r.scheduler.advance(0);
      const events = r.take();
      assert.deepEqual(
        events.map((envelope) => envelope.event.type),
        ['application.resolved'],
      );
      assert.equal(only(events, 'application.resolved').event.outcome, 'timeout');
      r.scheduler.advance(3_600_000);
      assert.deepEqual(r.take(), []);
      assert.equal(r.scheduler.pending, 0);
    });

    it('fires a deadline still ahead at that deadline', () => {
      const h = setup();
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'carol', timeout: 10 }));
      h.scheduler.advance(4_000);
      const r = restored(h);
      r.scheduler.advance(5_999);
      assert.deepEqual(r.take(), []);
      r.scheduler.advance(1);
      const resolved = only(r.take(), 'invitation.resolved');
      assert.equal(resolved.event.outcome, 'timeout');
      assert.equal(r.scheduler.now(), h.room.snapshotFor('owner').invitations[0]?.deadline);
    });

    it('fires deadlines of one instant in the order they were set', () => {
      const h = setup({ limits: { graceMs: 10_000 } });
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'carol', timeout: 10 }));
      h.room.setOnline('bob', false);
      expectOk(h.run('alice', 'guest.apply', { timeout: 10 }));
      assert.deepEqual(h.room.checkpoint().timers, [
        { kind: 'invitation', requestId: 'inv-1' },
        { kind: 'grace', userId: 'bob' },
        { kind: 'application', requestId: 'app-1' },
      ]);
      const r = restored(h, { later: 60_000 });
      r.scheduler.advance(0);
      assert.deepEqual(
        r.take().map((envelope) => envelope.event.type),
        ['invitation.resolved', 'member.left', 'member.count', 'application.resolved'],
      );
    });

    it('survives JSON unchanged, and a restored room checkpoints the same value', () => {
      const h = setup({ seatMode: 'free', limits: { graceMs: 5_000 } });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      expectOk(h.run('bob', 'media.watch', { publisherId: 'alice' }));
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'carol', timeout: 10 }));
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 5, lockSeat: true, lockAudio: true }));
      h.room.setOnline('alice', false);
      const checkpoint = h.room.checkpoint();
      const json: unknown = JSON.parse(JSON.stringify(checkpoint));
      assert.deepEqual(json, checkpoint);
      const r = restored(h);
      assert.deepEqual(r.room.checkpoint(), checkpoint);
    });
  });

  describe('refusals', () => {
    function valid(): RoomCheckpoint {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      expectOk(h.run('bob', 'media.watch', { publisherId: 'alice' }));
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'carol', timeout: 10 }));
      return JSON.parse(JSON.stringify(h.room.checkpoint())) as RoomCheckpoint;
    }
    const deps = () => ({ scheduler: new ManualScheduler(), emit: () => assert.fail('nothing is emitted') });

    it('refuses a checkpoint of an unknown version', () => {
      const result = LiveRoom.restore({ ...valid(), version: ROOM_CHECKPOINT_VERSION + 1 }, deps());
      expectFail(result, ErrorCode.INVALID_ARGUMENT, `got version ${ROOM_CHECKPOINT_VERSION + 1}`);
      assert.equal(result.isSuccess ? null : result.reason, 'unknown-version');
    });

    const cases: [string, (checkpoint: RoomCheckpoint) => unknown, string][] = [
      ['null', () => null, 'the checkpoint must be an object'],
      ['a string', () => 'checkpoint', 'the checkpoint must be an object'],
      ['no version', (c) => ({ ...c, version: undefined }), 'version must be a number'],
      ['a version as text', (c) => ({ ...c, version: '1' }), 'version must be a number'],
      ['no seats', (c) => ({ ...c, seats: undefined }), 'seats must be an array'],
      ['a negative seq', (c) => ({ ...c, seq: -1 }), 'seq must be an integer'],
      ['a time as text', (c) => ({ ...c, live: { ...c.live, createdAt: 'now' } }), 'live.createdAt'],
      [
        'a bad role',
        (c) => ({ ...c, members: c.members.map((m, i) => (i === 2 ? { ...m, role: 'king' } : m)) }),
        'members[2].role',
      ],
      [
        'no owner first',
        (c) => ({ ...c, members: [...c.members].reverse() }),
        'members[0] must be the owner',
      ],
      [
        'a member twice',
        (c) => ({ ...c, members: [...c.members, c.members[1]] }),
        'member admin appears twice',
      ],
      ['one seat too few', (c) => ({ ...c, seats: c.seats.slice(1) }), 'seats[0].index must be 0'],
      [
        'a user on two seats',
        (c) => ({
          ...c,
          seats: c.seats.map((s, i) => (i === 3 ? { ...s, occupant: c.seats[2]?.occupant } : s)),
        }),
        'seated user alice appears twice',
      ],
      [
        'a seated stranger',
        (c) => ({
          ...c,
          seats: c.seats.map((s, i) =>
            i === 2 ? { ...s, occupant: { ...s.occupant, userId: 'ghost' } } : s,
          ),
        }),
        'seated user ghost is not a member',
      ],
      [
        'an invitation to a stranger',
        (c) => ({ ...c, invitations: c.invitations.map((v) => ({ ...v, invitee: user('ghost') })) }),
        'belongs to no member',
      ],
      ['a deadline without a timer', (c) => ({ ...c, timers: [] }), 'timers must name each deadline once'],
      [
        'a timer twice',
        (c) => ({ ...c, timers: [...c.timers, ...c.timers] }),
        'timer invitation:inv-1 appears twice',
      ],
      [
        'an offline member without a grace deadline',
        (c) => ({ ...c, members: c.members.map((m, i) => (i === 2 ? { ...m, online: false } : m)) }),
        'members[2].graceDeadline',
      ],
      [
        'a viewer who is not a member',
        (c) => ({ ...c, viewers: [{ publisherId: 'alice', viewerIds: ['ghost'] }] }),
        'viewer ghost cannot watch alice',
      ],
      [
        'a publisher without a seat',
        (c) => ({ ...c, viewers: [{ publisherId: 'bob', viewerIds: ['carol'] }] }),
        'publisher bob is not seated',
      ],
    ];
    for (const [name, spoil, field] of cases) {
      it(`refuses a malformed checkpoint: ${name}`, () => {
        const result = LiveRoom.restore(spoil(valid()), deps());
        expectFail(result, ErrorCode.INVALID_ARGUMENT, field);
        assert.match(result.isSuccess ? '' : result.errorMessage, /^The checkpoint is malformed: /);
        assert.equal(result.isSuccess ? null : result.reason, 'malformed');
      });
    }

    it('restores the valid checkpoint these cases spoil', () => {
      expectOk(LiveRoom.restore(valid(), deps()));
    });
  });

  describe('audience left out', () => {
    /** Alice applies, Bob watches nobody, Carol is offline, Dave joined last and does nothing. */
    function crowd() {
      const h = setup({
        members: [user('admin', 'Adam'), ALICE, BOB, CAROL, DAVE],
        limits: { maxMembers: 6 },
      });
      expectOk(h.run('alice', 'guest.apply', {}));
      h.room.setOnline('carol', false);
      h.scheduler.advance(1_000);
      h.take();
      return h;
    }

    it('leaves the plain audience out of the checkpoint and counts them', () => {
      const h = crowd();
      const checkpoint = h.room.checkpoint({ audience: false });
      assert.deepEqual(
        checkpoint.members.map((member) => member.user.userId),
        ['owner', 'admin', 'alice', 'carol'],
      );
      assert.equal(checkpoint.omittedAudience, 2);
      assert.equal(h.room.checkpoint().members.length, 6);
      assert.equal(h.room.checkpoint().omittedAudience, 0);
    });

    it('keeps an audience member who watches a seat or has a past application', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      expectOk(h.run('bob', 'media.watch', { publisherId: 'alice' }));
      expectOk(h.run('alice', 'seat.leave', {}));
      expectOk(h.run('carol', 'seat.take', { seatIndex: 3 }));
      expectOk(h.run('bob', 'media.watch', { publisherId: 'carol' }));
      assert.deepEqual(
        h.room.checkpoint({ audience: false }).members.map((member) => member.user.userId),
        ['owner', 'admin', 'bob', 'carol'],
      );
    });

    it('takes the plain audience back silently with readmit', () => {
      const h = crowd();
      const r = restored(h, { audience: false });
      assert.equal(r.room.isMember('bob'), false);
      assert.equal(r.room.summary().memberCount, 4);
      const seq = r.room.seq;
      for (const userId of ['bob', 'dave']) {
        const joinedAt = h.room.snapshotFor('owner').members.find((m) => m.userId === userId)?.joinedAt ?? -1;
        expectOk(r.room.readmit(user(userId), joinedAt));
      }
      assert.deepEqual(r.take(), []);
      assert.equal(r.room.seq, seq);
      assert.deepEqual(r.room.summary(), h.room.summary());
      assert.deepEqual(r.room.snapshotFor('dave'), h.room.snapshotFor('dave'));
      const byId = (m: { userId: string }, n: { userId: string }) => m.userId.localeCompare(n.userId);
      assert.deepEqual(
        [...r.room.snapshotFor('owner').members].sort(byId),
        [...h.room.snapshotFor('owner').members].sort(byId),
      );
      // Already a member: nothing happens. The live is full again.
      expectOk(r.room.readmit(ALICE, 0));
      expectFail(r.room.readmit(user('eve'), 0), ErrorCode.LIVE_FULL);
      expectFail(r.room.readmit(user(''), 0), ErrorCode.INVALID_ARGUMENT);
      // A readmitted member goes on as any other.
      expectOk(r.run('bob', 'guest.apply', {}));
      expectOk(r.room.leave('dave'));
      assert.deepEqual(
        r.take().map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['application.received', { kind: 'managersAnd', userIds: ['bob'] }],
          ['member.left', { kind: 'managers' }],
          ['member.count', { kind: 'others' }],
        ],
      );
    });

    it('refuses readmit once the live has ended', () => {
      const h = crowd();
      const r = restored(h, { audience: false });
      expectOk(r.room.end('owner'));
      assert.deepEqual(only(r.take(), 'live.ended').to, ALL);
      expectFail(r.room.readmit(BOB, 0), ErrorCode.LIVE_ENDED);
    });
  });
});
