import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CloseCode, ErrorCode, type ErrorMessage, type ReplyMessage } from '../../src/protocol/index.js';
import { LogLines, Resources, within } from './helpers.js';
import type { Socket } from 'node:net';

describe('server limits', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  it('closes with 1009 on a message larger than maxMessageBytes', async () => {
    const server = await res.server({ maxMessageBytes: 1024 });
    const client = await res.connect(server, 'alice');
    client.send({ type: 'cmd', id: 'big', name: 'live.list', args: { pad: 'x'.repeat(2000) } });
    const closed = await client.waitClose();
    assert.equal(closed.code, CloseCode.TOO_BIG);
    assert.equal(client.messages.filter((m) => m.type === 'reply').length, 0);
  });

  it('accepts a message just under the limit', async () => {
    const server = await res.server({ maxMessageBytes: 1024 });
    const client = await res.connect(server, 'alice');
    const reply = await client.command('live.create', { liveId: 'show', liveName: 'x'.repeat(60) });
    assert.ok(reply.result.isSuccess);
  });

  it('closes with 1003 on a binary frame', async () => {
    const server = await res.server();
    const client = await res.connect(server, 'alice');
    client.ws.send(Buffer.from(JSON.stringify({ type: 'cmd', id: '1', name: 'live.list', args: {} })), {
      binary: true,
    });
    const closed = await client.waitClose();
    assert.equal(closed.code, CloseCode.UNSUPPORTED_DATA);
  });

  it('closes with 1003 on a binary frame before the handshake', async () => {
    const server = await res.server();
    const client = await res.socket(server);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal((await client.waitClose()).code, CloseCode.UNSUPPORTED_DATA);
  });

  it('refuses commands over the rate with RATE_LIMITED and keeps the connection', async () => {
    // The clock of the rate limit stands still: no token comes back during the test.
    const server = await res.server({ messagesPerSecond: 5, clock: () => 0 });
    const client = await res.connect(server, 'alice');
    // The handshake used one message of the burst of 10.
    const ids = Array.from({ length: 14 }, (_, i) => `r${i}`);
    for (const id of ids) client.send({ type: 'cmd', id, name: 'live.list', args: {} });
    await client.waitFor((m) => m.type === 'reply' && m.id === 'r13');
    const replies = client.messages.filter((m): m is ReplyMessage => m.type === 'reply');
    assert.deepEqual(
      replies.map((r) => r.id),
      ids,
      'one reply per command, in order',
    );
    assert.ok(replies.slice(0, 9).every((r) => r.result.isSuccess));
    assert.ok(replies.slice(9).every((r) => r.result.errorCode === ErrorCode.RATE_LIMITED));
    assert.equal(client.isClosed, false);
  });

  it('keeps the rate after the heartbeat drops a rested budget', async () => {
    // A budget that has refilled is dropped by the heartbeat (an idle member holds none) and made
    // afresh by the next message: the burst and the limit are the same as before. The rate limit
    // reads a clock the test moves; the heartbeat runs on real timers, and each of its ticks pings.
    const clock = { now: 0 };
    const server = await res.server({
      messagesPerSecond: 5,
      heartbeatIntervalMs: 20,
      clock: () => clock.now,
    });
    const client = await res.connect(server, 'alice');
    /** Sends `count` commands at once; resolves with how many were refused. */
    const round = async (prefix: string, count: number): Promise<number> => {
      const ids = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
      for (const id of ids) client.send({ type: 'cmd', id, name: 'live.list', args: {} });
      await client.waitFor((m) => m.type === 'reply' && m.id === `${prefix}${count - 1}`);
      const replies = client.messages.filter(
        (m): m is ReplyMessage => m.type === 'reply' && m.id.startsWith(prefix),
      );
      assert.deepEqual(
        replies.map((r) => r.id),
        ids,
      );
      return replies.filter((r) => r.result.errorCode === ErrorCode.RATE_LIMITED).length;
    };
    /** Two pings: the second comes from a heartbeat tick that ran after the clock moved. */
    const heartbeats = async () => {
      for (let i = 0; i < 2; i++) {
        await within(
          new Promise<void>((resolve) => client.ws.once('ping', () => resolve())),
          'a heartbeat ping',
        );
      }
    };
    // The handshake used one message of the burst of 10: 9 answered, 5 refused.
    assert.equal(await round('a', 14), 5);
    // An empty budget is not rested: heartbeats later, less than a token has come back.
    clock.now += 150;
    await heartbeats();
    assert.equal(await round('c', 3), 3);
    // 10 tokens at 5 per second: full again after 2 s. The heartbeat drops the rested budget and
    // the next message makes a fresh one: a burst of 10 again.
    clock.now += 2_300;
    await heartbeats();
    assert.equal(await round('b', 14), 4);
    assert.equal(client.isClosed, false);
  });

  it('answers a rate-limited message without an id with an error message', async () => {
    const server = await res.server({ messagesPerSecond: 1 });
    const client = await res.connect(server, 'alice');
    client.send('{"type":"ping"}');
    client.send('{"type":"ping"}');
    const error = await client.waitFor<ErrorMessage>(
      (m) => m.type === 'error' && m.code === ErrorCode.RATE_LIMITED,
    );
    assert.match(error.message, /per second/);
  });

  it('closes a flood with 4008 after RATE_LIMITED replies, leaving others alone', async () => {
    const server = await res.server();
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'show' });
    const flooder = await res.connect(server, 'flooder');
    await flooder.ok('live.join', { liveId: 'show' });
    const bystander = await res.connect(server, 'bystander');
    await bystander.ok('live.join', { liveId: 'show' });

    const text = (i: number) => JSON.stringify({ type: 'cmd', id: `x${i}`, name: 'live.list', args: {} });
    for (let i = 0; i < 500; i++) {
      if (flooder.ws.readyState !== flooder.ws.OPEN) break;
      flooder.ws.send(text(i));
    }
    const closed = await flooder.waitClose();
    assert.equal(closed.code, CloseCode.RATE_LIMITED);
    const replies = flooder.messages.filter(
      (m): m is ReplyMessage => m.type === 'reply' && m.id.startsWith('x'),
    );
    assert.ok(replies.some((r) => r.result.isSuccess));
    assert.ok(replies.some((r) => r.result.errorCode === ErrorCode.RATE_LIMITED));
    assert.ok(replies.length < 500);

    // Others go on as before.
    const apply = await bystander.command('guest.apply', { liveId: 'show' });
    assert.ok(apply.result.isSuccess);
    await host.waitEvent('application.received');
    const health = await fetch(`${server.httpUrl}/healthz`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
  });

  it('drops a client that stops answering pings', async () => {
    const server = await res.server({ heartbeatIntervalMs: 30 });
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'show', seatMode: 'free' });
    const silent = await res.connect(server, 'silent');
    await silent.ok('live.join', { liveId: 'show' });
    await silent.ok('seat.take', { liveId: 'show', seatIndex: 1 });
    // The client's socket stops answering: ws answers pings automatically, so pause its reader.
    const from = host.mark();
    (silent.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const lost = await host.waitEvent('seats', from, (e) =>
      e.seats.some((seat) => seat.userInfo?.userId === 'silent' && seat.userInfo.connection === 'lost'),
    );
    assert.ok(lost);
    silent.ws.terminate();
  });

  it('closes a client that stops reading once its unsent data passes maxBufferedBytes, with 4010', async () => {
    const log = new LogLines();
    // Every message ends in 64 KiB of spaces (the same JSON): a few replies fill the kernel's
    // buffers, and what the socket cannot take waits in the server's memory.
    const pad = ' '.repeat(64 * 1024);
    const server = await res.server({
      maxBufferedBytes: 256 * 1024,
      messagesPerSecond: 1_000,
      serialize: (message) => JSON.stringify(message) + pad,
      logger: log.logger,
    });
    const bystander = await res.connect(server, 'bystander');
    const stuck = await res.connect(server, 'stuck');
    // The client stops reading (its TCP socket is paused) but keeps sending `live.list`.
    const socket = (stuck.ws as unknown as { _socket: Socket })._socket;
    socket.pause();
    const sent = 600;
    for (let i = 0; i < sent; i++) stuck.send({ type: 'cmd', id: `s${i}`, name: 'live.list', args: {} });
    assert.match(await log.waitFor(/closing .*256 KiB/), /does not read/);

    // The server stays up and others go on.
    await bystander.ok('live.create', { liveId: 'show' });
    const health = await fetch(`${server.httpUrl}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { lives: number }).lives, 1);

    // Once it reads again, the client finds the close frame after what was sent before it.
    socket.resume();
    const closed = await stuck.waitClose();
    assert.equal(closed.code, CloseCode.SLOW_CONSUMER);
    assert.match(closed.reason, /reads too slowly/);
    const answered = stuck.messages.filter((m) => m.type === 'reply' && m.id.startsWith('s')).length;
    assert.ok(answered < sent, `${answered} of ${sent} answered before the close`);
  });

  it('cuts a client that sends messages but never answers pings', async () => {
    const log = new LogLines();
    const server = await res.server({ heartbeatIntervalMs: 30, logger: log.logger });
    // `ws` answers pings by itself; this client does not, and answers every ping with a command.
    const talker = await res.connect(server, 'talker', { autoPong: false });
    let pings = 0;
    talker.ws.on('ping', () => {
      pings++;
      if (talker.ws.readyState === talker.ws.OPEN) {
        talker.send({ type: 'cmd', id: `talk${pings}`, name: 'live.list', args: {} });
      }
    });
    const closed = await talker.waitClose();
    assert.equal(closed.code, 1006, 'cut without a close frame');
    assert.ok(pings >= 1);
    assert.match(await log.waitFor(/missed heartbeat/), /dropping/);
  });
});
