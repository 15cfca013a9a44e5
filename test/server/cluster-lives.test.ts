/**
 * Lives shared by a cluster of three servers on a real redis-server: a live is owned by one
 * process and every other process forwards its members' commands and fans the owner's events out
 * to its own sockets. Host on one server, guests on the others: apply → accept, invite → accept,
 * kick, leave, end; two managers on different servers racing to accept one application.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, afterEach, describe, it } from 'node:test';
import { ErrorCode, type SeatInfo, type ServerEvent } from '../../src/protocol/index.js';
import type { ServerHandle } from '../../src/server/server.js';
import {
  connectTest,
  startTestRedis,
  testPrefix,
  until,
  type RedisProcess,
} from '../support/redis-process.js';
import { Resources, type TestClient } from './helpers.js';

interface LivePage {
  lives: { liveId: string; memberCount: number }[];
  nextCursor: string;
}

/** Who sits where, by the last `seats` event a client got. */
function seatsSeenBy(client: TestClient): (string | null)[] {
  const last = client
    .events()
    .filter(
      (m): m is ServerEvent & { event: { type: 'seats'; seats: readonly SeatInfo[] } } =>
        m.event.type === 'seats',
    )
    .at(-1);
  return last ? last.event.seats.map((seat) => seat.userInfo?.userId ?? null) : [];
}

