import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { CloseCode, ErrorCode, type ErrorMessage, type ReplyMessage } from '../../src/protocol/index.js';
import { Resources } from './helpers.js';

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
    const server = await res.server({ messagesPerSecond: 5 });
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
    const limited = replies.filter((r) => r.result.errorCode === ErrorCode.RATE_LIMITED);
    // 5 over the burst; the bucket may refill by a token if the machine is slow.
    assert.ok(limited.length >= 4 && limited.length <= 5, `${limited.length} limited`);
    assert.ok(replies.slice(0, 9).every((r) => r.result.isSuccess));
    assert.equal(client.isClosed, false);
  });

  it('keeps the rate after the heartbeat drops a rested budget', async () => {
    // A budget that has refilled is dropped by the heartbeat (an idle member holds none) and made
    // afresh by the next message: the burst and the limit are the same as before.
    const server = await res.server({ messagesPerSecond: 5, heartbeatIntervalMs: 50 });
    const client = await res.connect(server, 'alice');
    const burst = async (round: string): Promise<number> => {
      const ids = Array.from({ length: 14 }, (_, i) => `${round}${i}`);
      for (const id of ids) client.send({ type: 'cmd', id, name: 'live.list', args: {} });
      await client.waitFor((m) => m.type === 'reply' && m.id === `${round}13`);
      const replies = client.messages.filter(
        (m): m is ReplyMessage => m.type === 'reply' && m.id.startsWith(round),
      );
      assert.deepEqual(
        replies.map((r) => r.id),
        ids,
      );
      assert.ok(replies.slice(0, 9).every((r) => r.result.isSuccess));
      return replies.filter((r) => r.result.errorCode === ErrorCode.RATE_LIMITED).length;
    };
    const first = await burst('a');
    assert.ok(first >= 4 && first <= 5, `${first} limited`);
    // An empty budget is not rested: heartbeats later, it still refuses (less than a token came back).
    await new Promise((resolve) => setTimeout(resolve, 150));
    for (const id of ['c0', 'c1', 'c2']) client.send({ type: 'cmd', id, name: 'live.list', args: {} });
    await client.waitFor((m) => m.type === 'reply' && m.id === 'c2');
    const refused = client.messages.filter(
      (m) => m.type === 'reply' && m.id.startsWith('c') && m.result.errorCode === ErrorCode.RATE_LIMITED,
    );
    assert.ok(refused.length >= 2, `${refused.length} of 3 refused while the budget refills`);
    // 10 tokens at 5 per second: full again after 2 s; the heartbeat has passed many times since.
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    const second = await burst('b');
    assert.ok(second >= 4 && second <= 5, `${second} limited after the rest`);
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
});
