/**
 * The lives' leases and checkpoints on a real redis-server: a lease is taken only when free, every
 * new owner gets a strictly greater epoch, only the holder renews or releases, a dead holder's lease
 * runs out and another node takes it over, and a fenced-out former owner can never write a
 * checkpoint again. Expiry is driven by short TTLs and waited for as a condition, never timed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CheckpointStore,
  ClusterErrorCode,
  LiveLeases,
  type LeaseLoss,
  type RedisConnection,
} from '../../src/server/cluster/index.js';
import {
  connectTest,
  startTestRedis,
  testPrefix,
  until,
  type RedisProcess,
} from '../support/redis-process.js';

/** A short TTL, so that a lease left alone runs out quickly. */
const SHORT_TTL_MS = 150;

describe('cluster leases and checkpoints', () => {
  let redis: RedisProcess;
  const open: RedisConnection[] = [];

  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    await Promise.all(open.map((connection) => connection.close()));
    await redis.stop();
  });

  /** Two nodes, each with its own connections, sharing a prefix. */
  async function twoNodes(ttlMs = SHORT_TTL_MS) {
    const prefix = testPrefix();
    const [a, b] = await Promise.all([connectTest(redis, prefix), connectTest(redis, prefix)]);
    open.push(a, b);
    return {
      a: { leases: new LiveLeases(a, 'node-a', { ttlMs }), checkpoints: new CheckpointStore(a, 'node-a') },
      b: { leases: new LiveLeases(b, 'node-b', { ttlMs }), checkpoints: new CheckpointStore(b, 'node-b') },
    };
  }

  describe('lease', () => {
    it('is taken only while free; the holder is read back with its epoch', async () => {
      const { a, b } = await twoNodes(10_000);
      const free = await a.leases.read('live-1');
      assert.deepEqual(free, {
        isSuccess: true,
        errorCode: 0,
        errorMessage: '',
        data: { holder: null, epoch: 0 },
      });

      const first = await a.leases.acquire('live-1');
      assert.ok(first.isSuccess);
      assert.ok(first.data.acquired);
      const epoch = first.data.epoch;
      assert.ok(Number.isSafeInteger(epoch) && epoch > 0);

      const second = await b.leases.acquire('live-1');
      assert.ok(second.isSuccess && !second.data.acquired);
      assert.equal(second.data.holder.nodeId, 'node-a');
      assert.equal(second.data.holder.epoch, epoch);
      assert.ok(second.data.holder.ttlMs > 0);

      const read = await b.leases.read('live-1');
      assert.ok(read.isSuccess && read.data.holder);
      assert.deepEqual({ ...read.data.holder, ttlMs: 0 }, { nodeId: 'node-a', epoch, ttlMs: 0 });
      assert.equal(read.data.epoch, epoch);
    });

    it('is renewed and released only by its holder at its epoch; each new owner gets a greater epoch', async () => {
      const { a, b } = await twoNodes(10_000);
      const taken = await a.leases.acquire('live-2');
      assert.ok(taken.isSuccess && taken.data.acquired);
      const epoch = taken.data.epoch;

      assert.equal((await a.leases.renew('live-2', epoch)).isSuccess, true);
      assert.equal((await a.leases.renew('live-2', epoch - 1)).isSuccess, false);
      const foreign = await b.leases.renew('live-2', epoch);
      assert.equal(foreign.isSuccess, false);
      assert.equal(!foreign.isSuccess && foreign.errorCode, ClusterErrorCode.LEASE_LOST);
      assert.deepEqual(await b.leases.release('live-2', epoch), {
        isSuccess: true,
        errorCode: 0,
        errorMessage: '',
        data: false,
      });

      const released = await a.leases.release('live-2', epoch);
      assert.equal(released.isSuccess && released.data, true);
      const freed = await a.leases.read('live-2');
      assert.deepEqual(freed.isSuccess && freed.data, { holder: null, epoch });
      const afterRelease = await a.leases.renew('live-2', epoch);
      assert.equal(!afterRelease.isSuccess && afterRelease.errorCode, ClusterErrorCode.LEASE_LOST);

      const epochs: number[] = [epoch];
      for (const leases of [b.leases, a.leases, b.leases]) {
        const acquired = await leases.acquire('live-2');
        assert.ok(acquired.isSuccess && acquired.data.acquired);
        epochs.push(acquired.data.epoch);
        assert.equal((await leases.release('live-2', acquired.data.epoch)).isSuccess, true);
      }
      assert.equal(epochs.length, 4);
      for (let index = 1; index < epochs.length; index += 1) {
        assert.ok(
          (epochs[index] ?? 0) > (epochs[index - 1] ?? 0),
          `epochs ${epochs.join(', ')} strictly increase`,
        );
      }
    });

    it('runs out when its holder stops renewing; another node takes over at a greater epoch and fences the first out', async () => {
      const { a, b } = await twoNodes();
      const taken = await a.leases.acquire('live-3');
      assert.ok(taken.isSuccess && taken.data.acquired);
      const first = taken.data.epoch;
      // node-a "dies": it renews no more. node-b tries until the lease has run out.
      const takeover = await until('node-b to take live-3 over', async () => {
        const attempt = await b.leases.acquire('live-3');
        assert.ok(attempt.isSuccess);
        return attempt.data.acquired ? attempt.data : null;
      });
      assert.ok(takeover.epoch > first);

      const late = await a.leases.renew('live-3', first);
      assert.equal(!late.isSuccess && late.errorCode, ClusterErrorCode.FENCED);
      const read = await a.leases.read('live-3');
      assert.equal(read.isSuccess && read.data.holder?.nodeId, 'node-b');
    });

    it('a keeper keeps it past its TTL, and learns when a newer epoch took it', async () => {
      const { a, b } = await twoNodes();
      const taken = await a.leases.acquire('live-4');
      assert.ok(taken.isSuccess && taken.data.acquired);
      const lost: LeaseLoss[] = [];
      const keeper = a.leases.keep('live-4', taken.data.epoch, (loss) => lost.push(loss));
      try {
        // Renewed again and again: polled once per TTL, node-b is refused five times in a row, so
        // the lease outlived four TTLs at least.
        let refusals = 0;
        await until(
          'node-b to be refused five times',
          async () => {
            const attempt = await b.leases.acquire('live-4');
            assert.ok(attempt.isSuccess && !attempt.data.acquired, 'the kept lease was never free');
            refusals += 1;
            return refusals >= 5;
          },
          { everyMs: SHORT_TTL_MS },
        );
        assert.deepEqual(lost, []);
        assert.equal(keeper.holding, true);
      } finally {
        keeper.stop();
      }

      // Once it is no longer kept, it runs out; node-b takes it; a new keeper of node-a's old epoch is fenced.
      const takeover = await until('node-b to take live-4', async () => {
        const attempt = await b.leases.acquire('live-4');
        return attempt.isSuccess && attempt.data.acquired ? attempt.data : null;
      });
      const oldEpoch = taken.data.epoch;
      const fenced = await new Promise<LeaseLoss>((resolve) => a.leases.keep('live-4', oldEpoch, resolve));
      assert.equal(fenced.errorCode, ClusterErrorCode.FENCED);
      assert.equal(fenced.epoch, oldEpoch);
      assert.ok(takeover.epoch > oldEpoch);
    });
  });

  describe('checkpoint', () => {
    it('round-trips the owner’s data and seq; never goes back in seq', async () => {
      const { a, b } = await twoNodes(10_000);
      assert.deepEqual(await b.checkpoints.read('live-5'), {
        isSuccess: true,
        errorCode: 0,
        errorMessage: '',
        data: null,
      });
      const taken = await a.leases.acquire('live-5');
      assert.ok(taken.isSuccess && taken.data.acquired);
      const epoch = taken.data.epoch;
      const state = JSON.stringify({
        seats: ['host', null],
        applications: [{ userId: 'u1', deadline: 1_765_000_000_000 }],
      });
      assert.equal((await a.checkpoints.write('live-5', epoch, 7, state)).isSuccess, true);
      assert.deepEqual(await b.checkpoints.read('live-5'), {
        isSuccess: true,
        errorCode: 0,
        errorMessage: '',
        data: { epoch, seq: 7, data: state },
      });
      const older = await a.checkpoints.write('live-5', epoch, 6, '{}');
      assert.equal(!older.isSuccess && older.errorCode, ClusterErrorCode.STALE);
      assert.equal((await a.checkpoints.write('live-5', epoch, 9, '{"v":9}')).isSuccess, true);
      const read = await b.checkpoints.read('live-5');
      assert.equal(read.isSuccess && read.data?.seq, 9);
    });

    it('refuses a writer that does not hold the lease, and a fenced-out former owner for good', async () => {
      const { a, b } = await twoNodes();
      const stranger = await b.checkpoints.write('live-6', 1, 1, '{"by":"b"}');
      assert.equal(!stranger.isSuccess && stranger.errorCode, ClusterErrorCode.LEASE_LOST);

      const taken = await a.leases.acquire('live-6');
      assert.ok(taken.isSuccess && taken.data.acquired);
      const epochA = taken.data.epoch;
      assert.equal((await a.checkpoints.write('live-6', epochA, 3, '{"by":"a"}')).isSuccess, true);
      // Writing with an epoch it does not hold is refused even for the holder's node.
      const wrongEpoch = await a.checkpoints.write('live-6', epochA + 1, 4, '{"by":"a?"}');
      assert.equal(wrongEpoch.isSuccess, false);

      const epochB = await until('node-b to take live-6 over', async () => {
        const attempt = await b.leases.acquire('live-6');
        return attempt.isSuccess && attempt.data.acquired ? attempt.data.epoch : null;
      });
      const restored = await b.checkpoints.read('live-6');
      assert.equal(restored.isSuccess && restored.data?.data, '{"by":"a"}');
      assert.equal((await b.checkpoints.write('live-6', epochB, 4, '{"by":"b"}')).isSuccess, true);

      // node-a comes back from a pause and tries to write: fenced, whatever its seq.
      for (const seq of [4, 5, 1_000]) {
        const late = await a.checkpoints.write('live-6', epochA, seq, '{"by":"a, late"}');
        assert.equal(!late.isSuccess && late.errorCode, ClusterErrorCode.FENCED);
      }
      const read = await a.checkpoints.read('live-6');
      assert.deepEqual(read.isSuccess && read.data, { epoch: epochB, seq: 4, data: '{"by":"b"}' });
    });
  });
});