describe('lives across a cluster of servers', () => {
  let redis: RedisProcess;
  let resources: Resources;
  let servers: ServerHandle[];
  let prefix: string;

  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    resources = new Resources();
    prefix = testPrefix();
    servers = [];
    for (const nodeId of ['node-a', 'node-b', 'node-c']) {
      servers.push(await resources.server({ cluster: { redis: redis.url, nodeId, prefix } }));
    }
  });
  afterEach(async () => {
    await resources.dispose();
  });

  function server(index: number): ServerHandle {
    const handle = servers[index];
    assert.ok(handle);
    return handle;
  }

  /**
   * The host on server `on[0]` with a live, guests ann and bob on servers `on[1]` and `on[2]` in
   * it. The live goes to the least loaded node (node-a, server 0, when all are idle).
   */
  async function stage(on: readonly [number, number, number] = [0, 1, 2]) {
    const host = await resources.connect(server(on[0]), 'host');
    const ann = await resources.connect(server(on[1]), 'ann');
    const bob = await resources.connect(server(on[2]), 'bob');
    await host.ok('live.create', { liveId: 'show', seatMode: 'apply' });
    await ann.ok('live.join', { liveId: 'show' });
    await bob.ok('live.join', { liveId: 'show' });
    return { host, ann, bob };
  }

  /** Waits until every client sees `userId` on seat `index`, then checks they all see the same seats. */
  async function seatedEverywhere(clients: TestClient[], userId: string, index: number) {
    for (const client of clients) {
      await client.waitEvent('seats', 0, (event) => event.seats[index]?.userInfo?.userId === userId);
    }
    const seen = clients.map(seatsSeenBy);
    for (const seats of seen) assert.deepEqual(seats, seen[0]);
  }

  it('applies and accepts across servers: every member sees the same seats', async () => {
    const { host, ann, bob } = await stage();
    const received = host.waitEvent('application.received');
    await ann.ok('guest.apply', { liveId: 'show', seatIndex: 2 });
    await received;
    await host.ok('guest.acceptApplication', { liveId: 'show', userId: 'ann' });
    await ann.waitEvent('application.resolved', 0, (event) => event.outcome === 'accepted');
    await seatedEverywhere([host, ann, bob], 'ann', 2);
  });

  it('invites and accepts across servers; kicks; a guest leaves; the host ends the live', async () => {
    const { host, ann, bob } = await stage();
    const invited = bob.waitEvent('invitation.received');
    await host.ok('guest.invite', { liveId: 'show', inviteeId: 'bob', seatIndex: 3 });
    await invited;
    await bob.ok('guest.acceptInvitation', { liveId: 'show', inviterId: 'host' });
    await seatedEverywhere([host, ann, bob], 'bob', 3);

    await host.ok('seat.kick', { liveId: 'show', userId: 'bob' });
    await bob.waitEvent('seat.lost', 0, (event) => event.userId === 'bob' && event.reason === 'kicked');
    for (const client of [host, ann, bob]) {
      await client.waitEvent('seats', 0, (event) => event.seats[3]?.userInfo === null);
    }

    const left = host.waitEvent('member.left', 0, (event) => event.userId === 'ann');
    await ann.ok('live.leave', { liveId: 'show' });
    await left;

    const ended = bob.waitEvent('live.ended');
    await host.ok('live.end', { liveId: 'show' });
    await ended;
    const again = await bob.command('seat.take', { liveId: 'show', seatIndex: 1 });
    assert.equal(again.result.isSuccess, false);
  });

  it('lets exactly one of two managers on different servers accept an application', async () => {
    // The host on node-c: its live is created on node-a, and the host reaches it from afar.
    const { host, ann, bob } = await stage([2, 0, 1]);
    const view = await connectTest(redis, prefix);
    try {
      assert.match(
        (await view.command.get(`${prefix}live:show:lease`)) ?? '',
        /^\d+:node-a$/,
        'owned by node-a',
      );
    } finally {
      await view.close();
    }
    const carl = await resources.connect(server(1), 'carl');
    await carl.ok('live.join', { liveId: 'show' });
    await host.ok('member.setAdmin', { liveId: 'show', userId: 'carl', admin: true });
    const toHost = host.waitEvent('application.received');
    const toCarl = carl.waitEvent('application.received');
    await ann.ok('guest.apply', { liveId: 'show' });
    await Promise.all([toHost, toCarl]);
    const [byHost, byCarl] = await Promise.all([
      host.command('guest.acceptApplication', { liveId: 'show', userId: 'ann' }),
      carl.command('guest.acceptApplication', { liveId: 'show', userId: 'ann' }),
    ]);
    const outcomes = [byHost.result, byCarl.result];
    assert.equal(outcomes.filter((result) => result.isSuccess).length, 1, 'exactly one accepted');
    const lost = outcomes.find((result) => !result.isSuccess);
    assert.ok(lost && !lost.isSuccess);
    assert.ok(
      ([ErrorCode.REQUEST_ALREADY_HANDLED, ErrorCode.REQUEST_NOT_FOUND] as number[]).includes(lost.errorCode),
      `the other is told: ${lost.errorCode} ${lost.errorMessage}`,
    );
    const seat = seatsSeenBy(bob).indexOf('ann');
    assert.ok(
      seat > 0 ||
        (await bob.waitEvent('seats', 0, (event) => event.seats.some((s) => s.userInfo?.userId === 'ann'))),
    );
  });

  it('repairs the events a server missed while its subscription was down', async () => {
    const { host, ann, bob } = await stage();
    const redisView = await connectTest(redis, 'view:');
    try {
      // Every node's subscriber is cut: what the owner publishes now reaches nobody.
      await redisView.command.client('KILL', 'TYPE', 'pubsub');
      await host.ok('seat.lock', { liveId: 'show', seatIndex: 4, lockSeat: true });
    } finally {
      await redisView.close();
    }
    // Back, each node asks the owner for what it missed.
    for (const client of [ann, bob]) {
      await client.waitEvent('seats', 0, (event) => event.seats[4]?.isLocked === true);
    }
  });

  it('lists the lives of every server, paged, with members counted across servers', async () => {
    const { ann } = await stage();
    const other = await resources.connect(server(2), 'eve');
    await other.ok('live.create', { liveId: 'late' });
    // The owners write their lives' counts to the list once per second: wait for the next write.
    const first = await until(
      'the member count of show in the list',
      async () => {
        const page = (await ann.ok('live.list', { count: 1 })) as LivePage;
        return page.lives[0]?.memberCount === 3 ? page : null;
      },
      { everyMs: 250 },
    );
    assert.deepEqual(
      first.lives.map((live) => live.liveId),
      ['show'],
    );
    assert.notEqual(first.nextCursor, '');
    const second = (await ann.ok('live.list', { cursor: first.nextCursor, count: 5 })) as LivePage;
    assert.deepEqual(
      second.lives.map((live) => live.liveId),
      ['late'],
    );
    assert.equal(second.nextCursor, '');
  });

  it('keeps one connection per user across servers', async () => {
    const first = await resources.connect(server(0), 'dora');
    await first.ok('live.list', {});
    await resources.connect(server(1), 'dora');
    const closed = await first.waitClose('the first connection closes');
    assert.equal(closed.code, 4005);
  });
});
