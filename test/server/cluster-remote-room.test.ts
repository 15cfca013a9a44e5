/**
 * `RemoteRoom` (src/server/cluster/remote-room.ts) with a fake owner: a command's answer waits for
 * the events it covers, and a join that more events overtook answers with a fresh snapshot of the
 * member that matches the replica.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ok, type Result } from '../../src/protocol/result.js';
import type { EventEnvelope, LiveEvent, LiveSnapshot, UserInfo } from '../../src/protocol/types.js';
import type { BusEvent } from '../../src/server/cluster/event-bus.js';
import { RemoteRoom, type RemoteAnswer, type RemoteLink } from '../../src/server/cluster/remote-room.js';

const OWNER: UserInfo = { userId: 'host', userName: 'Host', avatarUrl: '' };
const ANN: UserInfo = { userId: 'ann', userName: 'Ann', avatarUrl: '' };

function snapshot(seq: number, memberCount: number): LiveSnapshot {
  return {
    live: {
      liveId: 'show',
      liveName: 'Show',
      owner: OWNER,
      seatMode: 'apply',
      maxSeatCount: 9,
      keepOwnerOnSeat: true,
      createdAt: 1,
    },
    seats: [],
    members: [],
    memberCount,
    applications: [],
    invitations: [],
    seq,
  };
}

function busEvent(seq: number, event: LiveEvent): BusEvent {
  return { liveId: 'show', epoch: 1, seq, audience: { kind: 'all' }, payload: JSON.stringify(event) };
}

/** A fake owner: each command is answered by `answer`, each snapshot by `snapshots`. */
function fakeLink(answer: () => Promise<Result<RemoteAnswer>>, snapshots: LiveSnapshot[]): RemoteLink {
  return {
    command: answer,
    snapshot: () => {
      const next = snapshots.shift();
      assert.ok(next, 'a snapshot was asked for once too often');
      return Promise.resolve(ok(next));
    },
    release: () => undefined,
  };
}

describe('RemoteRoom', () => {
  it('answers a command once the events up to its seq have reached the hub', async () => {
    const seen: EventEnvelope[] = [];
    let room: RemoteRoom | null = null;
    const link = fakeLink(() => {
      // The reply says seq 2; the events come after it.
      queueMicrotask(() => {
        room?.deliver(busEvent(1, { type: 'member.count', memberCount: 2 }));
        room?.deliver(busEvent(2, { type: 'member.count', memberCount: 3 }));
      });
      return Promise.resolve(ok({ result: ok(), seq: 2 }));
    }, []);
    room = new RemoteRoom(link, snapshot(0, 1), { onEnvelope: (e) => seen.push(e), onError: assert.fail });
    const answer = await room.submit('ann', { name: 'seat.leave', args: { liveId: 'show' } } as never);
    assert.equal(answer.isSuccess, true);
    assert.deepEqual(
      seen.map((envelope) => envelope.seq),
      [1, 2],
      'both events reached the hub before the answer',
    );
    assert.equal(room.summary().memberCount, 3);
  });

  it("answers a join overtaken by other events with the member's fresh snapshot", async () => {
    let room: RemoteRoom | null = null;
    const link = fakeLink(() => {
      queueMicrotask(() => {
        room?.deliver(busEvent(1, { type: 'member.count', memberCount: 2 }));
        // Another command's event, already here when the join is answered.
        room?.deliver(busEvent(2, { type: 'member.count', memberCount: 3 }));
      });
      return Promise.resolve(ok({ result: ok(snapshot(1, 2)), seq: 1 }));
    }, [snapshot(2, 3)]);
    room = new RemoteRoom(link, snapshot(0, 1), { onEnvelope: () => undefined, onError: assert.fail });
    const joined = await room.join(ANN);
    assert.ok(joined.isSuccess);
    assert.equal(joined.data.seq, 2);
    assert.equal(joined.data.seq, room.seq, 'the snapshot matches the replica');
    assert.equal(room.isMember('ann'), true);
  });
});
