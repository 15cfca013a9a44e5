/**
 * The hub's command path with rooms that answer later (`Answer` as a promise, as a room owned by
 * another process of a cluster does): the events of a command reach subscribers before its reply,
 * a connection's commands run and are answered in the order they were sent, and a repeated id gets
 * the one outcome.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { createHub } from '../../src/hub/index.js';
import { localRoomOpener } from '../../src/hub/local-room.js';
import type { Answer } from '../../src/hub/room-handle.js';
import { ErrorCode, type ReplyMessage, type ServerMessage, type UserInfo } from '../../src/protocol/index.js';
import { fail } from '../../src/protocol/result.js';
import { laterRoomOpener, type Defer } from './later-room.js';

function user(userId: string): UserInfo {
  return { userId, userName: userId.toUpperCase(), avatarUrl: '' };
}

/** An in-memory peer: what the hub sent, and promises of replies. */
class Peer {
  readonly texts: string[] = [];
  #listeners: (() => void)[] = [];

  send(text: string): void {
    this.texts.push(text);
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }

  close(): void {
    // Nothing to release.
  }

  get messages(): ServerMessage[] {
    return this.texts.map((text) => JSON.parse(text) as ServerMessage);
  }

  /** The replies to `id` sent so far. */
  repliesTo(id: string): ReplyMessage[] {
    return this.messages.filter((m): m is ReplyMessage => m.type === 'reply' && m.id === id);
  }

