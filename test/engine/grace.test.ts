import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ALICE, ALL, expectFail, expectOk, managersAnd, MANAGERS, only, OTHERS, setup } from './harness.js';

const GRACE = 5_000;

function seatedAlice() {
  const h = setup({ seatMode: 'free', limits: { graceMs: GRACE } });
  expectOk(h.run('alice', 'seat.take', { seatIndex: 2 }));
  expectOk(h.run('alice', 'device.publish', { microphone: 'on' }));
  h.take();
  return h;
}

describe('LiveRoom connection loss', () => {
  it('shows a dropped seated user as lost and keeps everything during the grace period', () => {
    const h = seatedAlice();
    h.room.setOnline('alice', false);
    const events = h.take();
    assert.deepEqual(
      events.map((envelope) => [envelope.event.type, envelope.to]),
      [['seats', ALL]],
    );
    const info = only(events, 'seats').event.seats[2]?.userInfo;
    assert.equal(info?.connection, 'lost');
    assert.equal(info.microphoneStatus, 'on');
    h.scheduler.advance(GRACE - 1);
    assert.deepEqual(h.take(), []);
    assert.equal(h.room.isMember('alice'), true);
  });

  it('resumes silently when the user is back before the end of the grace period', () => {
    const h = seatedAlice();
    h.room.setOnline('alice', false);
    h.scheduler.advance(GRACE - 1);
    h.room.setOnline('alice', true);
    const events = h.take();
    assert.equal(events.length, 2);
    assert.equal(only(events.slice(1), 'seats').event.seats[2]?.userInfo?.connection, 'online');
    h.scheduler.advance(GRACE * 10);
    assert.deepEqual(h.take(), []);
    assert.equal(h.seatUsers()[2], 'alice');
    assert.equal(h.scheduler.pending, 0);
  });

  it('treats a join by an offline member as coming back', () => {
    const h = seatedAlice();
    h.room.setOnline('alice', false);
    h.take();
    const snapshot = expectOk(h.room.join(ALICE));
    assert.equal(snapshot.seats[2]?.userInfo?.connection, 'online');
    assert.deepEqual(
      h.take().map((envelope) => envelope.event.type),
      ['seats'],
    );
    h.scheduler.advance(GRACE);
    assert.equal(h.room.isMember('alice'), true);
  });

  it('frees the seat after the grace period and tells everyone why', () => {
    const h = seatedAlice();
    h.room.setOnline('alice', false);
    h.take();
    h.scheduler.advance(GRACE);
    const events = h.take();
    assert.deepEqual(
      events.map((envelope) => [envelope.to, envelope.event]),
      [
        [ALL, { type: 'seats', seats: h.room.snapshotFor('x').seats }],
        [ALL, { type: 'seat.lost', userId: 'alice', seatIndex: 2, reason: 'connectionLost', by: null }],
        [MANAGERS, { type: 'member.left', userId: 'alice', reason: 'connectionLost', memberCount: 4 }],
        [OTHERS, { type: 'member.count', memberCount: 4 }],
      ],
    );
    assert.equal(h.seatUsers()[2], null);
    assert.equal(h.room.isMember('alice'), false);
    expectFail(h.run('alice', 'seat.leave', {}), ErrorCode.NOT_IN_LIVE);
  });

  it('resolves the pending requests of a lost member as left', () => {
    const h = setup({ limits: { graceMs: GRACE } });
    expectOk(h.run('alice', 'guest.apply', { timeout: 60 }));
    expectOk(h.run('owner', 'guest.invite', { inviteeId: 'bob', timeout: 60 }));
    h.room.setOnline('alice', false);
    h.room.setOnline('bob', false);
    h.take();
    h.scheduler.advance(GRACE);
    const events = h.take();
    assert.deepEqual(
      events.map((envelope) => [envelope.event.type, envelope.to]),
      [
        ['application.resolved', managersAnd('alice')],
        ['member.left', MANAGERS],
        ['member.count', OTHERS],
        ['invitation.resolved', managersAnd('bob')],
        ['member.left', MANAGERS],
        ['member.count', OTHERS],
      ],
    );
    assert.equal(only(events, 'application.resolved').event.outcome, 'left');
    assert.equal(only(events, 'invitation.resolved').event.outcome, 'left');
    assert.equal(h.scheduler.pending, 0);
  });

  it('keeps requests alive while a member is only briefly offline', () => {
    const h = setup({ limits: { graceMs: GRACE } });
    expectOk(h.run('alice', 'guest.apply', {}));
    h.room.setOnline('alice', false);
    h.scheduler.advance(GRACE - 1);
    h.room.setOnline('alice', true);
    h.scheduler.advance(GRACE);
    assert.equal(h.room.snapshotFor('owner').applications.length, 1);
    expectOk(h.run('owner', 'guest.acceptApplication', { userId: 'alice' }));
  });

  it('ends the live for everyone when the owner is lost past the grace period (hostLost)', () => {
    const h = setup({ limits: { graceMs: GRACE } });
    expectOk(h.run('alice', 'guest.apply', {}));
    h.room.setOnline('owner', false);
    assert.equal(only(h.take(), 'seats').event.seats[0]?.userInfo?.connection, 'lost');
    h.scheduler.advance(GRACE);
    const events = h.take();
    assert.deepEqual(
      events.map((envelope) => envelope.event.type),
      ['application.resolved', 'live.ended'],
    );
    assert.deepEqual(events[1]?.event, { type: 'live.ended', reason: 'hostLost' });
    assert.equal(h.room.ended, true);
  });

  it('does not restart the grace period on a repeated offline report', () => {
    const h = seatedAlice();
    h.room.setOnline('alice', false);
    h.scheduler.advance(GRACE - 1);
    h.room.setOnline('alice', false);
    h.room.setOnline('alice', false);
    assert.equal(h.take().length, 1, 'one seats event for the first report only');
    h.scheduler.advance(1);
    assert.equal(h.room.isMember('alice'), false);
  });

  it('emits nothing for an unseated member going offline, or for a non-member', () => {
    const h = setup({ limits: { graceMs: GRACE } });
    h.room.setOnline('alice', false);
    h.room.setOnline('stranger', false);
    h.room.setOnline('stranger', true);
    h.room.setOnline('bob', true);
    assert.deepEqual(h.take(), []);
    assert.equal(h.scheduler.pending, 1);
  });

  it('cancels the grace timer when the member leaves on purpose', () => {
    const h = seatedAlice();
    h.room.setOnline('alice', false);
    expectOk(h.room.leave('alice'));
    assert.equal(h.scheduler.pending, 0);
    h.take();
    expectOk(h.room.join(ALICE));
    h.scheduler.advance(GRACE * 2);
    assert.equal(h.room.isMember('alice'), true);
  });
});
