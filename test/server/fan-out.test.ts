import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { createHub, DEFAULT_FAN_OUT, type HubOptions } from '../../src/hub/index.js';
import type { BatchMessage, ServerMessage, UserInfo } from '../../src/protocol/index.js';
import { connect, startServer, type TestClient } from './helpers.js';

function user(userId: string): UserInfo {
  return { userId, userName: userId.toUpperCase(), avatarUrl: '' };
}

/** An in-memory peer recording what the hub sends. */
class Peer {
  readonly texts: string[] = [];
  send(text: string): void {
    this.texts.push(text);
  }
  close(): void {
    // Nothing to close.
  }
  /** Room updates: single events and batches, in arrival order. */
  updates(): (ServerMessage & { type: 'event' | 'batch' })[] {
    return this.texts
      .map((text) => JSON.parse(text) as ServerMessage)
      .filter(
        (m): m is ServerMessage & { type: 'event' | 'batch' } => m.type === 'event' || m.type === 'batch',
      );
  }
  /** Every event received, flattened from single events and batches. */
  events(): { seq: number; type: string }[] {
    return this.updates().flatMap((m) =>
      m.type === 'event'
        ? [{ seq: m.seq, type: m.event.type }]
        : m.events.map((item) => ({ seq: item.seq, type: item.event.type })),
    );
  }
  clear(): void {
    this.texts.length = 0;
  }
}

/** A live of `audience` members plus its host, on a hub with a manual clock. */
function room(audience: number, fanOut: HubOptions['fanOut']) {
  const scheduler = new ManualScheduler();
  const hub = createHub({ scheduler, fanOut, roomLimits: { maxPendingApplications: 10_000 } });
  let id = 0;
  const attach = (userId: string) => {
    const peer = new Peer();
    const connection = hub.connect(user(userId), peer);
    const send = (name: string, args: unknown) =>
      connection.receive(JSON.stringify({ type: 'cmd', id: String(++id), name, args }));
    return { peer, send };
  };
  const host = attach('host');
  host.send('live.create', { liveId: 'show', maxSeatCount: 9 });
  const members = Array.from({ length: audience }, (_, i) => {
    const member = attach(`m${i}`);
    member.send('live.join', { liveId: 'show' });
    return member;
  });
  scheduler.advance(1_000);
  for (const peer of [host, ...members]) peer.peer.clear();
  return { scheduler, hub, host, members, attach };
}