  /** The `count`th reply to `id` (the first by default), once it is sent. */
  async reply(id: string, count = 1): Promise<ReplyMessage> {
    for (;;) {
      const sent = this.repliesTo(id)[count - 1];
      if (sent) return sent;
      await new Promise<void>((resolve) => this.#listeners.push(resolve));
    }
  }

  /** The ids of the replies, in the order they were sent. */
  get replyIds(): string[] {
    return this.messages.flatMap((m) => (m.type === 'reply' ? [m.id] : []));
  }
}

/** A `Defer` that holds every answer until `release()`. */
function gate(): { defer: Defer; release: () => void; readonly held: number } {
  let waiting: (() => void)[] = [];
  const defer: Defer = <T>(answer: Answer<T>) =>
    new Promise<Awaited<Answer<T>>>((resolve) => waiting.push(() => resolve(answer)));
  return {
    defer,
    release: () => {
      const now = waiting;
      waiting = [];
      for (const resolve of now) resolve();
    },
    get held() {
      return waiting.length;
    },
  };
}

function setup(defer?: Defer) {
  const scheduler = new ManualScheduler();
  const openRoom = laterRoomOpener(localRoomOpener({ scheduler }), defer);
  const hub = createHub({ scheduler, openRoom });
  const attach = (userId: string) => {
    const peer = new Peer();
    const connection = hub.connect(user(userId), peer);
    const send = (id: string, name: string, args: unknown) =>
      connection.receive(JSON.stringify({ type: 'cmd', id, name, args }));
    return { peer, connection, send };
  };
  return { hub, attach };
}

async function expectOk(peer: Peer, id: string): Promise<unknown> {
  const reply = await peer.reply(id);
  if (!reply.result.isSuccess) {
    assert.fail(`${id}: expected success, got ${reply.result.errorCode}: ${reply.result.errorMessage}`);
  }
  return reply.result.data;
}

describe('hub with rooms that answer later', () => {
  it('creates, joins, applies and accepts; every party sees the seat', async () => {
    const { hub, attach } = setup();
    const host = attach('host');
    const guest = attach('guest');
    host.send('c', 'live.create', { liveId: 'show' });
    await expectOk(host.peer, 'c');
    assert.equal(hub.liveCount, 1);
    guest.send('j', 'live.join', { liveId: 'show' });
    await expectOk(guest.peer, 'j');
    guest.send('a', 'guest.apply', { liveId: 'show', seatIndex: 2 });
    await expectOk(guest.peer, 'a');
    host.send('ok', 'guest.acceptApplication', { liveId: 'show', userId: 'guest' });
    await expectOk(host.peer, 'ok');
    for (const peer of [host.peer, guest.peer]) {
      const seated = peer.messages.some(
        (m) =>
          m.type === 'event' &&
          m.event.type === 'seats' &&
          m.event.seats.some((seat) => seat.userInfo?.userId === 'guest' && seat.index === 2),
      );
      assert.ok(seated, 'the guest is seen on seat 2');
    }
  });

  it("sends a command's events before its reply", async () => {
    const { attach } = setup();
    const host = attach('host');
    const guest = attach('guest');
    host.send('c', 'live.create', { liveId: 'show', seatMode: 'free' });
    await expectOk(host.peer, 'c');
    guest.send('j', 'live.join', { liveId: 'show' });
    await expectOk(guest.peer, 'j');
    guest.send('t', 'seat.take', { liveId: 'show', seatIndex: 1 });
    await expectOk(guest.peer, 't');
    const messages = guest.peer.messages;
    const reply = messages.findIndex((m) => m.type === 'reply' && m.id === 't');
    const seats = messages.findIndex(
      (m) =>
        m.type === 'event' &&
        m.event.type === 'seats' &&
        m.event.seats.some((s) => s.userInfo?.userId === 'guest'),
    );
    assert.ok(seats >= 0 && seats < reply, 'the seat event came first');
  });

  it("runs and answers a connection's commands in the order they were sent", async () => {
    const gated = gate();
    const { attach } = setup(gated.defer);
    const host = attach('host');
    host.send('c', 'live.create', { liveId: 'show' });
    // `live.list` answers at once, but waits for the create before it.
    host.send('l', 'live.list', {});
    assert.deepEqual(host.peer.replyIds, []);
    assert.equal(gated.held, 1, 'the room is opening');
    gated.release();
    await host.peer.reply('l');
    assert.deepEqual(host.peer.replyIds, ['c', 'l']);
    const list = (await expectOk(host.peer, 'l')) as { lives: { liveId: string }[] };
    assert.deepEqual(
      list.lives.map((live) => live.liveId),
      ['show'],
      'the list ran after the create',
    );
  });

  it('gives a command id sent again while it waits the one outcome', async () => {
    const gated = gate();
    const { attach } = setup(gated.defer);
    const host = attach('host');
    host.send('c', 'live.create', { liveId: 'show' });
    gated.release();
    await expectOk(host.peer, 'c');
    const guest = attach('guest');
    guest.send('j', 'live.join', { liveId: 'show' });
    gated.release();
    await expectOk(guest.peer, 'j');
    guest.send('a', 'guest.apply', { liveId: 'show' });
    guest.send('a', 'guest.apply', { liveId: 'show' });
    gated.release();
    await guest.peer.reply('a');
    const applied = (await expectOk(guest.peer, 'a')) as { requestId: string };
    // The repeat was held, then answered from the reply cache: the same reply, sent twice.
    const again = await guest.peer.reply('a', 2);
    assert.deepEqual(again, guest.peer.repliesTo('a')[0]);
    assert.ok(applied.requestId);
    const applications = host.peer.messages.filter(
      (m) => m.type === 'event' && m.event.type === 'application.received',
    );
    assert.equal(applications.length, 1, 'applied once');
  });

  it('asks findRoom for a live not open here, and answers what it found or why not', async () => {
    const errors: unknown[] = [];
    let asked = 0;
    const broken = new Error('finding failed');
    const hub = createHub({
      scheduler: new ManualScheduler(),
      onError: (error) => errors.push(error),
      findRoom: (liveId) => {
        asked++;
        if (asked === 1) return Promise.resolve(fail(ErrorCode.LIVE_NOT_FOUND, `no live "${liveId}"`));
        throw broken;
      },
    });
    const peer = new Peer();
    const connection = hub.connect(user('ann'), peer);
    connection.receive(JSON.stringify({ type: 'cmd', id: 'j1', name: 'live.join', args: { liveId: 'far' } }));
    const first = await peer.reply('j1');
    assert.equal(first.result.isSuccess ? null : first.result.errorCode, ErrorCode.LIVE_NOT_FOUND);
    connection.receive(JSON.stringify({ type: 'cmd', id: 'j2', name: 'live.join', args: { liveId: 'far' } }));
    const second = await peer.reply('j2');
    assert.equal(second.result.isSuccess ? null : second.result.errorCode, ErrorCode.SERVER_ERROR);
    assert.deepEqual(errors, [broken]);
    assert.equal(asked, 2, 'asked once per join');
    assert.equal(hub.liveCount, 0);
  });

  it('answers a room that failed to open, and frees its id', async () => {
    const { attach } = setup();
    const host = attach('host');
    host.send('c', 'live.create', { liveId: 'show', maxSeatCount: 99 });
    const reply = await host.peer.reply('c');
    assert.equal(reply.result.isSuccess, false);
    host.send('c2', 'live.create', { liveId: 'show' });
    await expectOk(host.peer, 'c2');
  });
});
