import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ALL, expectFail, expectOk, managersAnd, only, ADMIN, setup, to } from './harness.js';

describe('LiveRoom seats', () => {
  describe('seat.take', () => {
    it('refuses the audience in apply mode (NO_PERMISSION, pointing at applyForSeat)', () => {
      const h = setup();
      expectFail(h.run('alice', 'seat.take', { seatIndex: 1 }), ErrorCode.NO_PERMISSION, 'applyForSeat');
      assert.deepEqual(h.take(), []);
    });

    it('seats anyone in free mode and a manager in apply mode', () => {
      const free = setup({ seatMode: 'free' });
      expectOk(free.run('alice', 'seat.take', { seatIndex: 3 }));
      const events = free.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [['seats', ALL]],
      );
      const info = only(events, 'seats').event.seats[3]?.userInfo;
      assert.equal(info?.userId, 'alice');
      assert.equal(info.role, 'audience');
      assert.equal(info.microphoneStatus, 'off');
      assert.equal(info.connection, 'online');
      const apply = setup();
      expectOk(apply.run('admin', 'seat.take', { seatIndex: -1 }));
      assert.equal(apply.seatUsers()[1], 'admin');
    });

    it('checks the seat and the user', () => {
      const h = setup({ seatMode: 'free', maxSeatCount: 3 });
      expectFail(h.run('owner', 'seat.take', { seatIndex: 1 }), ErrorCode.ALREADY_ON_SEAT);
      expectFail(h.run('alice', 'seat.take', { seatIndex: 3 }), ErrorCode.SEAT_INDEX_NOT_EXIST);
      expectFail(h.run('alice', 'seat.take', { seatIndex: 0 }), ErrorCode.SEAT_OCCUPIED);
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 1, lockSeat: true }));
      expectFail(h.run('alice', 'seat.take', { seatIndex: 1 }), ErrorCode.SEAT_LOCKED);
      expectOk(h.run('alice', 'seat.take', { seatIndex: -1 }));
      assert.equal(h.seatUsers()[2], 'alice');
      expectFail(h.run('bob', 'seat.take', { seatIndex: -1 }), ErrorCode.ALL_SEATS_OCCUPIED);
    });
  });

  describe('seat.leave', () => {
    it('frees the seat; devices go with the user', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      expectOk(h.run('alice', 'device.publish', { microphone: 'on', camera: 'on' }));
      h.take();
      expectOk(h.run('alice', 'seat.leave', {}));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => envelope.event.type),
        ['seats'],
      );
      assert.equal(only(events, 'seats').event.seats[2]?.userInfo, null);
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      const info = h.room.snapshotFor('alice').seats[2]?.userInfo;
      assert.equal(info?.microphoneStatus, 'off');
      assert.equal(info.cameraStatus, 'off');
    });

    it('lets the owner leave seat 0 and keeps the live going', () => {
      const h = setup();
      expectOk(h.run('owner', 'seat.leave', {}));
      assert.equal(h.seatUsers()[0], null);
      assert.equal(h.room.ended, false);
    });

    it('refuses a user who is not seated (NOT_ON_SEAT)', () => {
      const h = setup();
      expectFail(h.run('alice', 'seat.leave', {}), ErrorCode.NOT_ON_SEAT);
    });
  });

  describe('seat.kick', () => {
    it('frees the seat and tells the kicked user and the managers', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      h.take();
      expectOk(h.run('admin', 'seat.kick', { userId: 'alice' }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['seat.lost', managersAnd('alice')],
        ],
      );
      assert.deepEqual(events[1]?.event, {
        type: 'seat.lost',
        userId: 'alice',
        seatIndex: 2,
        reason: 'kicked',
        by: ADMIN,
      });
      assert.equal(h.seatUsers()[2], null);
      assert.equal(h.room.isMember('alice'), true, 'kicked off the seat, not out of the live');
    });

    it('refuses: audience, unseated target, the owner, self', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
      expectOk(h.run('bob', 'seat.take', { seatIndex: 3 }));
      h.take();
      expectFail(h.run('bob', 'seat.kick', { userId: 'alice' }), ErrorCode.NEED_ADMIN_PERMISSION);
      expectFail(h.run('owner', 'seat.kick', { userId: 'carol' }), ErrorCode.NOT_ON_SEAT);
      expectFail(h.run('owner', 'seat.kick', { userId: 'stranger' }), ErrorCode.NOT_ON_SEAT);
      expectFail(h.run('admin', 'seat.kick', { userId: 'owner' }), ErrorCode.NO_PERMISSION);
      expectFail(h.run('owner', 'seat.kick', { userId: 'owner' }), ErrorCode.INVALID_ARGUMENT);
      assert.deepEqual(h.take(), []);
    });
  });

  describe('seat.lock', () => {
    it('changes only the flags given and emits the seats', () => {
      const h = setup();
      expectOk(h.run('admin', 'seat.lock', { seatIndex: 4, lockSeat: true }));
      expectOk(h.run('admin', 'seat.lock', { seatIndex: 4, lockAudio: true }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['seats', ALL],
        ],
      );
      const seat = h.room.snapshotFor('x').seats[4];
      assert.deepEqual([seat?.isLocked, seat?.isAudioLocked, seat?.isVideoLocked], [true, true, false]);
      expectOk(h.run('admin', 'seat.lock', { seatIndex: 4, lockSeat: false, lockVideo: true }));
      const after = h.room.snapshotFor('x').seats[4];
      assert.deepEqual([after?.isLocked, after?.isAudioLocked, after?.isVideoLocked], [false, true, true]);
    });

    it('emits nothing when nothing changes', () => {
      const h = setup();
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 4 }));
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 4, lockSeat: false, lockAudio: false }));
      assert.deepEqual(h.take(), []);
    });

    it('forces an open mic off when locking audio and tells the occupant; unlocking says allowed', () => {
      const h = setup();
      expectOk(h.run('owner', 'device.publish', { microphone: 'on', camera: 'on' }));
      h.take();
      expectOk(h.run('admin', 'seat.lock', { seatIndex: 0, lockAudio: true }));
      let events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['device.admin', to('owner')],
        ],
      );
      assert.deepEqual(events[1]?.event, {
        type: 'device.admin',
        userId: 'owner',
        device: 'microphone',
        action: 'forbidden',
        by: ADMIN,
      });
      const info = only(events, 'seats').event.seats[0]?.userInfo;
      assert.equal(info?.microphoneStatus, 'off');
      assert.equal(info.allowOpenMicrophone, false);
      assert.equal(info.cameraStatus, 'on', 'the camera is untouched');
      expectOk(h.run('admin', 'seat.lock', { seatIndex: 0, lockAudio: false, lockVideo: true }));
      events = h.take();
      assert.deepEqual(
        events.map(
          (envelope) =>
            envelope.event.type === 'device.admin' && [envelope.event.device, envelope.event.action],
        ),
        [false, ['microphone', 'allowed'], ['camera', 'forbidden']],
      );
      const seat = h.room.snapshotFor('owner').seats[0]?.userInfo;
      assert.equal(seat?.microphoneStatus, 'off', 'allowing never turns a device on');
      assert.equal(seat.cameraStatus, 'off');
      assert.equal(seat.allowOpenMicrophone, true);
      assert.equal(seat.allowOpenCamera, false);
    });

    it('keeps the occupant of a locked seat; a locked seat refuses newcomers', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 1 }));
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 1, lockSeat: true }));
      assert.equal(h.seatUsers()[1], 'alice');
      expectOk(h.run('alice', 'seat.leave', {}));
      expectFail(h.run('bob', 'seat.take', { seatIndex: 1 }), ErrorCode.SEAT_LOCKED);
    });

    it('refuses the audience and a bad index', () => {
      const h = setup({ maxSeatCount: 4 });
      expectFail(
        h.run('alice', 'seat.lock', { seatIndex: 1, lockSeat: true }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(
        h.run('owner', 'seat.lock', { seatIndex: 4, lockSeat: true }),
        ErrorCode.SEAT_INDEX_NOT_EXIST,
      );
    });
  });

  describe('seat.move', () => {
    function seated() {
      const h = setup({ seatMode: 'free', maxSeatCount: 5 });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 1 }));
      expectOk(h.run('bob', 'seat.take', { seatIndex: 2 }));
      expectOk(h.run('alice', 'device.publish', { microphone: 'on', camera: 'on' }));
      h.take();
      return h;
    }

    it('lets a seated user move themself to a free seat, devices included', () => {
      const h = seated();
      expectOk(h.run('alice', 'seat.move', { userId: 'alice', targetIndex: 4 }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => envelope.event.type),
        ['seats'],
      );
      const seats = only(events, 'seats').event.seats;
      assert.equal(seats[1]?.userInfo, null);
      assert.equal(seats[4]?.userInfo?.userId, 'alice');
      assert.equal(seats[4]?.userInfo?.microphoneStatus, 'on');
      assert.equal(seats[4]?.userInfo?.cameraStatus, 'on');
    });

    it('works in apply mode too, for the user themself', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('owner', 'guest.acceptApplication', { userId: 'alice' }));
      expectOk(h.run('alice', 'seat.move', { userId: 'alice', targetIndex: 7 }));
      assert.equal(h.seatUsers()[7], 'alice');
    });

    it('needs a manager to move someone else or to replace or swap (NEED_ADMIN_PERMISSION)', () => {
      const h = seated();
      expectFail(
        h.run('bob', 'seat.move', { userId: 'alice', targetIndex: 4 }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(
        h.run('bob', 'seat.move', { userId: 'bob', targetIndex: 1, policy: 'forceReplace' }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(
        h.run('bob', 'seat.move', { userId: 'bob', targetIndex: 1, policy: 'swap' }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      assert.deepEqual(h.take(), []);
    });

    it('refuses an unseated target, a bad index and a locked seat', () => {
      const h = seated();
      expectFail(h.run('owner', 'seat.move', { userId: 'carol', targetIndex: 4 }), ErrorCode.NOT_ON_SEAT);
      expectFail(h.run('carol', 'seat.move', { userId: 'carol', targetIndex: 4 }), ErrorCode.NOT_ON_SEAT);
      expectFail(
        h.run('owner', 'seat.move', { userId: 'alice', targetIndex: 5 }),
        ErrorCode.SEAT_INDEX_NOT_EXIST,
      );
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 4, lockSeat: true }));
      h.take();
      expectFail(h.run('alice', 'seat.move', { userId: 'alice', targetIndex: 4 }), ErrorCode.SEAT_LOCKED);
      expectFail(
        h.run('owner', 'seat.move', { userId: 'alice', targetIndex: 4, policy: 'forceReplace' }),
        ErrorCode.SEAT_LOCKED,
      );
      assert.deepEqual(h.take(), []);
    });

    it('does nothing for the same seat', () => {
      const h = seated();
      expectOk(h.run('alice', 'seat.move', { userId: 'alice', targetIndex: 1 }));
      assert.deepEqual(h.take(), []);
    });

    it('aborts on an occupied seat with abortWhenOccupied (SEAT_OCCUPIED)', () => {
      const h = seated();
      expectFail(h.run('owner', 'seat.move', { userId: 'alice', targetIndex: 2 }), ErrorCode.SEAT_OCCUPIED);
      assert.deepEqual(h.seatUsers().slice(0, 3), ['owner', 'alice', 'bob']);
    });

    it('replaces the occupant with forceReplace, who is told why', () => {
      const h = seated();
      expectOk(h.run('admin', 'seat.move', { userId: 'alice', targetIndex: 2, policy: 'forceReplace' }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['seat.lost', managersAnd('bob')],
        ],
      );
      assert.deepEqual(events[1]?.event, {
        type: 'seat.lost',
        userId: 'bob',
        seatIndex: 2,
        reason: 'replaced',
        by: ADMIN,
      });
      assert.deepEqual(h.seatUsers().slice(0, 3), ['owner', null, 'alice']);
      expectFail(h.run('bob', 'seat.leave', {}), ErrorCode.NOT_ON_SEAT);
    });

    it('exchanges two users with swap, each keeping their devices', () => {
      const h = seated();
      expectOk(h.run('owner', 'seat.move', { userId: 'alice', targetIndex: 2, policy: 'swap' }));
      const seats = only(h.take(), 'seats').event.seats;
      assert.equal(seats[1]?.userInfo?.userId, 'bob');
      assert.equal(seats[1]?.userInfo?.microphoneStatus, 'off');
      assert.equal(seats[2]?.userInfo?.userId, 'alice');
      assert.equal(seats[2]?.userInfo?.microphoneStatus, 'on');
      expectOk(h.run('bob', 'seat.leave', {}));
      assert.deepEqual(h.seatUsers().slice(0, 3), ['owner', null, 'alice']);
    });

    it('moves to a free seat with swap or forceReplace like a plain move', () => {
      const h = seated();
      expectOk(h.run('owner', 'seat.move', { userId: 'alice', targetIndex: 3, policy: 'swap' }));
      expectOk(h.run('owner', 'seat.move', { userId: 'bob', targetIndex: 4, policy: 'forceReplace' }));
      assert.deepEqual(h.seatUsers(), ['owner', null, null, 'alice', 'bob']);
      assert.equal(h.take().filter((envelope) => envelope.event.type === 'seat.lost').length, 0);
    });

    it('refuses to swap someone onto a locked seat', () => {
      const h = seated();
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 1, lockSeat: true }));
      expectFail(
        h.run('owner', 'seat.move', { userId: 'alice', targetIndex: 2, policy: 'swap' }),
        ErrorCode.SEAT_LOCKED,
      );
    });

    it('forces devices off on a seat whose audio or video is locked, and says so', () => {
      const h = seated();
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 3, lockAudio: true }));
      h.take();
      expectOk(h.run('alice', 'seat.move', { userId: 'alice', targetIndex: 3 }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['device.admin', to('alice')],
        ],
      );
      const info = only(events, 'seats').event.seats[3]?.userInfo;
      assert.equal(info?.microphoneStatus, 'off');
      assert.equal(info.cameraStatus, 'on');
      assert.equal(info.allowOpenMicrophone, false);
      const notice = only(events, 'device.admin').event;
      assert.equal(notice.device, 'microphone');
      assert.equal(notice.action, 'closed');
    });

    it('lets the owner move an administrator', () => {
      const h = seated();
      expectOk(h.run('admin', 'seat.take', { seatIndex: 3 }));
      expectOk(h.run('owner', 'seat.move', { userId: 'admin', targetIndex: 4 }));
      assert.equal(h.seatUsers()[4], 'admin');
    });
  });
});
