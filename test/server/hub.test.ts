import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { createHub, type HubConnection, type HubOptions } from '../../src/hub/index.js';
import { CloseCode, ErrorCode, type ServerMessage, type UserInfo } from '../../src/protocol/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function user(userId: string): UserInfo {
  return { userId, userName: userId.toUpperCase(), avatarUrl: '' };
}

/** An in-memory peer recording what the hub sends. */
class Peer {
  readonly texts: string[] = [];
  readonly closes: { code: number; reason: string }[] = [];
  onSend: ((text: string) => void) | null = null;

  send(text: string): void {
    this.texts.push(text);
    this.onSend?.(text);
  }

  close(code: number, reason: string): void {
    this.closes.push({ code, reason });
  }

  get messages(): ServerMessage[] {
    return this.texts.map((text) => JSON.parse(text) as ServerMessage);
  }

  reply(id: string): ServerMessage & { type: 'reply' } {
    const found = this.messages.find(
      (m): m is ServerMessage & { type: 'reply' } => m.type === 'reply' && m.id === id,
    );
    assert.ok(found, `no reply ${id}`);
    return found;
  }
}

function setup(options: HubOptions = {}) {
  const scheduler = new ManualScheduler();
  const hub = createHub({ scheduler, ...options });
  const attach = (userId: string) => {
    const peer = new Peer();
    const connection = hub.connect(user(userId), peer);
    const send = (id: string, name: string, args: unknown) =>
      connection.receive(JSON.stringify({ type: 'cmd', id, name, args }));
    return { peer, connection, send };
  };
  return { scheduler, hub, attach };
}

