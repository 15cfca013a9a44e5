import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import {
  ADMIN,
  ADMIN2,
  ALICE,
  ALL,
  BOB,
  OWNER,
  expectFail,
  expectOk,
  managersAnd,
  only,
  setup,
} from './harness.js';

const T0 = 1_700_000_000_000;

describe('LiveRoom invitations', () => {
  describe('guest.invite', () => {
    it('tells the managers and the invitee, takes no seat, returns the request id', () => {
      const h = setup();
      const data = expectOk(
        h.run('admin', 'guest.invite', { inviteeId: 'alice', seatIndex: 2, timeout: 20, extraInfo: 'x' }),
      );
      assert.deepEqual(data, { requestId: 'inv-1' });
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.to, envelope.event]),
        [
          [
            managersAnd('alice'),
            {
              type: 'invitation.received',
              invitation: {
                requestId: 'inv-1',
                inviter: ADMIN,
                invitee: ALICE,
                seatIndex: 2,
                extraInfo: 'x',
                createdAt: T0,
                deadline: T0 + 20_000,
              },
            },
          ],
        ],
      );
      assert.equal(h.seatUsers()[2], null);
      assert.equal(h.scheduler.pending, 1);
    });

    it('is for managers only (NEED_ADMIN_PERMISSION)', () => {
      const h = setup();
      expectFail(h.run('alice', 'guest.invite', { inviteeId: 'bob' }), ErrorCode.NEED_ADMIN_PERMISSION);
    });

    it('refuses self (INVALID_ARGUMENT), non-members (USER_NOT_IN_LIVE) and seated users (ALREADY_ON_SEAT)', () => {
      const h = setup({ keepOwnerOnSeat: true });
      expectFail(h.run('admin', 'guest.invite', { inviteeId: 'admin' }), ErrorCode.INVALID_ARGUMENT);
      expectFail(h.run('admin', 'guest.invite', { inviteeId: 'stranger' }), ErrorCode.USER_NOT_IN_LIVE);
      expectFail(h.run('admin', 'guest.invite', { inviteeId: 'owner' }), ErrorCode.ALREADY_ON_SEAT);
      assert.deepEqual(h.take(), []);
    });

    it('refuses a user already invited by anyone (ALREADY_INVITED) or who applied (ALREADY_APPLIED)', () => {
      const h = setup({ members: [ADMIN, ADMIN2, ALICE, BOB], admins: ['admin', 'admin2'] });
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'alice' }));
      expectFail(h.run('admin2', 'guest.invite', { inviteeId: 'alice' }), ErrorCode.ALREADY_INVITED, 'Adam');
      expectFail(h.run('admin', 'guest.invite', { inviteeId: 'alice' }), ErrorCode.ALREADY_INVITED);
      expectOk(h.run('bob', 'guest.apply', {}));
      expectFail(h.run('owner', 'guest.invite', { inviteeId: 'bob' }), ErrorCode.ALREADY_APPLIED);
    });

    it('checks the seat like an application', () => {
      const h = setup({ maxSeatCount: 3 });
      expectFail(
        h.run('owner', 'guest.invite', { inviteeId: 'alice', seatIndex: 5 }),
        ErrorCode.SEAT_INDEX_NOT_EXIST,
      );
      expectFail(
        h.run('owner', 'guest.invite', { inviteeId: 'alice', seatIndex: 0 }),
        ErrorCode.SEAT_OCCUPIED,
      );
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 1, lockSeat: true }));
      expectFail(h.run('owner', 'guest.invite', { inviteeId: 'alice', seatIndex: 1 }), ErrorCode.SEAT_LOCKED);
      expectOk(h.run('admin', 'seat.take', { seatIndex: 2 }));
      expectFail(h.run('owner', 'guest.invite', { inviteeId: 'alice' }), ErrorCode.ALL_SEATS_OCCUPIED);
    });
  });

  describe('guest.acceptInvitation', () => {
    it('seats the invitee, then resolves accepted with the seat taken', () => {
      const h = setup();
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'alice', timeout: 20 }));
      h.take();
      expectOk(h.run('alice', 'guest.acceptInvitation', { inviterId: 'admin' }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['invitation.resolved', managersAnd('alice')],
        ],
      );
      assert.deepEqual(events[1]?.event, {
        type: 'invitation.resolved',
        requestId: 'inv-1',
        inviter: ADMIN,
        invitee: ALICE,
        outcome: 'accepted',
        code: 0,
        seatIndex: 1,
      });
      assert.equal(h.seatUsers()[1], 'alice');
      assert.equal(h.scheduler.pending, 0);
    });

    it('needs the right inviter (REQUEST_NOT_FOUND otherwise)', () => {
      const h = setup();
      expectFail(
        h.run('alice', 'guest.acceptInvitation', { inviterId: 'admin' }),
        ErrorCode.REQUEST_NOT_FOUND,
      );
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'alice' }));
      expectFail(
        h.run('alice', 'guest.acceptInvitation', { inviterId: 'owner' }),
        ErrorCode.REQUEST_NOT_FOUND,
      );
      expectFail(h.run('bob', 'guest.acceptInvitation', { inviterId: 'admin' }), ErrorCode.REQUEST_NOT_FOUND);
      expectFail(
        h.run('alice', 'guest.rejectInvitation', { inviterId: 'owner' }),
        ErrorCode.REQUEST_NOT_FOUND,
      );
    });

    it('fails the invitation and returns the code when the seat was taken meanwhile', () => {
      const h = setup();
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'alice', seatIndex: 4 }));
      expectOk(h.run('admin', 'seat.take', { seatIndex: 4 }));
      h.take();
      expectFail(h.run('alice', 'guest.acceptInvitation', { inviterId: 'owner' }), ErrorCode.SEAT_OCCUPIED);
      const resolved = only(h.take(), 'invitation.resolved');
      assert.equal(resolved.event.outcome, 'failed');
      assert.equal(resolved.event.code, ErrorCode.SEAT_OCCUPIED);
      assert.equal(resolved.event.seatIndex, 4);
      expectFail(
        h.run('alice', 'guest.acceptInvitation', { inviterId: 'owner' }),
        ErrorCode.REQUEST_NOT_FOUND,
      );
    });

    it('fails with SEAT_LOCKED or ALL_SEATS_OCCUPIED likewise', () => {
      const h = setup({ maxSeatCount: 2 });
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'alice', seatIndex: 1 }));
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'bob' }));
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 1, lockSeat: true }));
      expectFail(h.run('alice', 'guest.acceptInvitation', { inviterId: 'owner' }), ErrorCode.SEAT_LOCKED);
      expectFail(
        h.run('bob', 'guest.acceptInvitation', { inviterId: 'owner' }),
        ErrorCode.ALL_SEATS_OCCUPIED,
      );
      assert.deepEqual(
        h
          .take()
          .filter((envelope) => envelope.event.type === 'invitation.resolved')
          .map((envelope) => {
            const event = envelope.event as { outcome: string; code: number };
            return [event.outcome, event.code];
          }),
        [
          ['failed', ErrorCode.SEAT_LOCKED],
          ['failed', ErrorCode.ALL_SEATS_OCCUPIED],
        ],
      );
    });
  });

  describe('guest.rejectInvitation', () => {
    it('resolves rejected and takes no seat', () => {
      const h = setup();
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'alice', timeout: 5 }));
      h.take();
      expectOk(h.run('alice', 'guest.rejectInvitation', { inviterId: 'owner' }));
      const events = h.take();
      assert.equal(events.length, 1);
      const resolved = only(events, 'invitation.resolved');
      assert.deepEqual(resolved.to, managersAnd('alice'));
      assert.equal(resolved.event.outcome, 'rejected');
      assert.deepEqual(resolved.event.inviter, OWNER);
      assert.equal(h.room.summary().seatedCount, 1);
      assert.equal(h.scheduler.pending, 0);
    });
  });

  describe('guest.cancelInvitation', () => {
    it('lets the inviter cancel', () => {
      const h = setup();
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'alice', timeout: 5 }));
      h.take();
      expectOk(h.run('admin', 'guest.cancelInvitation', { inviteeId: 'alice' }));
      const resolved = only(h.take(), 'invitation.resolved');
      assert.equal(resolved.event.outcome, 'cancelled');
      assert.equal(resolved.event.code, 0);
      assert.equal(h.scheduler.pending, 0);
    });

    it('lets the owner cancel an administrator’s invitation', () => {
      const h = setup();
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'alice' }));
      expectOk(h.run('owner', 'guest.cancelInvitation', { inviteeId: 'alice' }));
    });

    it('refuses another administrator (REQUEST_NO_PERMISSION) and the audience (NEED_ADMIN_PERMISSION)', () => {
      const h = setup({ members: [ADMIN, ADMIN2, ALICE, BOB], admins: ['admin', 'admin2'] });
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'alice' }));
      h.take();
      expectFail(
        h.run('admin2', 'guest.cancelInvitation', { inviteeId: 'alice' }),
        ErrorCode.REQUEST_NO_PERMISSION,
      );
      expectFail(
        h.run('bob', 'guest.cancelInvitation', { inviteeId: 'alice' }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      expectFail(
        h.run('alice', 'guest.cancelInvitation', { inviteeId: 'alice' }),
        ErrorCode.NEED_ADMIN_PERMISSION,
      );
      assert.deepEqual(h.take(), []);
    });

    it('answers REQUEST_NOT_FOUND without a pending invitation', () => {
      const h = setup();
      expectFail(
        h.run('owner', 'guest.cancelInvitation', { inviteeId: 'alice' }),
        ErrorCode.REQUEST_NOT_FOUND,
      );
      expectFail(
        h.run('owner', 'guest.cancelInvitation', { inviteeId: 'stranger' }),
        ErrorCode.REQUEST_NOT_FOUND,
      );
    });
  });

  describe('timeout and invariants', () => {
    it('resolves timeout at the deadline', () => {
      const h = setup();
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'alice', timeout: 15 }));
      h.take();
      h.scheduler.advance(14_999);
      assert.deepEqual(h.take(), []);
      h.scheduler.advance(1);
      const resolved = only(h.take(), 'invitation.resolved');
      assert.deepEqual(resolved.to, managersAnd('alice'));
      assert.equal(resolved.event.outcome, 'timeout');
      expectFail(
        h.run('alice', 'guest.acceptInvitation', { inviterId: 'owner' }),
        ErrorCode.REQUEST_NOT_FOUND,
      );
    });

    it('fails a pending invitation with ALREADY_ON_SEAT when the invitee takes a seat by themself', () => {
      const h = setup({ seatMode: 'free' });
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'alice', timeout: 15 }));
      h.take();
      expectOk(h.run('alice', 'seat.take', { seatIndex: 3 }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => envelope.event.type),
        ['seats', 'invitation.resolved'],
      );
      const resolved = only(events, 'invitation.resolved');
      assert.equal(resolved.event.outcome, 'failed');
      assert.equal(resolved.event.code, ErrorCode.ALREADY_ON_SEAT);
      assert.equal(h.scheduler.pending, 0);
    });

    it('outlives its inviter: the invitee may still accept after the inviter left', () => {
      const h = setup();
      expectOk(h.run('admin', 'guest.invite', { inviteeId: 'alice' }));
      expectOk(h.room.leave('admin'));
      assert.equal(h.room.snapshotFor('owner').invitations.length, 1);
      expectOk(h.run('alice', 'guest.acceptInvitation', { inviterId: 'admin' }));
      assert.equal(h.seatUsers()[1], 'alice');
    });
  });
});
