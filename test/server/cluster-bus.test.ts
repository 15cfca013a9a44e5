/**
 * The event bus and the requests between nodes on a real redis-server: a live's events arrive in
 * `seq` order, exactly once; a lost one (published with a skipped `seq`, as pub/sub loses them) is
 * noticed and repaired before later events are delivered; an older epoch is dropped; and a request
 * from one node reaches another (two connections in one process) and its reply comes back, with a
 * typed failure when nobody listens, nobody answers in time, or the handler throws.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ClusterErrorCode,
  EventBus,
  NodeRequests,
  type BusEvent,
  type BusProblem,
  type RedisConnection,
  type RepairOutcome,
} from '../../src/server/cluster/index.js';
import type { Audience } from '../../src/protocol/types.js';
import { connectTest, startTestRedis, testPrefix, type RedisProcess } from '../support/redis-process.js';

const ALL: Audience = { kind: 'all' };

function event(liveId: string, seq: number, epoch = 1, audience: Audience = ALL): BusEvent {
  return {
    liveId,
    epoch,
    seq,
    audience,
    payload: JSON.stringify({ type: 'event', seq, event: { type: 'seats' } }),
  };
}

/** Collects delivered events; `next(n)` resolves once `n` have arrived in total. */
class Received {
  readonly events: BusEvent[] = [];
  readonly #waiters: { count: number; resolve: () => void }[] = [];

