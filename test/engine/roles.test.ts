import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ADMIN, ADMIN2, ALICE, ALL, BOB, CAROL, expectFail, expectOk, only, setup, to } from './harness.js';

describe('LiveRoom roles', () => {
  describe('member.setAdmin', () => {
    it('lets the owner promote a member: member.role to all, then a snapshot to the target', () => {
      const h = setup({ admins: [] });
      expectOk(h.run('owner', 'member.setAdmin', { userId: 'alice', admin: true }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['member.role', ALL],
          ['snapshot', to('alice')],
        ],
      );
      assert.deepEqual(events[0]?.event, { type: 'member.role', userId: 'alice', role: 'admin' });
      const snapshot = only(events, 'snapshot').event.snapshot;
      assert.equal(snapshot.members.length, 5, 'the new admin now sees every member');
      assert.equal(snapshot.seq, events[0]?.seq);
      assert.equal(h.room.roleOf('alice'), 'admin');
    });

    it('also re-emits the seats when the target is seated (the role shows on the seat)', () => {
      const h = setup({ seatMode: 'free', admins: [] });
      expectOk(h.run('alice', 'seat.take', { seatIndex: 4 }));
      h.take();
      expectOk(h.run('owner', 'member.setAdmin', { userId: 'alice', admin: true }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => envelope.event.type),
        ['member.role', 'seats', 'snapshot'],
      );
      assert.equal(only(events, 'seats').event.seats[4]?.userInfo?.role, 'admin');
    });

    it('lets the owner dismiss an admin, whose view shrinks to themself', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', {}));
      h.take();
      expectOk(h.run('owner', 'member.setAdmin', { userId: 'admin', admin: false }));
      const events = h.take();
      assert.deepEqual(events[0]?.event, { type: 'member.role', userId: 'admin', role: 'audience' });
      const snapshot = only(events, 'snapshot').event.snapshot;
      assert.deepEqual(
        snapshot.members.map((member) => member.userId),
        ['admin'],
      );
      assert.deepEqual(snapshot.applications, []);
      assert.equal(h.room.roleOf('admin'), 'audience');
      expectFail(
        h.run('admin', 'guest.acceptApplication', { userId: 'alice' }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
    });

    it('does nothing when the role does not change', () => {
      const h = setup();
      expectOk(h.run('owner', 'member.setAdmin', { userId: 'admin', admin: true }));
      expectOk(h.run('owner', 'member.setAdmin', { userId: 'alice', admin: false }));
      assert.deepEqual(h.take(), []);
    });

    it('is for the owner only (NEED_OWNER_PERMISSION)', () => {
      const h = setup();
      expectFail(
        h.run('admin', 'member.setAdmin', { userId: 'alice', admin: true }),
        ErrorCode.NEED_OWNER_PERMISSION,
      );
      expectFail(
        h.run('alice', 'member.setAdmin', { userId: 'bob', admin: true }),
        ErrorCode.NEED_OWNER_PERMISSION,
      );
      expectFail(
        h.run('alice', 'member.setAdmin', { userId: 'alice', admin: true }),
        ErrorCode.NEED_OWNER_PERMISSION,
      );
      assert.equal(h.room.roleOf('alice'), 'audience');
      assert.deepEqual(h.take(), []);
    });

    it('refuses a target who is not a member (USER_NOT_IN_LIVE) or the owner (INVALID_ARGUMENT)', () => {
      const h = setup();
      expectFail(
        h.run('owner', 'member.setAdmin', { userId: 'stranger', admin: true }),
        ErrorCode.USER_NOT_IN_LIVE,
      );
      expectFail(
        h.run('owner', 'member.setAdmin', { userId: 'owner', admin: false }),
        ErrorCode.INVALID_ARGUMENT,
      );
      assert.equal(h.room.roleOf('owner'), 'owner');
      assert.deepEqual(h.take(), []);
    });
  });

  describe('administrators', () => {
    it('manage seats like the owner: accept, reject, invite, kick an audience member, lock, close devices', () => {
      const h = setup({ members: [ADMIN, ALICE, BOB, CAROL] });
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('bob', 'guest.apply', {}));
      expectOk(h.run('admin', 'guest.acceptApplication', { userId: 'alice' }));
      expectOk(h.run('admin', 'guest.rejectApplication', { userId: 'bob' }));
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'carol' }));
      expectOk(h.run('admin', 'guest.cancelInvitation', { inviteeId: 'carol' }));
      expectOk(h.run('alice', 'device.publish', { microphone: 'on' }));
      expectOk(h.run('admin', 'device.closeRemote', { userId: 'alice', device: 'microphone' }));
      expectOk(
        h.run('admin', 'device.setRemoteAllowed', { userId: 'alice', device: 'camera', allowed: false }),
      );
      expectOk(h.run('admin', 'seat.lock', { seatIndex: 8, lockSeat: true }));
      expectOk(h.run('admin', 'seat.move', { userId: 'alice', targetIndex: 5 }));
      expectOk(h.run('admin', 'seat.kick', { userId: 'alice' }));
      assert.deepEqual(h.seatUsers(), ['owner', null, null, null, null, null, null, null, null]);
    });

    it('cannot end the live', () => {
      const h = setup();
      expectFail(h.room.end('admin'), ErrorCode.NEED_OWNER_PERMISSION);
    });

    it('cannot kick, move or control the devices of the owner or another administrator', () => {
      const h = setup({ seatMode: 'free', members: [ADMIN, ADMIN2, ALICE], admins: ['admin', 'admin2'] });
      expectOk(h.run('admin2', 'seat.take', { seatIndex: 1 }));
      expectOk(h.run('admin', 'seat.take', { seatIndex: 2 }));
      expectOk(h.run('owner', 'device.publish', { microphone: 'on' }));
      expectOk(h.run('admin2', 'device.publish', { microphone: 'on' }));
      h.take();
      expectFail(h.run('admin', 'seat.kick', { userId: 'owner' }), ErrorCode.NO_PERMISSION, 'owner');
      expectFail(
        h.run('admin', 'seat.kick', { userId: 'admin2' }),
        ErrorCode.NEED_OWNER_PERMISSION,
        'administrator',
      );
      expectFail(
        h.run('admin', 'seat.move', { userId: 'owner', targetIndex: 5 }),
        ErrorCode.NEED_OWNER_PERMISSION,
      );
      expectFail(
        h.run('admin', 'seat.move', { userId: 'admin2', targetIndex: 5 }),
        ErrorCode.NEED_OWNER_PERMISSION,
      );
      expectFail(
        h.run('admin', 'device.closeRemote', { userId: 'owner', device: 'microphone' }),
        ErrorCode.NEED_OWNER_PERMISSION,
      );
      expectFail(
        h.run('admin', 'device.setRemoteAllowed', { userId: 'admin2', device: 'microphone', allowed: false }),
        ErrorCode.NEED_OWNER_PERMISSION,
      );
      // Nor push them off a seat by moving onto it.
      expectFail(
        h.run('admin', 'seat.move', { userId: 'admin', targetIndex: 0, policy: 'forceReplace' }),
        ErrorCode.NEED_OWNER_PERMISSION,
      );
      expectFail(
        h.run('admin', 'seat.move', { userId: 'admin', targetIndex: 1, policy: 'swap' }),
        ErrorCode.NEED_OWNER_PERMISSION,
      );
      assert.deepEqual(h.take(), []);
      assert.deepEqual(h.seatUsers().slice(0, 3), ['owner', 'admin2', 'admin']);
    });

    it('leave those actions to the owner, who may kick an administrator', () => {
      const h = setup({ seatMode: 'free', members: [ADMIN, ALICE] });
      expectOk(h.run('admin', 'seat.take', { seatIndex: 1 }));
      h.take();
      expectOk(h.run('owner', 'seat.kick', { userId: 'admin' }));
      const lost = only(h.take(), 'seat.lost');
      assert.equal(lost.event.userId, 'admin');
      assert.equal(lost.event.by?.userId, 'owner');
    });

    it('may act on themselves', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('admin', 'seat.take', { seatIndex: 1 }));
      expectOk(h.run('admin', 'device.publish', { camera: 'on' }));
      expectOk(h.run('admin', 'device.closeRemote', { userId: 'admin', device: 'camera' }));
      expectOk(h.run('admin', 'seat.move', { userId: 'admin', targetIndex: 3, policy: 'forceReplace' }));
      assert.equal(h.seatUsers()[3], 'admin');
    });

    it('are refused manager-only commands when audience (NEED_ADMIN_PERMISSION)', () => {
      const h = setup({ members: [ALICE, BOB], admins: [] });
      expectOk(h.run('bob', 'guest.apply', {}));
      h.take();
      expectFail(
        h.run('alice', 'guest.acceptApplication', { userId: 'bob' }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(
        h.run('alice', 'guest.rejectApplication', { userId: 'bob' }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(h.run('alice', 'guest.invite', { inviteeId: 'bob' }), ErrorCode.NEED_ADMIN_PERMISSION);
      expectFail(
        h.run('alice', 'guest.cancelInvitation', { inviteeId: 'bob' }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(h.run('alice', 'seat.kick', { userId: 'owner' }), ErrorCode.NEED_ADMIN_PERMISSION);
      expectFail(
        h.run('alice', 'seat.lock', { seatIndex: 1, lockSeat: true }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(
        h.run('alice', 'seat.move', { userId: 'owner', targetIndex: 1 }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(
        h.run('alice', 'device.closeRemote', { userId: 'owner', device: 'microphone' }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(
        h.run('alice', 'device.setRemoteAllowed', { userId: 'owner', device: 'camera', allowed: false }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      assert.deepEqual(h.take(), []);
    });
  });
});
