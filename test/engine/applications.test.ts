import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import {
  ADMIN,
  ADMIN2,
  ALICE,
  ALL,
  BOB,
  CAROL,
  expectFail,
  expectOk,
  managersAnd,
  only,
  setup,
} from './harness.js';

const T0 = 1_700_000_000_000;

describe('LiveRoom applications', () => {
  describe('guest.apply', () => {
    it('queues an application and tells the managers and the applicant', () => {
      const h = setup();
      const data = expectOk(h.run('alice', 'guest.apply', { seatIndex: 3, timeout: 30, extraInfo: 'hi' }));
      assert.deepEqual(data, { requestId: 'app-1' });
      const events = h.take();
      assert.equal(events.length, 1);
      assert.deepEqual(events[0]?.to, managersAnd('alice'));
      assert.deepEqual(events[0]?.event, {
        type: 'application.received',
        application: {
          requestId: 'app-1',
          user: ALICE,
          seatIndex: 3,
          extraInfo: 'hi',
          createdAt: T0,
          deadline: T0 + 30_000,
        },
      });
      assert.equal(h.scheduler.pending, 1);
      assert.deepEqual(h.seatUsers()[3], null, 'no seat is taken yet');
    });

    it('has no deadline and no timer for timeout 0', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', {}));
      const received = only(h.take(), 'application.received');
      assert.equal(received.event.application.deadline, null);
      assert.equal(received.event.application.seatIndex, -1);
      assert.equal(h.scheduler.pending, 0);
      h.scheduler.advance(3_600_000);
      assert.deepEqual(h.take(), []);
    });

    it('gives unique request ids', () => {
      const h = setup();
      const ids = ['alice', 'bob', 'carol'].map(
        (userId) => (expectOk(h.run(userId, 'guest.apply', {})) as { requestId: string }).requestId,
      );
      assert.equal(new Set(ids).size, 3);
      expectOk(h.run('alice', 'guest.cancelApplication', {}));
      const again = expectOk(h.run('alice', 'guest.apply', {})) as { requestId: string };
      assert.ok(!ids.includes(again.requestId));
    });

    it('refuses a seated user (ALREADY_ON_SEAT)', () => {
      const h = setup();
      expectFail(h.run('owner', 'guest.apply', {}), ErrorCode.ALREADY_ON_SEAT);
    });

    it('refuses a second application (ALREADY_APPLIED)', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', {}));
      h.take();
      expectFail(h.run('alice', 'guest.apply', { seatIndex: 2 }), ErrorCode.ALREADY_APPLIED);
      assert.deepEqual(h.take(), []);
    });

    it('refuses a user with a pending invitation (ALREADY_INVITED)', () => {
      const h = setup();
      expectOk(h.run('owner', 'guest.invite', { inviteeId: 'alice' }));
      expectFail(h.run('alice', 'guest.apply', {}), ErrorCode.ALREADY_INVITED, 'Olivia');
    });

    it('checks the seat: SEAT_INDEX_NOT_EXIST, SEAT_OCCUPIED, SEAT_LOCKED, ALL_SEATS_OCCUPIED', () => {
      const h = setup({ maxSeatCount: 3 });
      expectFail(
        h.run('alice', 'guest.apply', { seatIndex: 3 }),
        ErrorCode.SEAT_INDEX_NOT_EXIST,
        'seats 0 to 2',
      );
      expectFail(h.run('alice', 'guest.apply', { seatIndex: 0 }), ErrorCode.SEAT_OCCUPIED);
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 1, lockSeat: true }));
      expectFail(h.run('alice', 'guest.apply', { seatIndex: 1 }), ErrorCode.SEAT_LOCKED);
      expectOk(h.run('admin', 'seat.take', { seatIndex: 2 }));
      expectFail(h.run('alice', 'guest.apply', { seatIndex: -1 }), ErrorCode.ALL_SEATS_OCCUPIED);
      h.take();
      assert.equal(h.room.snapshotFor('owner').applications.length, 0);
    });

    it('refuses past maxPendingApplications (LIMIT_EXCEEDED)', () => {
      const h = setup({ limits: { maxPendingApplications: 2 } });
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('bob', 'guest.apply', {}));
      expectFail(h.run('carol', 'guest.apply', {}), ErrorCode.LIMIT_EXCEEDED);
      expectOk(h.run('bob', 'guest.cancelApplication', {}));
      expectOk(h.run('carol', 'guest.apply', {}));
    });

    it('seats at once in free mode: seats to all, then accepted by nobody', () => {
      const h = setup({ seatMode: 'free' });
      const data = expectOk(h.run('alice', 'guest.apply', { seatIndex: -1 })) as { requestId: string };
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['application.resolved', managersAnd('alice')],
        ],
      );
      assert.deepEqual(events[1]?.event, {
        type: 'application.resolved',
        requestId: data.requestId,
        user: ALICE,
        outcome: 'accepted',
        by: null,
        code: 0,
        seatIndex: 1,
      });
      assert.equal(h.seatUsers()[1], 'alice');
      assert.equal(h.scheduler.pending, 0);
    });

    it('seats a manager at once in apply mode, even when the queue is full', () => {
      const h = setup({ limits: { maxPendingApplications: 0 } });
      expectOk(h.run('admin', 'guest.apply', { seatIndex: 5, timeout: 10 }));
      assert.equal(h.seatUsers()[5], 'admin');
      assert.equal(only(h.take(), 'application.resolved').event.outcome, 'accepted');
      expectFail(h.run('alice', 'guest.apply', {}), ErrorCode.LIMIT_EXCEEDED);
    });
  });

  describe('guest.cancelApplication', () => {
    it('resolves the application as cancelled and stops its timer', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { seatIndex: 2, timeout: 10 }));
      h.take();
      expectOk(h.run('alice', 'guest.cancelApplication', {}));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.to, envelope.event]),
        [
          [
            managersAnd('alice'),
            {
              type: 'application.resolved',
              requestId: 'app-1',
              user: ALICE,
              outcome: 'cancelled',
              by: null,
              code: 0,
              seatIndex: 2,
            },
          ],
        ],
      );
      assert.equal(h.scheduler.pending, 0);
      h.scheduler.advance(20_000);
      assert.deepEqual(h.take(), []);
    });

    it('refuses without a pending application (NOT_APPLIED)', () => {
      const h = setup();
      expectFail(h.run('alice', 'guest.cancelApplication', {}), ErrorCode.NOT_APPLIED);
    });
  });

  describe('guest.acceptApplication', () => {
    it('seats the applicant on the asked seat, then resolves accepted by the host', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { seatIndex: 4, timeout: 10 }));
      h.take();
      expectOk(h.run('admin', 'guest.acceptApplication', { userId: 'alice' }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.event.type, envelope.to]),
        [
          ['seats', ALL],
          ['application.resolved', managersAnd('alice')],
        ],
      );
      assert.equal(only(events, 'seats').event.seats[4]?.userInfo?.userId, 'alice');
      assert.deepEqual(events[1]?.event, {
        type: 'application.resolved',
        requestId: 'app-1',
        user: ALICE,
        outcome: 'accepted',
        by: ADMIN,
        code: 0,
        seatIndex: 4,
      });
      assert.equal(h.scheduler.pending, 0);
      assert.deepEqual(h.room.snapshotFor('owner').applications, []);
    });

    it('gives the lowest free unlocked seat for -1 and reports it', () => {
      const h = setup();
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 1, lockSeat: true }));
      expectOk(h.run('alice', 'guest.apply', {}));
      h.take();
      expectOk(h.run('owner', 'guest.acceptApplication', { userId: 'alice' }));
      assert.equal(only(h.take(), 'application.resolved').event.seatIndex, 2);
      assert.equal(h.seatUsers()[2], 'alice');
    });

    it('fails the application and returns the same code when the asked seat was taken meanwhile', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { seatIndex: 3 }));
      expectOk(h.run('admin', 'seat.take', { seatIndex: 3 }));
      h.take();
      expectFail(h.run('owner', 'guest.acceptApplication', { userId: 'alice' }), ErrorCode.SEAT_OCCUPIED);
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.to, envelope.event]),
        [
          [
            managersAnd('alice'),
            {
              type: 'application.resolved',
              requestId: 'app-1',
              user: ALICE,
              outcome: 'failed',
              by: null,
              code: ErrorCode.SEAT_OCCUPIED,
              seatIndex: 3,
            },
          ],
        ],
      );
      assert.equal(h.seatUsers()[3], 'admin');
      expectFail(h.run('owner', 'guest.acceptApplication', { userId: 'alice' }), ErrorCode.REQUEST_NOT_FOUND);
    });

    it('fails with SEAT_LOCKED when the asked seat was locked meanwhile', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { seatIndex: 3 }));
      expectOk(h.run('owner', 'seat.lock', { seatIndex: 3, lockSeat: true }));
      h.take();
      expectFail(h.run('owner', 'guest.acceptApplication', { userId: 'alice' }), ErrorCode.SEAT_LOCKED);
      const resolved = only(h.take(), 'application.resolved');
      assert.equal(resolved.event.outcome, 'failed');
      assert.equal(resolved.event.code, ErrorCode.SEAT_LOCKED);
    });

    it('fails with ALL_SEATS_OCCUPIED when no seat is left for -1', () => {
      const h = setup({ maxSeatCount: 2 });
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('bob', 'guest.apply', {}));
      expectOk(h.run('owner', 'guest.acceptApplication', { userId: 'bob' }));
      h.take();
      expectFail(
        h.run('owner', 'guest.acceptApplication', { userId: 'alice' }),
        ErrorCode.ALL_SEATS_OCCUPIED,
      );
      const resolved = only(h.take(), 'application.resolved');
      assert.equal(resolved.event.outcome, 'failed');
      assert.equal(resolved.event.code, ErrorCode.ALL_SEATS_OCCUPIED);
      assert.equal(resolved.event.seatIndex, -1);
    });

    it('tells a second host the application was already handled, and by whom', () => {
      const h = setup({ members: [ADMIN, ADMIN2, ALICE, BOB], admins: ['admin', 'admin2'] });
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('bob', 'guest.apply', {}));
      expectOk(h.run('admin', 'guest.acceptApplication', { userId: 'alice' }));
      expectOk(h.run('admin2', 'guest.rejectApplication', { userId: 'bob' }));
      h.take();
      expectFail(
        h.run('admin2', 'guest.acceptApplication', { userId: 'alice' }),
        ErrorCode.REQUEST_ALREADY_HANDLED,
        'accepted by Adam (admin)',
      );
      expectFail(
        h.run('owner', 'guest.rejectApplication', { userId: 'alice' }),
        ErrorCode.REQUEST_ALREADY_HANDLED,
        'accepted by Adam',
      );
      expectFail(
        h.run('admin', 'guest.acceptApplication', { userId: 'bob' }),
        ErrorCode.REQUEST_ALREADY_HANDLED,
        'rejected by Ada (admin2)',
      );
      assert.deepEqual(h.take(), [], 'no second outcome');
    });

    it('answers REQUEST_NOT_FOUND when there is no application or it ended otherwise', () => {
      const h = setup();
      expectFail(h.run('owner', 'guest.acceptApplication', { userId: 'alice' }), ErrorCode.REQUEST_NOT_FOUND);
      expectFail(
        h.run('owner', 'guest.acceptApplication', { userId: 'stranger' }),
        ErrorCode.REQUEST_NOT_FOUND,
      );
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('alice', 'guest.cancelApplication', {}));
      expectFail(h.run('owner', 'guest.acceptApplication', { userId: 'alice' }), ErrorCode.REQUEST_NOT_FOUND);
      expectOk(h.run('bob', 'guest.apply', { timeout: 1 }));
      h.scheduler.advance(1000);
      expectFail(h.run('owner', 'guest.rejectApplication', { userId: 'bob' }), ErrorCode.REQUEST_NOT_FOUND);
    });

    it('forgets the handled state when the user applies again', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('owner', 'guest.rejectApplication', { userId: 'alice' }));
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('owner', 'guest.acceptApplication', { userId: 'alice' }));
      assert.equal(h.room.summary().seatedCount, 2);
    });
  });

  describe('guest.rejectApplication', () => {
    it('resolves rejected by the host and takes no seat', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { seatIndex: 2, timeout: 5 }));
      h.take();
      expectOk(h.run('owner', 'guest.rejectApplication', { userId: 'alice' }));
      const events = h.take();
      assert.equal(events.length, 1);
      const resolved = only(events, 'application.resolved');
      assert.deepEqual(resolved.to, managersAnd('alice'));
      assert.equal(resolved.event.outcome, 'rejected');
      assert.deepEqual(resolved.event.by, { userId: 'owner', userName: 'Olivia', avatarUrl: '' });
      assert.equal(resolved.event.seatIndex, 2);
      assert.equal(h.seatUsers()[2], null);
      assert.equal(h.scheduler.pending, 0);
    });
  });

  describe('timeout', () => {
    it('resolves timeout at the deadline, not before', () => {
      const h = setup();
      expectOk(h.run('alice', 'guest.apply', { timeout: 30 }));
      h.take();
      h.scheduler.advance(29_999);
      assert.deepEqual(h.take(), []);
      h.scheduler.advance(1);
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => [envelope.to, envelope.event]),
        [
          [
            managersAnd('alice'),
            {
              type: 'application.resolved',
              requestId: 'app-1',
              user: ALICE,
              outcome: 'timeout',
              by: null,
              code: 0,
              seatIndex: -1,
            },
          ],
        ],
      );
      assert.deepEqual(h.room.snapshotFor('alice').applications, []);
      h.scheduler.advance(60_000);
      assert.deepEqual(h.take(), []);
    });
  });

  describe('ordering and invariants', () => {
    it('keeps arrival order across removals', () => {
      const h = setup({ members: [ALICE, BOB, CAROL, ADMIN] });
      expectOk(h.run('carol', 'guest.apply', {}));
      expectOk(h.run('alice', 'guest.apply', {}));
      expectOk(h.run('bob', 'guest.apply', {}));
      expectOk(h.run('alice', 'guest.cancelApplication', {}));
      expectOk(h.run('alice', 'guest.apply', {}));
      assert.deepEqual(
        h.room.snapshotFor('admin').applications.map((application) => application.user.userId),
        ['carol', 'bob', 'alice'],
      );
    });

    it('fails a pending application with ALREADY_ON_SEAT when its user gets seated another way', () => {
      const h = setup({ members: [ALICE, BOB, CAROL], admins: [] });
      expectOk(h.run('alice', 'guest.apply', { timeout: 10 }));
      expectOk(h.run('owner', 'member.setAdmin', { userId: 'alice', admin: true }));
      h.take();
      expectOk(h.run('alice', 'seat.take', { seatIndex: 6 }));
      const events = h.take();
      assert.deepEqual(
        events.map((envelope) => envelope.event.type),
        ['seats', 'application.resolved'],
      );
      const resolved = only(events, 'application.resolved');
      assert.equal(resolved.event.outcome, 'failed');
      assert.equal(resolved.event.code, ErrorCode.ALREADY_ON_SEAT);
      assert.equal(h.scheduler.pending, 0);
    });

    it('emits exactly one resolution even when accept races the timeout', () => {
      const h = setup({ members: [BOB], admins: [] });
      expectOk(h.run('bob', 'guest.apply', { timeout: 2 }));
      h.scheduler.advance(1999);
      expectOk(h.run('owner', 'guest.acceptApplication', { userId: 'bob' }));
      h.scheduler.advance(10);
      const resolved = h.take().filter((envelope) => envelope.event.type === 'application.resolved');
      assert.equal(resolved.length, 1);
    });
  });
});