describe('hub', () => {
  it('imports nothing from Node, ws or jose (it runs in a page)', () => {
    const offenders: string[] = [];
    for (const dir of ['src/hub', 'src/engine', 'src/protocol']) {
      for (const file of readdirSync(`${ROOT}${dir}`).filter((f) => f.endsWith('.ts'))) {
        const text = readFileSync(`${ROOT}${dir}/${file}`, 'utf8');
        for (const match of text.matchAll(/from\s+'([^']+)'/g)) {
          const spec = match[1] ?? '';
          if (
            spec.startsWith('node:') ||
            spec === 'ws' ||
            spec === 'jose' ||
            /^(fs|http|net|crypto|events)$/.test(spec)
          ) {
            offenders.push(`${dir}/${file}: ${spec}`);
          }
        }
        if (/\bprocess\.|\bBuffer\b|\brequire\(/.test(text)) offenders.push(`${dir}/${file}: Node global`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('welcomes at once with the scheduler clock', () => {
    const { attach, scheduler } = setup();
    const { peer } = attach('alice');
    assert.deepEqual(peer.messages, [
      { type: 'welcome', protocol: 1, user: user('alice'), serverTime: scheduler.now() },
    ]);
  });

  it('refuses a live the engine refuses and keeps the id free', () => {
    const { hub, attach } = setup();
    const { peer, send } = attach('host');
    send('1', 'live.create', { liveId: 'show', maxSeatCount: 40 });
    assert.equal(peer.reply('1').result.errorCode, ErrorCode.MAX_SEAT_COUNT_LIMIT);
    assert.equal(hub.liveCount, 0);
    send('2', 'live.create', { liveId: 'show' });
    assert.ok(peer.reply('2').result.isSuccess);
  });

  it('queues messages a peer sends from inside send, never re-entering a room', () => {
    const { attach } = setup();
    const host = attach('host');
    host.send('c', 'live.create', { liveId: 'show', seatMode: 'free' });
    const guest = attach('guest');
    let depth = 0;
    let maxDepth = 0;
    let sent = false;
    guest.peer.onSend = (text) => {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      const message = JSON.parse(text) as ServerMessage;
      // A client that reacts synchronously to the join reply by taking a seat and publishing.
      if (!sent && message.type === 'reply' && message.id === 'j') {
        sent = true;
        guest.send('t', 'seat.take', { liveId: 'show', seatIndex: 2 });
        guest.send('p', 'device.publish', { liveId: 'show', microphone: 'on' });
      }
      depth--;
    };
    guest.send('j', 'live.join', { liveId: 'show' });
    assert.ok(guest.peer.reply('t').result.isSuccess);
    assert.ok(guest.peer.reply('p').result.isSuccess);
    assert.equal(maxDepth, 1);
    const ids = guest.peer.messages.flatMap((m) => (m.type === 'reply' ? [m.id] : []));
    assert.deepEqual(ids, ['j', 't', 'p']);
  });

  it('never throws on hostile text', () => {
    const { attach } = setup();
    const { peer, connection } = attach('alice');
    const inputs = [
      '['.repeat(5000) + ']'.repeat(5000),
      `{"type":"cmd","id":"d","name":"live.join","args":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`,
      '{"type":"cmd","id":"p","name":"__proto__","args":{}}',
      '{"type":"cmd","id":"q","name":"live.create","args":{"__proto__":{"polluted":true},"liveId":"x"}}',
      '\u0000',
      '',
    ];
    for (const text of inputs) assert.doesNotThrow(() => connection.receive(text));
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    const kinds = peer.messages.slice(1).map((m) => m.type);
    assert.equal(kinds.length, inputs.length, 'one answer per input');
  });

  it('ignores a connection after it disconnected', () => {
    const { attach, hub } = setup();
    const { peer, connection, send } = attach('alice');
    connection.disconnected();
    send('1', 'live.list', {});
    assert.equal(peer.texts.length, 1);
    assert.equal(hub.connectionCount, 0);
  });

  it('shuts down: lives end, peers get bye and GOING_AWAY, later connections too', () => {
    const { hub, attach } = setup();
    const host = attach('host');
    host.send('1', 'live.create', { liveId: 'show' });
    const viewer = attach('viewer');
    viewer.send('2', 'live.join', { liveId: 'show' });
    hub.shutdown('maintenance');
    for (const { peer } of [host, viewer]) {
      const tail = peer.messages.slice(-2);
      assert.deepEqual(tail[0], {
        type: 'event',
        liveId: 'show',
        seq: (tail[0] as { seq: number }).seq,
        event: { type: 'live.ended', reason: 'endedByServer' },
      });
      assert.deepEqual(tail[1], { type: 'bye', reason: 'shutdown', message: 'maintenance' });
      assert.deepEqual(
        peer.closes.map((c) => c.code),
        [CloseCode.GOING_AWAY],
      );
    }
    assert.equal(hub.liveCount, 0);
    assert.equal(hub.connectionCount, 0);
    const late = attach('late');
    assert.equal(late.peer.messages[0]?.type, 'bye');
    assert.deepEqual(
      late.peer.closes.map((c) => c.code),
      [CloseCode.GOING_AWAY],
    );
  });

  it('keeps a user in several lives and sets them offline in each on disconnect', () => {
    const { hub, attach, scheduler } = setup({ roomLimits: { graceMs: 1_000 } });
    const a = attach('a');
    a.send('1', 'live.create', { liveId: 'one', seatMode: 'free' });
    const b = attach('b');
    b.send('2', 'live.create', { liveId: 'two', seatMode: 'free' });
    const guest = attach('guest');
    guest.send('3', 'live.join', { liveId: 'one' });
    guest.send('4', 'live.join', { liveId: 'two' });
    guest.send('5', 'seat.take', { liveId: 'one', seatIndex: 1 });
    guest.send('6', 'seat.take', { liveId: 'two', seatIndex: 1 });
    guest.connection.disconnected();
    scheduler.advance(1_000);
    for (const host of [a, b]) {
      const lost = host.peer.messages.filter((m) => m.type === 'event' && m.event.type === 'seat.lost');
      assert.equal(lost.length, 1);
    }
    assert.equal(hub.liveCount, 2);
    assert.equal(hub.connectionCount, 2);
  });

  it('answers each command once with the configured reply cache size', () => {
    const { attach } = setup({ replyCacheSize: 2 });
    const { peer, send } = attach('host');
    send('a', 'live.create', { liveId: 'one' });
    send('b', 'live.list', {});
    send('c', 'live.list', {});
    // `a` fell out of the cache: it runs again and is refused this time.
    send('a', 'live.create', { liveId: 'one' });
    const replies = peer.messages.filter((m) => m.type === 'reply' && m.id === 'a');
    assert.equal(replies.length, 2);
    assert.equal(replies[1]?.type === 'reply' && replies[1].result.errorCode, ErrorCode.LIVE_ID_OCCUPIED);
  });

  it('remembers the first reply of a user inline and the next ones in order, byte for byte', () => {
    // The first remembered reply costs no Map; the second moves both into one. A long reply (a
    // snapshot) is kept as its result and serialised again: the resend is the same text.
    for (const size of [1, 2, 3]) {
      const { attach } = setup({ replyCacheSize: size });
      const host = attach('host');
      host.send('c', 'live.create', { liveId: 'show' });
      const { peer, send } = attach('viewer');
      send('j', 'live.join', { liveId: 'show' });
      const joined = peer.texts.at(-1) ?? '';
      assert.ok(joined.length > 256, 'the join reply is long: kept as its result');
      // The live changes: a join that runs again would reply with another snapshot.
      host.send('k', 'seat.lock', { liveId: 'show', seatIndex: 3, lockSeat: true });
      assert.ok(host.peer.reply('k').result.isSuccess);
      send('j', 'live.join', { liveId: 'show' });
      assert.equal(peer.texts.at(-1), joined, `size ${size}: the inline reply`);
      send('l', 'live.list', {});
      const listed = peer.texts.at(-1) ?? '';
      send('l', 'live.list', {});
      assert.equal(peer.texts.at(-1), listed, `size ${size}: the newest reply`);
      send('j', 'live.join', { liveId: 'show' });
      if (size === 1) {
        const again = peer.texts.at(-1) ?? '';
        assert.notEqual(again, joined, 'size 1: `j` fell out and ran again');
        assert.match(again, /"isLocked":true/);
      } else {
        assert.equal(peer.texts.at(-1), joined, `size ${size}: the oldest reply, moved into the Map`);
      }
    }
  });

  it('keeps the lives of members that share a live apart when one of them leaves', () => {
    // Members in one live only share the room's list of ids; leaving must not change the others'.
    const { attach } = setup();
    const a = attach('a');
    a.send('1', 'live.create', { liveId: 'one', seatMode: 'free' });
    const b = attach('b');
    b.send('2', 'live.create', { liveId: 'two', seatMode: 'free' });
    const x = attach('x');
    const y = attach('y');
    x.send('3', 'live.join', { liveId: 'one' });
    y.send('4', 'live.join', { liveId: 'one' });
    x.send('5', 'live.join', { liveId: 'two' });
    x.send('6', 'live.leave', { liveId: 'one' });
    assert.ok(x.peer.reply('6').result.isSuccess);
    x.send('7', 'seat.take', { liveId: 'one', seatIndex: 1 });
    assert.equal(x.peer.reply('7').result.errorCode, ErrorCode.NOT_IN_LIVE);
    x.send('8', 'seat.take', { liveId: 'two', seatIndex: 1 });
    assert.ok(x.peer.reply('8').result.isSuccess);
    y.send('9', 'seat.take', { liveId: 'one', seatIndex: 2 });
    assert.ok(y.peer.reply('9').result.isSuccess, 'y is still in one');
    const seen = (peer: Peer, liveId: string) =>
      peer.messages.filter((m) => m.type === 'event' && m.liveId === liveId && m.event.type === 'seats')
        .length;
    const before = { x: seen(x.peer, 'one'), y: seen(y.peer, 'one') };
    a.send('10', 'seat.lock', { liveId: 'one', seatIndex: 3, lockSeat: true });
    assert.ok(a.peer.reply('10').result.isSuccess);
    assert.equal(seen(x.peer, 'one'), before.x, 'x no longer gets the events of one');
    assert.equal(seen(y.peer, 'one'), before.y + 1, 'y still does');
    // The live ends: its members are in no live any more and may join again.
    a.send('11', 'live.end', { liveId: 'one' });
    y.send('12', 'live.join', { liveId: 'two' });
    assert.ok(y.peer.reply('12').result.isSuccess);
    y.send('13', 'seat.take', { liveId: 'two', seatIndex: 2 });
    assert.ok(y.peer.reply('13').result.isSuccess);
    x.send('14', 'live.leave', { liveId: 'two' });
    x.send('15', 'live.join', { liveId: 'two' });
    assert.ok(x.peer.reply('15').result.isSuccess, 'x joins again after leaving its last live');
  });

  it('reports delivery failures through onError without failing the command', () => {
    const errors: unknown[] = [];
    const { attach } = setup({
      onError: (error) => errors.push(error),
      serialize: (message) => {
        if (message.type === 'event') throw new Error('boom');
        return JSON.stringify(message);
      },
    });
    const host = attach('host');
    host.send('1', 'live.create', { liveId: 'show' });
    const viewer = attach('viewer');
    viewer.send('2', 'live.join', { liveId: 'show' });
    assert.ok(viewer.peer.reply('2').result.isSuccess, 'a failed delivery does not fail the join');
    assert.ok(errors.length > 0);
    const stillWorks: HubConnection = host.connection;
    stillWorks.receive(JSON.stringify({ type: 'cmd', id: '3', name: 'live.list', args: {} }));
    assert.ok(host.peer.reply('3').result.isSuccess);
  });
});
