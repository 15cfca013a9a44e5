import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LiveReplica } from '../../src/core/replica.js';
import type { LiveEvent, LiveMember, SeatApplication, SeatInvitation } from '../../src/protocol/types.js';
import { emptySeats, snapshot, user } from './helpers.js';

const host = user('host');
const alice = user('alice');
const bob = user('bob');

function member(info: typeof alice, role: LiveMember['role'] = 'audience'): LiveMember {
  return { ...info, role, joinedAt: 1 };
}

function application(requestId: string, applicant = alice): SeatApplication {
  return { requestId, user: applicant, seatIndex: -1, extraInfo: '', createdAt: 1, deadline: null };
}

function invitation(requestId: string, invitee = bob): SeatInvitation {
  return { requestId, inviter: host, invitee, seatIndex: -1, extraInfo: '', createdAt: 1, deadline: null };
}

function joined(): LiveReplica {
  const replica = new LiveReplica('live');
  replica.beginJoin();
  replica.applySnapshot(snapshot('live', host, { members: [member(host, 'owner')], seq: 10 }));
  return replica;
}

describe('LiveReplica', () => {
  it('applies a snapshot', () => {
    const replica = joined();
    assert.equal(replica.$joined.get(), true);
    assert.equal(replica.$seq.get(), 10);
    assert.equal(replica.$live.get()?.owner.userId, 'host');
    assert.equal(replica.$seats.get().length, 4);
  });

  it('applies events in order and ignores those it already has', () => {
    const replica = joined();
    const seen: LiveEvent['type'][] = [];
    replica.onEvent((event) => seen.push(event.type));
    replica.receive(11, { type: 'member.joined', member: member(alice), memberCount: 2 });
    replica.receive(11, { type: 'member.joined', member: member(bob), memberCount: 3 });
    replica.receive(9, { type: 'member.count', memberCount: 99 });
    replica.receive(12, { type: 'application.received', application: application('a1') });
    assert.deepEqual(
      replica.$members.get().map((item) => item.userId),
      ['host', 'alice'],
    );
    assert.equal(replica.$memberCount.get(), 2);
    assert.deepEqual(
      replica.$applications.get().map((item) => item.requestId),
      ['a1'],
    );
    assert.equal(replica.$seq.get(), 12);
    assert.deepEqual(seen, ['member.joined', 'application.received']);
  });

  it('applies every kind of event', () => {
    const replica = joined();
    const seats = emptySeats(4).map((seat, index) =>
      index === 1
        ? {
            ...seat,
            userInfo: {
              ...alice,
              liveId: 'live',
              role: 'audience' as const,
              microphoneStatus: 'on' as const,
              cameraStatus: 'off' as const,
              allowOpenMicrophone: true,
              allowOpenCamera: true,
              connection: 'online' as const,
              onSeatTimestamp: 1,
            },
          }
        : seat,
    );
    let seq = 10;
    const feed = (event: LiveEvent): void => replica.receive(++seq, event);
    feed({ type: 'member.joined', member: member(alice), memberCount: 2 });
    feed({ type: 'member.joined', member: member(bob), memberCount: 3 });
    feed({ type: 'member.joined', member: { ...member(alice), joinedAt: 5 }, memberCount: 3 });
    assert.deepEqual(
      replica.$members.get().map((item) => item.userId),
      ['host', 'alice', 'bob'],
    );
    assert.equal(replica.$members.get()[1]?.joinedAt, 5);
    feed({ type: 'member.role', userId: 'bob', role: 'admin' });
    assert.equal(replica.$members.get()[2]?.role, 'admin');
    feed({ type: 'member.count', memberCount: 7 });
    assert.equal(replica.$memberCount.get(), 7);
    feed({ type: 'seats', seats });
    assert.equal(replica.$seats.get()[1]?.userInfo?.userId, 'alice');
    feed({ type: 'application.received', application: application('a1') });
    feed({ type: 'application.received', application: application('a2', bob) });
    feed({
      type: 'application.resolved',
      requestId: 'a1',
      user: alice,
      outcome: 'cancelled',
      by: null,
      code: 0,
      seatIndex: -1,
    });
    assert.deepEqual(
      replica.$applications.get().map((item) => item.requestId),
      ['a2'],
    );
    feed({ type: 'invitation.received', invitation: invitation('i1') });
    assert.equal(replica.$invitations.get().length, 1);
    feed({
      type: 'invitation.resolved',
      requestId: 'i1',
      inviter: host,
      invitee: bob,
      outcome: 'rejected',
      code: 0,
      seatIndex: -1,
    });
    assert.equal(replica.$invitations.get().length, 0);
    feed({ type: 'seat.lost', userId: 'alice', seatIndex: 1, reason: 'kicked', by: host });
    feed({ type: 'device.admin', userId: 'alice', device: 'camera', action: 'closed', by: host });
    assert.equal(replica.$seats.get()[1]?.userInfo?.userId, 'alice', 'listener-only events change no state');
    feed({ type: 'member.left', userId: 'bob', reason: 'left', memberCount: 6 });
    assert.deepEqual(
      replica.$members.get().map((item) => item.userId),
      ['host', 'alice'],
    );
    assert.equal(replica.$memberCount.get(), 6);
    feed({ type: 'snapshot', snapshot: snapshot('live', host, { memberCount: 42, seq: seq + 1 }) });
    assert.equal(replica.$memberCount.get(), 42);
    assert.equal(replica.$members.get().length, 0);
    assert.equal(replica.$seq.get(), seq);
    feed({ type: 'live.ended', reason: 'endedByHost' });
    assert.equal(replica.$ended.get(), true);
    assert.equal(replica.$joined.get(), false);
    assert.equal(replica.$seats.get().length, 0);
    replica.receive(seq + 5, { type: 'member.count', memberCount: 1 });
    assert.equal(replica.$memberCount.get(), 0, 'an ended live takes no more events');
  });

  it('holds events during a join and applies those newer than the snapshot', () => {
    const replica = new LiveReplica('live');
    replica.beginJoin();
    replica.receive(5, { type: 'member.count', memberCount: 5 });
    replica.receive(6, { type: 'member.count', memberCount: 6 });
    assert.equal(replica.$memberCount.get(), 0, 'nothing applied before the reply');
    replica.applySnapshot(snapshot('live', host, { memberCount: 5, seq: 5 }));
    assert.equal(replica.$memberCount.get(), 6);
    assert.equal(replica.$seq.get(), 6);
  });

  it('resumes from a replay, then applies held events', () => {
    const replica = joined();
    replica.beginJoin();
    replica.receive(14, { type: 'member.count', memberCount: 14 });
    replica.applyReplay(
      [
        { seq: 11, event: { type: 'member.count', memberCount: 11 } },
        { seq: 12, event: { type: 'application.received', application: application('a1') } },
      ],
      13,
    );
    assert.equal(replica.$memberCount.get(), 14);
    assert.equal(replica.$seq.get(), 14);
    assert.equal(replica.$applications.get().length, 1);
  });

  it('keeps a joined live joined when a re-join fails', () => {
    const replica = joined();
    replica.beginJoin();
    replica.receive(11, { type: 'member.count', memberCount: 3 });
    replica.abortJoin();
    assert.equal(replica.$joined.get(), true);
    assert.equal(replica.$memberCount.get(), 1, 'held events are dropped');
  });

  it('ignores events before any join and forgets everything on reset', () => {
    const replica = new LiveReplica('live');
    replica.receive(1, { type: 'member.count', memberCount: 3 });
    assert.equal(replica.$memberCount.get(), 0);
    const other = joined();
    other.reset();
    assert.equal(other.$live.get(), null);
    assert.equal(other.$joined.get(), false);
    assert.equal(other.$seq.get(), 0);
  });

  it('reports subscribers that throw and keeps going', () => {
    const errors: unknown[] = [];
    const replica = new LiveReplica('live', (error) => errors.push(error));
    replica.beginJoin();
    replica.applySnapshot(snapshot('live', host));
    const seen: number[] = [];
    replica.onEvent(() => {
      throw new Error('listener bug');
    });
    replica.onEvent(() => seen.push(replica.$memberCount.get()));
    const unsubscribe = replica.$memberCount.listen(() => {
      throw new Error('subscriber bug');
    });
    replica.receive(1, { type: 'member.count', memberCount: 2 });
    replica.receive(2, { type: 'member.count', memberCount: 3 });
    unsubscribe();
    assert.deepEqual(seen, [2, 3]);
    assert.equal(replica.$seq.get(), 2);
    assert.equal(errors.length, 4);
  });
  it('applies a batch in order, notifying the stores once and the listeners per event', () => {
    const replica = joined();
    let notified = 0;
    const unsubscribe = replica.$applications.listen(() => notified++);
    const seen: string[] = [];
    replica.onEvent((event) => seen.push(event.type));
    replica.receiveBatch([
      { seq: 11, event: { type: 'application.received', application: application('r1') } },
      { seq: 12, event: { type: 'application.received', application: application('r2', bob) } },
      { seq: 10, event: { type: 'member.count', memberCount: 99 } },
      { seq: 13, event: { type: 'member.count', memberCount: 3 } },
    ]);
    unsubscribe();
    assert.deepEqual(
      replica.$applications.get().map((item) => item.requestId),
      ['r1', 'r2'],
    );
    assert.equal(notified, 1);
    assert.deepEqual(seen, ['application.received', 'application.received', 'member.count']);
    assert.equal(replica.$memberCount.get(), 3);
    assert.equal(replica.$seq.get(), 13);
  });
});
