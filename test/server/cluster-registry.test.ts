/**
 * The node registry and the one-connection-per-user claims on a real redis-server: nodes are listed
 * with their load while their heartbeat lives, a dead node drops out, a new live goes to the least
 * loaded node; a second connection of a user replaces the first atomically and the first's node is
 * told on the bus.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ClusterErrorCode,
  leastLoaded,
  NodeRegistry,
  UserClaims,
  type ClaimReplaced,
  type NodeInfo,
  type RedisConnection,
} from '../../src/server/cluster/index.js';
import {
  connectTest,
  startTestRedis,
  testPrefix,
  until,
  type RedisProcess,
} from '../support/redis-process.js';

describe('cluster node registry and user claims', () => {
  let redis: RedisProcess;
  const open: RedisConnection[] = [];

  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    await Promise.all(open.map((connection) => connection.close()));
    await redis.stop();
  });

  async function connections(count: number) {
    const prefix = testPrefix();
    const made = await Promise.all(Array.from({ length: count }, () => connectTest(redis, prefix)));
    open.push(...made);
    return made;
  }

  describe('node registry', () => {
    it('lists live nodes least loaded first; a new live goes to the least loaded', async () => {
      const [one, two, three] = await connections(3);
      assert.ok(one && two && three);
      const nodes = [
        new NodeRegistry(one, 'node-1', { ttlMs: 10_000 }),
        new NodeRegistry(two, 'node-2', { ttlMs: 10_000 }),
        new NodeRegistry(three, 'node-3', { ttlMs: 10_000 }),
      ] as const;
      try {
        assert.equal((await nodes[0].start({ members: 120, lives: 2 })).isSuccess, true);
        assert.equal((await nodes[1].start({ members: 40, lives: 3 })).isSuccess, true);
        assert.equal((await nodes[2].start({ members: 40, lives: 1 })).isSuccess, true);

        const listed = await nodes[0].list();
        assert.ok(listed.isSuccess);
        assert.deepEqual(
          listed.data.map(({ nodeId, members, lives }) => [nodeId, members, lives]),
          [
            ['node-3', 40, 1],
            ['node-2', 40, 3],
            ['node-1', 120, 2],
          ],
        );
        const least = await nodes[1].leastLoaded();
        assert.equal(least.isSuccess && least.data?.nodeId, 'node-3');

        // node-3 gets busy; the next heartbeat says so.
        nodes[2].setLoad({ members: 500, lives: 4 });
        assert.equal((await nodes[2].heartbeat()).isSuccess, true);
        const next = await nodes[0].leastLoaded();
        assert.equal(next.isSuccess && next.data?.nodeId, 'node-2');

        // A node that stops leaves the list at once.
        assert.equal((await nodes[1].stop()).isSuccess, true);
        const after = await nodes[0].list();
        assert.deepEqual(after.isSuccess && after.data.map((node) => node.nodeId), ['node-1', 'node-3']);
      } finally {
        for (const node of nodes) await node.stop();
      }
    });

    it('a node whose heartbeat stops drops out once its key runs out; a live one stays', async () => {
      const [one, two] = await connections(2);
      assert.ok(one && two);
      const alive = new NodeRegistry(one, 'node-alive', { ttlMs: 300, heartbeatMs: 50 });
      const dying = new NodeRegistry(two, 'node-dying', { ttlMs: 300, heartbeatMs: 50 });
      try {
        await alive.start({ members: 1, lives: 0 });
        await dying.heartbeat(); // registered once, then never again: it "died"
        const both = await alive.list();
        assert.equal(both.isSuccess && both.data.length, 2);
        const remaining = await until('node-dying to drop out', async () => {
          const listed = await alive.list();
          assert.ok(listed.isSuccess);
          return listed.data.length === 1 ? listed.data : null;
        });
        assert.deepEqual(
          remaining.map((node) => node.nodeId),
          ['node-alive'],
        );
        // Its id left the index too.
        assert.deepEqual(await one.command.smembers(`${one.prefix}nodes`), ['node-alive']);
      } finally {
        await alive.stop();
      }
    });

    it('leastLoaded picks fewest members, then fewest lives, then the smaller id', () => {
      const node = (nodeId: string, members: number, lives: number): NodeInfo => ({
        nodeId,
        members,
        lives,
        startedAt: 0,
      });
      const table: [NodeInfo[], string | null][] = [
        [[], null],
        [[node('a', 5, 0)], 'a'],
        [[node('a', 5, 0), node('b', 4, 9)], 'b'],
        [[node('a', 5, 2), node('b', 5, 1)], 'b'],
        [[node('b', 5, 1), node('a', 5, 1)], 'a'],
      ];
      for (const [nodes, expected] of table) assert.equal(leastLoaded(nodes)?.nodeId ?? null, expected);
    });
  });

  describe('user claims', () => {
    it('a second connection replaces the first atomically, and the first one’s node is told', async () => {
      const [one, two] = await connections(2);
      assert.ok(one && two);
      const noticesOfOne: ClaimReplaced[] = [];
      let noticed: (notice: ClaimReplaced) => void = () => undefined;
      const a = await UserClaims.start(one, 'node-a', {
        onReplaced: (notice) => {
          noticesOfOne.push(notice);
          noticed(notice);
        },
      });
      const b = await UserClaims.start(two, 'node-b', {
        onReplaced: () => assert.fail('node-b holds nothing replaced'),
      });
      assert.ok(a.isSuccess && b.isSuccess);
      try {
        const first = await a.data.claim('alice', 'conn-1');
        assert.deepEqual(first.isSuccess && first.data, null);

        // The same connection claiming again replaces nothing and notifies nobody.
        const again = await a.data.claim('alice', 'conn-1');
        assert.deepEqual(again.isSuccess && again.data, { nodeId: 'node-a', connectionId: 'conn-1' });

        const told = new Promise<ClaimReplaced>((resolve) => (noticed = resolve));
        const second = await b.data.claim('alice', 'conn-9');
        assert.deepEqual(second.isSuccess && second.data, { nodeId: 'node-a', connectionId: 'conn-1' });
        assert.deepEqual(await told, {
          userId: 'alice',
          connectionId: 'conn-1',
          by: { nodeId: 'node-b', connectionId: 'conn-9' },
        });
        assert.equal(noticesOfOne.length, 1);

        const holder = await a.data.holder('alice');
        assert.deepEqual(holder.isSuccess && holder.data, { nodeId: 'node-b', connectionId: 'conn-9' });
        // The replaced connection can neither refresh nor release the claim.
        const refresh = await a.data.refresh('alice', 'conn-1');
        assert.equal(!refresh.isSuccess && refresh.errorCode, ClusterErrorCode.CLAIM_LOST);
        const release = await a.data.release('alice', 'conn-1');
        assert.equal(release.isSuccess && release.data, false);
        assert.equal((await b.data.refresh('alice', 'conn-9')).isSuccess, true);
        const released = await b.data.release('alice', 'conn-9');
        assert.equal(released.isSuccess && released.data, true);
        const none = await a.data.holder('alice');
        assert.equal(none.isSuccess && none.data, null);
      } finally {
        a.data.close();
        b.data.close();
      }
    });

    it('a replaced connection of the claimer’s own node is told the same way', async () => {
      const [one] = await connections(1);
      assert.ok(one);
      const told: ClaimReplaced[] = [];
      let noticed: () => void = () => undefined;
      const claims = await UserClaims.start(one, 'node-a', {
        onReplaced: (notice) => {
          told.push(notice);
          noticed();
        },
      });
      assert.ok(claims.isSuccess);
      try {
        await claims.data.claim('bob', 'tab-1');
        const notice = new Promise<void>((resolve) => (noticed = resolve));
        await claims.data.claim('bob', 'tab-2');
        await notice;
        assert.deepEqual(told, [
          { userId: 'bob', connectionId: 'tab-1', by: { nodeId: 'node-a', connectionId: 'tab-2' } },
        ]);
      } finally {
        claims.data.close();
      }
    });
  });
});
