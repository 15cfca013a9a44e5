/**
 * Redis out of reach, on a real redis-server that is SIGKILLed and started again on its port:
 * every call of the substrate resolves to a typed failure (nothing throws, rejects or hangs), a kept
 * lease is given up by its holder once it may have run out, and once Redis is back the same objects
 * work again: the bus subscribes again and asks for what was published meanwhile. Also what
 * connecting fails with: an unreachable Redis, a URL that is not Redis's, a missing `ioredis`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import {
  CheckpointStore,
  ClusterErrorCode,
  connectRedis,
  EventBus,
  LiveLeases,
  loadIoredis,
  NodeRegistry,
  NodeRequests,
  UserClaims,
  type BusEvent,
  type ClusterFailure,
  type LeaseLoss,
  type RedisConnection,
} from '../../src/server/cluster/index.js';
import { freePort } from '../../scripts/redis-process.mjs';
import {
  connectTest,
  ready,
  startTestRedis,
  testPrefix,
  until,
  type RedisProcess,
} from '../support/redis-process.js';

/** The codes a call may fail with while Redis is down. */
const DOWN: readonly string[] = [ClusterErrorCode.UNREACHABLE, ClusterErrorCode.TIMEOUT];

function assertDown(result: { isSuccess: boolean; errorCode?: unknown }, what: string): void {
  assert.equal(result.isSuccess, false, `${what} failed`);
  assert.ok(DOWN.includes(String(result.errorCode)), `${what} failed with ${String(result.errorCode)}`);
}