  push(event: BusEvent): void {
    this.events.push(event);
    for (const waiter of [...this.#waiters]) {
      if (this.events.length >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  count(count: number): Promise<void> {
    if (this.events.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  seqs(): number[] {
    return this.events.map((received) => received.seq);
  }
}

describe('cluster event bus and node requests', () => {
  let redis: RedisProcess;
  const open: RedisConnection[] = [];

  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    await Promise.all(open.map((connection) => connection.close()));
    await redis.stop();
  });

  async function pair() {
    const prefix = testPrefix();
    const [owner, follower] = await Promise.all([connectTest(redis, prefix), connectTest(redis, prefix)]);
    open.push(owner, follower);
    return { owner, follower };
  }

  describe('event bus', () => {
    it('delivers a live’s events in seq order, once, with their audience and payload as published', async () => {
      const { owner, follower } = await pair();
      const received = new Received();
      const publisher = new EventBus(owner, {
        deliver: () => assert.fail('the owner follows nothing'),
        repair: never,
      });
      const bus = new EventBus(follower, { deliver: (e) => received.push(e), repair: never });
      try {
        assert.equal((await bus.follow('live-a', 0)).isSuccess, true);
        const sent = [
          event('live-a', 1),
          event('live-a', 2, 1, { kind: 'managers' }),
          event('live-a', 3, 1, { kind: 'users', userIds: ['u1', 'u2'] }),
        ];
        for (const e of sent) {
          const published = await publisher.publish(e);
          assert.deepEqual(published, { isSuccess: true, errorCode: 0, errorMessage: '', data: 1 });
        }
        // A repeat of seq 2 (a duplicate) and another live's event are not delivered.
        await publisher.publish(event('live-a', 2));
        await publisher.publish(event('live-b', 4));
        await publisher.publish(event('live-a', 4));
        await received.count(4);
        assert.deepEqual(received.seqs(), [1, 2, 3, 4]);
        assert.deepEqual(received.events.slice(0, 3), sent);
        assert.equal(bus.lastSeq('live-a'), 4);
      } finally {
        bus.close();
        publisher.close();
      }
    });

    it('notices a lost event by its seq, holds the later ones, and delivers the repair first', async () => {
      const { owner, follower } = await pair();
      const received = new Received();
      const repairs: [string, number][] = [];
      const publisher = new EventBus(owner, { deliver: () => undefined, repair: never });
      const bus = new EventBus(follower, {
        deliver: (e) => received.push(e),
        repair: (liveId, fromSeq) => {
          repairs.push([liveId, fromSeq]);
          // What the owner's replay buffer holds from fromSeq on.
          return Promise.resolve({ events: [event(liveId, 3), event(liveId, 4)] });
        },
      });
      try {
        await bus.follow('live-c', 0);
        // seq 3 is "lost": published with a skipped seq.
        for (const seq of [1, 2, 4, 5]) await publisher.publish(event('live-c', seq));
        await received.count(5);
        assert.deepEqual(received.seqs(), [1, 2, 3, 4, 5]);
        assert.deepEqual(repairs, [['live-c', 3]]);
      } finally {
        bus.close();
        publisher.close();
      }
    });

    it('goes on after a snapshot when the repair says so, and reports a gap nobody filled', async () => {
      const { owner, follower } = await pair();
      const received = new Received();
      const problems: BusProblem[] = [];
      const outcomes: RepairOutcome[] = [{ resumeAfter: 6 }, { events: [] }];
      const publisher = new EventBus(owner, { deliver: () => undefined, repair: never });
      const bus = new EventBus(follower, {
        deliver: (e) => received.push(e),
        repair: () => Promise.resolve(outcomes.shift() ?? { events: [] }),
        onProblem: (problem) => problems.push(problem),
      });
      try {
        await bus.follow('live-d', 1);
        // 2..5 lost; the consumer took a snapshot at 6: 6 is dropped, 7 follows.
        for (const seq of [6, 7]) await publisher.publish(event('live-d', seq));
        await received.count(1);
        assert.deepEqual(received.seqs(), [7]);
        assert.equal(problems.length, 0);
        // 8 lost, and the repair has nothing: reported, then 9 is delivered.
        await publisher.publish(event('live-d', 9));
        await received.count(2);
        assert.deepEqual(received.seqs(), [7, 9]);
        assert.equal(problems.length, 1);
        assert.equal(problems[0]?.errorCode, ClusterErrorCode.GAP_UNREPAIRED);
        assert.equal(problems[0]?.liveId, 'live-d');
      } finally {
        bus.close();
        publisher.close();
      }
    });

    it('drops events of an older epoch once a newer owner published, and messages that are not events', async () => {
      const { owner, follower } = await pair();
      const received = new Received();
      const problems: BusProblem[] = [];
      const publisher = new EventBus(owner, { deliver: () => undefined, repair: never });
      const bus = new EventBus(follower, {
        deliver: (e) => received.push(e),
        repair: never,
        onProblem: (problem) => problems.push(problem),
      });
      try {
        await bus.follow('live-e', 10);
        await publisher.publish(event('live-e', 11, 2));
        await owner.command.publish(`${owner.prefix}ev:live-e`, 'not an event');
        await publisher.publish(event('live-e', 12, 1)); // the former owner, fenced out
        await publisher.publish(event('live-e', 12, 2));
        await received.count(2);
        assert.deepEqual(
          received.events.map((e) => [e.seq, e.epoch]),
          [
            [11, 2],
            [12, 2],
          ],
        );
        assert.deepEqual(
          problems.map((problem) => problem.errorCode),
          [ClusterErrorCode.INVALID_MESSAGE],
        );
      } finally {
        bus.close();
        publisher.close();
      }
    });
  });

  describe('node requests', () => {
    it('a request reaches the node it names, and the reply comes back to the asker', async () => {
      const { owner, follower } = await pair();
      const a = await NodeRequests.start(follower, 'node-a');
      const b = await NodeRequests.start(owner, 'node-b', {
        handler: ({ from, name, body }) => Promise.resolve({ from, name, echoed: body }),
      });
      assert.ok(a.isSuccess && b.isSuccess);
      try {
        const reply = await a.data.request('node-b', 'live.command', {
          liveId: 'l1',
          command: 'guest.apply',
        });
        assert.deepEqual(reply, {
          isSuccess: true,
          errorCode: 0,
          errorMessage: '',
          data: { from: 'node-a', name: 'live.command', echoed: { liveId: 'l1', command: 'guest.apply' } },
        });
        // Many at once: each gets its own reply.
        const replies = await Promise.all(
          Array.from({ length: 20 }, (_, index) => a.data.request('node-b', 'n', index)),
        );
        assert.deepEqual(
          replies.map((r) => r.isSuccess && (r.data as { echoed: number }).echoed),
          Array.from({ length: 20 }, (_, index) => index),
        );
      } finally {
        a.data.close();
        b.data.close();
      }
    });

    it('fails with no-responder, timeout, remote-error and closed, each typed', async () => {
      const { owner, follower } = await pair();
      let release: () => void = () => undefined;
      const a = await NodeRequests.start(follower, 'node-a', { timeoutMs: 200 });
      const b = await NodeRequests.start(owner, 'node-b', {
        handler: ({ name }) => {
          if (name === 'throw') throw new Error('the room refused');
          if (name === 'hang') return new Promise<void>((resolve) => (release = resolve));
          return 'fine';
        },
      });
      assert.ok(a.isSuccess && b.isSuccess);
      try {
        const nobody = await a.data.request('node-gone', 'live.command', {});
        assert.equal(!nobody.isSuccess && nobody.errorCode, ClusterErrorCode.NO_RESPONDER);

        const thrown = await a.data.request('node-b', 'throw', {});
        assert.equal(!thrown.isSuccess && thrown.errorCode, ClusterErrorCode.REMOTE_ERROR);
        assert.match(!thrown.isSuccess ? thrown.errorMessage : '', /the room refused/);

        const hung = await a.data.request('node-b', 'hang', {});
        assert.equal(!hung.isSuccess && hung.errorCode, ClusterErrorCode.TIMEOUT);
        release();

        const pending = a.data.request('node-b', 'hang', {}, { timeoutMs: 10_000 });
        a.data.close();
        const closed = await pending;
        assert.equal(!closed.isSuccess && closed.errorCode, ClusterErrorCode.CLOSED);
        release();
      } finally {
        a.data.close();
        b.data.close();
      }
    });
  });
});

function never(): Promise<RepairOutcome> {
  return Promise.reject(new Error('no repair expected'));
}
