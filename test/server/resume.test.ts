import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { CloseCode, type JoinData, type LiveSnapshot, type SeatInfo } from '../../src/protocol/index.js';
import type { ServerLogger } from '../../src/server/server.js';
import { Resources, within, type TestClient } from './helpers.js';

const GRACE_MS = 10_000;

function seatOf(seats: readonly SeatInfo[], userId: string): SeatInfo | undefined {
  return seats.find((seat) => seat.userInfo?.userId === userId);
}

/** The highest seq a client has seen in `live` (from its join snapshot and its events). */
function lastSeq(client: TestClient, start: number, liveId = 'show'): number {
  return Math.max(
    start,
    ...client
      .events()
      .filter((e) => e.liveId === liveId)
      .map((e) => e.seq),
  );
}

describe('server reconnect and resume', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  async function setup(
    options: { seatMode?: 'apply' | 'free'; replayBufferSize?: number; logger?: ServerLogger } = {},
  ) {
    const scheduler = new ManualScheduler();
    const server = await res.server({
      scheduler,
      ...(options.logger ? { logger: options.logger } : {}),
      roomLimits: { graceMs: GRACE_MS },
      ...(options.replayBufferSize === undefined ? {} : { replayBufferSize: options.replayBufferSize }),
    });
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'show', seatMode: options.seatMode ?? 'apply' });
    return { scheduler, server, host };
  }

  async function join(client: TestClient, sinceSeq?: number): Promise<JoinData> {
    return (await client.ok('live.join', {
      liveId: 'show',
      ...(sinceSeq === undefined ? {} : { sinceSeq }),
    })) as JoinData;
  }

  it('replays exactly the missed events the user may see', async () => {
    const { server, host } = await setup();
    const viewer = await res.connect(server, 'viewer');
    const first = await join(viewer);
    assert.ok(first.kind === 'snapshot');
    const watcher = await res.connect(server, 'watcher');
    await join(watcher);
    await viewer.ok('live.list', {});
    const seen = lastSeq(viewer, first.snapshot.seq);
    const watcherFrom = watcher.mark();

    await viewer.drop();
    // While the viewer is away: one event for managers and one count for the rest, one for all,
    // one for the managers and the watcher only.
    const late = await res.connect(server, 'late');
    await join(late);
    await host.ok('seat.lock', { liveId: 'show', seatIndex: 3, lockSeat: true });
    await host.ok('guest.invite', { liveId: 'show', inviteeId: 'watcher' });
    await watcher.waitEvent('invitation.received', watcherFrom);
    const hostSeq = lastSeq(host, 0);

    const back = await res.connect(server, 'viewer');
    const resumed = await join(back, seen);
    assert.equal(resumed.kind, 'replay');
    assert.ok(resumed.kind === 'replay');
    assert.equal(resumed.seq, hostSeq);
    assert.deepEqual(
      resumed.events.map((e) => e.event.type),
      ['member.count', 'seats'],
    );
    const expected = watcher.events(watcherFrom).filter((e) => e.event.type !== 'invitation.received');
    assert.deepEqual(resumed.events, expected);
    assert.ok(resumed.events.every((e) => e.liveId === 'show' && e.seq > seen && e.seq <= hostSeq));

    // Live again: the next event arrives after the reply, with the next seq.
    const from = back.mark();
    await host.ok('seat.lock', { liveId: 'show', seatIndex: 3, lockSeat: false });
    const next = await back.waitEvent('seats', from);
    assert.equal(next.seq, hostSeq + 1);
  });

  it('replays nothing when nothing was missed', async () => {
    const { server } = await setup();
    const viewer = await res.connect(server, 'viewer');
    const first = await join(viewer);
    assert.ok(first.kind === 'snapshot');
    await viewer.drop();
    const back = await res.connect(server, 'viewer');
    const resumed = await join(back, first.snapshot.seq);
    assert.deepEqual(resumed, { kind: 'replay', events: [], seq: first.snapshot.seq });
  });

  it('sends a snapshot when the replay buffer overflowed', async () => {
    const { server, host } = await setup({ replayBufferSize: 2 });
    const viewer = await res.connect(server, 'viewer');
    const first = await join(viewer);
    assert.ok(first.kind === 'snapshot');
    await viewer.drop();
    for (const seatIndex of [2, 3, 4])
      await host.ok('seat.lock', { liveId: 'show', seatIndex, lockSeat: true });
    const back = await res.connect(server, 'viewer');
    const resumed = await join(back, first.snapshot.seq);
    assert.equal(resumed.kind, 'snapshot');
    assert.ok(resumed.kind === 'snapshot');
    assert.equal(resumed.snapshot.seq, lastSeq(host, 0));
    assert.deepEqual(
      resumed.snapshot.seats.filter((s) => s.isLocked).map((s) => s.index),
      [2, 3, 4],
    );
  });

  it('sends a snapshot for a seq from the future', async () => {
    const { server } = await setup();
    const viewer = await res.connect(server, 'viewer');
    const resumed = await join(viewer, 10_000);
    assert.equal(resumed.kind, 'snapshot');
  });

  it('keeps a seat through a drop within the grace period, frees it after', async () => {
    const { scheduler, server, host } = await setup({ seatMode: 'free' });
    const guest = await res.connect(server, 'guest');
    await join(guest);
    await guest.ok('seat.take', { liveId: 'show', seatIndex: 1 });

    let from = host.mark();
    await guest.drop();
    const lost = await host.waitEvent(
      'seats',
      from,
      (e) => seatOf(e.seats, 'guest')?.userInfo?.connection === 'lost',
    );
    assert.equal(seatOf(lost.event.seats, 'guest')?.index, 1);
    scheduler.advance(GRACE_MS - 1);

    from = host.mark();
    const back = await res.connect(server, 'guest');
    const resumed = await join(back);
    assert.ok(resumed.kind === 'snapshot');
    assert.equal(seatOf(resumed.snapshot.seats, 'guest')?.index, 1);
    await host.waitEvent('seats', from, (e) => seatOf(e.seats, 'guest')?.userInfo?.connection === 'online');
    scheduler.advance(GRACE_MS * 2);
    await host.ok('live.list', {});
    assert.equal(host.events(from).filter((e) => e.event.type === 'seat.lost').length, 0);

    // A second drop, this time past the grace period.
    from = host.mark();
    await back.drop();
    await host.waitEvent('seats', from, (e) => seatOf(e.seats, 'guest')?.userInfo?.connection === 'lost');
    scheduler.advance(GRACE_MS);
    const gone = await host.waitEvent('seat.lost', from);
    assert.deepEqual(gone.event, {
      type: 'seat.lost',
      userId: 'guest',
      seatIndex: 1,
      reason: 'connectionLost',
      by: null,
    });
    const left = await host.waitEvent('member.left', from);
    assert.equal(left.event.reason, 'connectionLost');
    const snapshot = (await host.ok('live.join', { liveId: 'show' })) as JoinData;
    assert.ok(snapshot.kind === 'snapshot');
    assert.equal(seatOf(snapshot.snapshot.seats, 'guest'), undefined);
  });

  it('ends the live with hostLost when the host stays away past the grace period', async () => {
    const { scheduler, server, host } = await setup();
    const viewer = await res.connect(server, 'viewer');
    await join(viewer);
    const from = viewer.mark();
    await host.drop();
    await viewer.waitEvent('seats', from, (e) => seatOf(e.seats, 'host')?.userInfo?.connection === 'lost');
    scheduler.advance(GRACE_MS);
    const ended = await viewer.waitEvent('live.ended', from);
    assert.equal(ended.event.reason, 'hostLost');
    assert.equal(server.hub.liveCount, 0);
    const again = await viewer.command('guest.apply', { liveId: 'show' });
    assert.equal(again.result.isSuccess, false);
  });

  it('lets a host come back within the grace period', async () => {
    const { scheduler, server, host } = await setup();
    const viewer = await res.connect(server, 'viewer');
    await join(viewer);
    const from = viewer.mark();
    await host.drop();
    await viewer.waitEvent('seats', from, (e) => seatOf(e.seats, 'host')?.userInfo?.connection === 'lost');
    scheduler.advance(GRACE_MS - 1);
    const back = await res.connect(server, 'host');
    const resumed = (await back.ok('live.join', { liveId: 'show' })) as JoinData;
    assert.ok(resumed.kind === 'snapshot');
    assert.equal(resumed.snapshot.live.owner.userId, 'host');
    scheduler.advance(GRACE_MS * 2);
    await back.ok('seat.lock', { liveId: 'show', seatIndex: 2, lockSeat: true });
    assert.equal(server.hub.liveCount, 1);
  });

  it('does not start a grace period for a replaced connection', async () => {
    const { scheduler, server, host } = await setup({ seatMode: 'free' });
    const guest = await res.connect(server, 'guest');
    await join(guest);
    await guest.ok('seat.take', { liveId: 'show', seatIndex: 1 });
    const from = host.mark();
    const second = await res.connect(server, 'guest');
    assert.equal((await guest.waitClose()).code, CloseCode.REPLACED);
    scheduler.advance(GRACE_MS * 3);
    const snapshot = (await second.ok('live.join', { liveId: 'show' })) as JoinData;
    assert.ok(snapshot.kind === 'snapshot');
    assert.equal(seatOf(snapshot.snapshot.seats, 'guest')?.userInfo?.connection, 'online');
    await host.ok('live.list', {});
    assert.deepEqual(
      host.events(from).filter((e) => e.event.type === 'seat.lost' || e.event.type === 'member.left'),
      [],
    );
    // The new connection acts for the user.
    await second.ok('device.publish', { liveId: 'show', microphone: 'on' });
  });

  it('treats a drop of an unseated member silently and removes them after the grace period', async () => {
    const lines: string[] = [];
    let onLine: (() => void) | null = null;
    const logger = { info: (line: string) => (lines.push(line), onLine?.()), warn: () => undefined };
    const { scheduler, server, host } = await setup({ logger });
    const viewer = await res.connect(server, 'viewer');
    await join(viewer);
    const from = host.mark();
    // No client sees when the server notices an unseated member's drop; its log line tells.
    const noticed = new Promise<void>((resolve) => {
      onLine = () => {
        if (lines.includes('user viewer disconnected')) resolve();
      };
    });
    await viewer.drop();
    await within(noticed, 'the server to notice the drop');
    scheduler.advance(GRACE_MS);
    const left = await host.waitEvent('member.left', from);
    assert.equal(left.event.userId, 'viewer');
    const snapshot = (await host.ok('live.join', { liveId: 'show' })) as { snapshot: LiveSnapshot };
    assert.equal(snapshot.snapshot.memberCount, 1);
  });
});