describe('cluster with Redis unreachable', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('every call fails typed while Redis is down, and works again once it is back', async () => {
    let redis: RedisProcess = await startTestRedis();
    cleanups.push(() => redis.stop());
    const prefix = testPrefix();
    const options = { commandTimeoutMs: 500, maxReconnectDelayMs: 100 };
    const [a, b]: RedisConnection[] = await Promise.all([
      connectTest(redis, prefix, options),
      connectTest(redis, prefix, options),
    ]);
    assert.ok(a && b);
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );

    const leasesA = new LiveLeases(a, 'node-a', { ttlMs: 300 });
    const leasesB = new LiveLeases(b, 'node-b', { ttlMs: 300 });
    const checkpoints = new CheckpointStore(a, 'node-a');
    const heartbeatFailures: ClusterFailure[] = [];
    const registry = new NodeRegistry(a, 'node-a', {
      heartbeatMs: 50,
      onHeartbeatFailure: (failure) => heartbeatFailures.push(failure),
    });
    const received: BusEvent[] = [];
    const repairs: [string, number][] = [];
    const publisher = new EventBus(a, {
      deliver: () => undefined,
      repair: () => Promise.resolve({ events: [] }),
    });
    const follower = new EventBus(b, {
      deliver: (event) => received.push(event),
      repair: (liveId, fromSeq) => {
        repairs.push([liveId, fromSeq]);
        // What the owner's replay buffer would hand back: the event published while Redis was away
        // never existed here, so the repair reports the snapshot it took.
        return Promise.resolve({ resumeAfter: fromSeq });
      },
    });
    const requestsA = await NodeRequests.start(a, 'node-a');
    const requestsB = await NodeRequests.start(b, 'node-b', { handler: () => 'pong' });
    const claims = await UserClaims.start(a, 'node-a', { onReplaced: () => undefined });
    assert.ok(requestsA.isSuccess && requestsB.isSuccess && claims.isSuccess);
    cleanups.push(
      () => registry.stop().then(() => undefined),
      () => publisher.close(),
      () => follower.close(),
      () => requestsA.data.close(),
      () => requestsB.data.close(),
      () => claims.data.close(),
    );

    // Everything works.
    assert.equal((await registry.start({ members: 3, lives: 1 })).isSuccess, true);
    const taken = await leasesA.acquire('live-x');
    assert.ok(taken.isSuccess && taken.data.acquired);
    const epoch = taken.data.epoch;
    const losses: LeaseLoss[] = [];
    let lost: () => void = () => undefined;
    const keeper = leasesA.keep('live-x', epoch, (loss) => {
      losses.push(loss);
      lost();
    });
    cleanups.push(() => keeper.stop());
    assert.equal((await follower.follow('live-x', 0)).isSuccess, true);
    await publisher.publish({ liveId: 'live-x', epoch, seq: 1, audience: { kind: 'all' }, payload: '{}' });
    await until('seq 1 to arrive', () => received.length === 1);

    // Redis dies.
    const closed = [once(a.command, 'close'), once(a.subscriber, 'close'), once(b.command, 'close')];
    const port = redis.port;
    await redis.kill();
    await Promise.all(closed);

    assertDown(await leasesA.acquire('live-y'), 'lease acquire');
    assertDown(await leasesA.renew('live-x', epoch), 'lease renew');
    assertDown(await leasesA.release('live-x', epoch), 'lease release');
    assertDown(await leasesA.read('live-x'), 'lease read');
    assertDown(await checkpoints.write('live-x', epoch, 1, '{}'), 'checkpoint write');
    assertDown(await checkpoints.read('live-x'), 'checkpoint read');
    assertDown(
      await publisher.publish({ liveId: 'live-x', epoch, seq: 2, audience: { kind: 'all' }, payload: '{}' }),
      'publish',
    );
    assertDown(await follower.follow('live-z', 0), 'follow');
    assertDown(await requestsA.data.request('node-b', 'ping', null), 'request');
    assertDown(await claims.data.claim('carol', 'conn-1'), 'claim');
    assertDown(await claims.data.refresh('carol', 'conn-1'), 'claim refresh');
    assertDown(await claims.data.holder('carol'), 'claim read');
    assertDown(await registry.heartbeat(), 'heartbeat');
    assertDown(await registry.list(), 'node list');
    assertDown(await NodeRequests.start(a, 'node-c'), 'request channel');

    // The holder gives its lease up once it may have run out, without Redis saying so.
    if (losses.length === 0) await new Promise<void>((resolve) => (lost = resolve));
    assert.equal(losses.length, 1);
    assert.equal(losses[0]?.errorCode, ClusterErrorCode.UNREACHABLE);
    assert.equal(keeper.holding, false);
    await until('a heartbeat failure to be reported', () => heartbeatFailures.length > 0);
    assert.ok(DOWN.includes(heartbeatFailures[0]?.errorCode ?? ''));

    // Redis comes back on the same port, empty (no persistence).
    redis = await startTestRedis(port);
    await Promise.all([ready(a), ready(b)]);

    // The follower subscribed again and asked what it missed: live-x after seq 1, and live-z (followed
    // while Redis was down) from its start.
    await until('the repairs after the reconnection', () => repairs.length >= 2);
    assert.deepEqual(repairs, [
      ['live-x', 2],
      ['live-z', 1],
    ]);
    await until('the resubscription', async () => {
      const sent = await publisher.publish({
        liveId: 'live-x',
        epoch,
        seq: 3,
        audience: { kind: 'all' },
        payload: '{}',
      });
      return sent.isSuccess && sent.data === 1;
    });
    await until('seq 3 to arrive', () => received.some((event) => event.seq === 3));
    assert.deepEqual(
      received.map((event) => event.seq),
      [1, 3],
    );

    // The same objects work again. The old lease is gone with Redis's data; the next owner's epoch
    // is still greater than any before.
    const again = await leasesB.acquire('live-x');
    assert.ok(again.isSuccess && again.data.acquired);
    assert.ok(again.data.epoch > epoch, `epoch ${again.data.epoch} after ${epoch}`);
    const stale = await checkpoints.write('live-x', epoch, 4, '{}');
    assert.equal(!stale.isSuccess && stale.errorCode, ClusterErrorCode.FENCED);
    assert.equal(
      (await new CheckpointStore(b, 'node-b').write('live-x', again.data.epoch, 4, '{}')).isSuccess,
      true,
    );
    const reply = await requestsA.data.request('node-b', 'ping', null);
    assert.deepEqual(reply.isSuccess && reply.data, 'pong');
    const claim = await claims.data.claim('carol', 'conn-1');
    assert.deepEqual(claim.isSuccess && claim.data, null);
    await until('node-a to be listed again by its heartbeat', async () => {
      const listed = await registry.list();
      return listed.isSuccess && listed.data.some((node) => node.nodeId === 'node-a');
    });
  });

  it('connecting fails typed: Redis unreachable, a URL that is not Redis’s, ioredis missing', async () => {
    const port = await freePort();
    const unreachable = await connectRedis({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 500 });
    assert.equal(!unreachable.isSuccess && unreachable.errorCode, ClusterErrorCode.UNREACHABLE);

    for (const url of ['http://127.0.0.1:6379', 'not a url', 'redis://']) {
      const invalid = await connectRedis({ url });
      assert.equal(!invalid.isSuccess && invalid.errorCode, ClusterErrorCode.INVALID_URL, url);
    }

    const missing = Object.assign(new Error("Cannot find package 'ioredis'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const loaded = await loadIoredis(() => Promise.reject(missing));
    assert.equal(!loaded.isSuccess && loaded.errorCode, ClusterErrorCode.IOREDIS_MISSING);
    assert.match(!loaded.isSuccess ? loaded.errorMessage : '', /npm install ioredis/);
    const viaConnect = await connectRedis({
      url: 'redis://127.0.0.1:6379',
      importIoredis: () => Promise.reject(missing),
    });
    assert.equal(!viaConnect.isSuccess && viaConnect.errorCode, ClusterErrorCode.IOREDIS_MISSING);

    const real = await loadIoredis();
    assert.equal(real.isSuccess && typeof real.data.Redis, 'function');
  });
});