describe('hub fan-out', () => {
  it('sends each event at once in a room at or below the threshold', () => {
    const { host, members } = room(4, { coalesceAbove: 5, intervalMs: 100 });
    members[0]!.send('guest.apply', { liveId: 'show', seatIndex: -1 });
    assert.deepEqual(
      host.peer.updates().map((m) => m.type),
      ['event'],
    );
    assert.deepEqual(
      members[0]!.peer.events().map((e) => e.type),
      ['application.received'],
    );
    assert.deepEqual(
      members[1]!.peer.events(),
      [],
      'an application is not shown to the rest of the audience',
    );
  });

  it('holds a large room’s events for the next batch and sends one batch per member', () => {
    const { host, members, scheduler } = room(6, { coalesceAbove: 5, intervalMs: 100 });
    for (const member of members.slice(0, 3)) member.send('guest.apply', { liveId: 'show', seatIndex: -1 });
    const late = members[5]!;
    assert.deepEqual(host.peer.updates(), [], 'nothing before the batch is due');
    scheduler.advance(100);
    const hostUpdates = host.peer.updates();
    assert.equal(hostUpdates.length, 1);
    assert.equal(hostUpdates[0]!.type, 'batch');
    assert.deepEqual(
      host.peer.events().map((e) => e.type),
      ['application.received', 'application.received', 'application.received'],
    );
    const seqs = host.peer.events().map((e) => e.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'in sequence order',
    );
    assert.deepEqual(
      members[1]!.peer.events().map((e) => e.type),
      ['application.received'],
    );
    assert.deepEqual(late.peer.updates(), [], 'a member no event is addressed to gets nothing');
  });

  it('sends the audience only the latest member count of a batch', () => {
    const { members, attach, scheduler, host } = room(6, { coalesceAbove: 5, intervalMs: 100 });
    for (let i = 0; i < 4; i++) attach(`late${i}`).send('live.join', { liveId: 'show' });
    scheduler.advance(100);
    const updates = members[0]!.peer.updates();
    assert.equal(updates.length, 1);
    const batch = updates[0] as BatchMessage;
    assert.deepEqual(
      batch.events.map((item) => item.event),
      [{ type: 'member.count', memberCount: 11 }],
    );
    assert.deepEqual(
      host.peer.events().map((e) => e.type),
      ['member.joined', 'member.joined', 'member.joined', 'member.joined'],
      'managers still see each arrival',
    );
  });

  it('shares one text among the members a batch does not name', () => {
    const { members, attach, scheduler } = room(6, { coalesceAbove: 5, intervalMs: 100 });
    attach('late').send('live.join', { liveId: 'show' });
    scheduler.advance(100);
    const texts = new Set(members.map((member) => member.peer.texts.at(-1)));
    assert.equal(texts.size, 1);
  });

  it('sends no member more than 1000 / intervalMs updates per second, and every application once', () => {
    const { host, members, scheduler } = room(40, { coalesceAbove: 5, intervalMs: 100 });
    for (const [i, member] of members.entries()) {
      member.send('guest.apply', { liveId: 'show', seatIndex: -1 });
      if (i % 2 === 1) scheduler.advance(25);
    }
    scheduler.advance(1_000);
    for (const peer of [host, ...members].map((p) => p.peer)) {
      assert.ok(
        peer.updates().length <= 6,
        `at most one update per 100 ms over ~500 ms, got ${peer.updates().length}`,
      );
    }
    const received = host.peer.events().filter((e) => e.type === 'application.received');
    assert.equal(received.length, 40);
    assert.equal(new Set(received.map((e) => e.seq)).size, 40);
  });

  it('tells a large room that the live ended at once, after what was pending', () => {
    const { host, members } = room(6, { coalesceAbove: 5, intervalMs: 100 });
    members[0]!.send('guest.apply', { liveId: 'show', seatIndex: -1 });
    host.send('live.end', { liveId: 'show' });
    assert.equal(members[0]!.peer.events()[0]?.type, 'application.received', 'what was pending first');
    assert.equal(members[0]!.peer.events().at(-1)?.type, 'live.ended');
    assert.equal(members[3]!.peer.events().at(-1)?.type, 'live.ended');
  });

  it('sends the audience a count that travels alone at most once per room size / countFanOutPerSecond', () => {
    // 21 subscribers at 100 per second: a lone count goes out at most every 210 ms.
    const { members, attach, scheduler, host } = room(20, {
      coalesceAbove: 5,
      intervalMs: 100,
      countFanOutPerSecond: 100,
    });
    const audience = members[0]!.peer;
    const counts = () =>
      audience
        .events()
        .filter((e) => e.type === 'member.count')
        .map((e) => e.seq);
    audience.clear();
    host.peer.clear();
    attach('late0').send('live.join', { liveId: 'show' });
    scheduler.advance(100);
    assert.equal(counts().length, 1, 'a count after a quiet while goes with the next batch');
    for (let i = 1; i < 6; i++) {
      attach(`late${i}`).send('live.join', { liveId: 'show' });
      scheduler.advance(30);
    }
    assert.equal(counts().length, 1, 'the next lone count waits for its turn');
    scheduler.advance(1_000);
    assert.equal(
      host.peer.events().filter((e) => e.type === 'member.joined').length,
      6,
      'managers get each arrival',
    );
    const batches = audience.updates() as BatchMessage[];
    assert.equal(batches.length, 2, 'six joins, two counts');
    assert.deepEqual(
      batches[1]!.events.map((item) => item.event),
      [{ type: 'member.count', memberCount: 27 }],
    );
  });

  it('lets a held count ride along with the next batch the audience gets, in seq order', () => {
    const { members, attach, scheduler, host } = room(20, {
      coalesceAbove: 5,
      intervalMs: 100,
      countFanOutPerSecond: 100,
    });
    const audience = members[0]!.peer;
    attach('late0').send('live.join', { liveId: 'show' });
    scheduler.advance(100);
    audience.clear();
    attach('late1').send('live.join', { liveId: 'show' });
    scheduler.advance(100);
    assert.deepEqual(audience.updates(), [], 'the count is held');
    host.send('seat.lock', { liveId: 'show', seatIndex: 3, lockSeat: true });
    scheduler.advance(100);
    assert.deepEqual(
      audience.events().map((e) => e.type),
      ['member.count', 'seats'],
      'the count goes with the seat change, before it',
    );
    const seqs = audience.events().map((e) => e.seq);
    assert.ok(seqs[0]! < seqs[1]!);
  });

  it('defaults to coalescing above 1,000 connections at 10 batches per second', () => {
    assert.deepEqual(DEFAULT_FAN_OUT, {
      coalesceAbove: 1_000,
      intervalMs: 100,
      countFanOutPerSecond: 10_000,
    });
  });
});

describe('createServer fanOut', () => {
  it('hands its fanOut options to the hub: a room above coalesceAbove gets batches', async () => {
    const handle = await startServer({ fanOut: { coalesceAbove: 1, intervalMs: 20 } });
    const clients: TestClient[] = [];
    try {
      const host = await connect(handle, 'host');
      const viewer = await connect(handle, 'viewer');
      clients.push(host, viewer);
      await host.ok('live.create', { liveId: 'show' });
      await viewer.ok('live.join', { liveId: 'show' });
      const from = viewer.mark();
      await host.ok('seat.lock', { liveId: 'show', seatIndex: 3, lockSeat: true });
      const batch = await viewer.waitFor<BatchMessage>((m) => m.type === 'batch', 'a batch', from);
      assert.deepEqual(
        batch.events.map((item) => item.event.type),
        ['seats'],
      );
      assert.deepEqual(
        viewer.messages.slice(from).filter((m) => m.type === 'event'),
        [],
        'no single event',
      );
    } finally {
      for (const client of clients) await client.close();
      await handle.close();
    }
  });
});
