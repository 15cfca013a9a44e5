import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  ErrorCode,
  MAX_SIGNAL_BYTES,
  validateArgs,
  type JoinData,
  type ReplyMessage,
  type SignalData,
  type SignalMessage,
} from '../../src/protocol/index.js';
import type { ServerOptions } from '../../src/server/server.js';
import { Resources, type TestClient } from './helpers.js';

const OFFER: SignalData = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' };
const ANSWER: SignalData = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\n' };
const CANDIDATE: SignalData = {
  type: 'candidate',
  candidate: {
    candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host',
    sdpMLineIndex: 0,
    sdpMid: '0',
  },
};

let nextId = 1;

/** Sends `args` as a raw `media.signal` command (nothing typed or stripped on the way). */
async function rawSignal(client: TestClient, args: unknown): Promise<ReplyMessage> {
  const id = `sig${nextId++}`;
  const from = client.mark();
  client.send({ type: 'cmd', id, name: 'media.signal', args });
  return client.waitFor<ReplyMessage>((m) => m.type === 'reply' && m.id === id, `reply ${id}`, from);
}

function signal(client: TestClient, to: string, data: unknown): Promise<ReplyMessage> {
  return rawSignal(client, { liveId: 'show', to, data });
}

function code(reply: ReplyMessage): number {
  return reply.result.isSuccess ? 0 : reply.result.errorCode;
}

/** The data of a successful reply (`undefined` for a failure). */
function data(reply: ReplyMessage): unknown {
  return reply.result.isSuccess ? reply.result.data : undefined;
}

/**
 * The pair of `publisher` and `viewer` (`viewerId`) still stands: an offer still reaches the viewer, and the
 * viewer was told nothing of its pairs since `from`.
 */
async function assertPairKept(
  publisher: TestClient,
  viewer: TestClient,
  viewerId: string,
  from: number,
): Promise<void> {
  assert.deepEqual(data(await signal(publisher, viewerId, OFFER)), { delivered: true });
  await viewer.waitFor((m) => m.type === 'signal', 'the offer', from);
  assert.deepEqual(
    viewer.events(from).filter((e) => e.event.type === 'media.viewer'),
    [],
    'the viewer keeps its pair',
  );
}

function signals(client: TestClient, from = 0): SignalMessage[] {
  return client.messages.slice(from).filter((m): m is SignalMessage => m.type === 'signal');
}

describe('server media', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  /**
   * A free-seating live `show`: the host on seat 0, `guest` on seat 1, `a1` and `a2` in the
   * audience.
   */
  async function live(options: ServerOptions = {}) {
    const server = await res.server(options);
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'show', seatMode: 'free' });
    const guest = await res.connect(server, 'guest');
    await guest.ok('live.join', { liveId: 'show' });
    await guest.ok('seat.take', { liveId: 'show', seatIndex: 1 });
    const a1 = await res.connect(server, 'a1');
    await a1.ok('live.join', { liveId: 'show' });
    const a2 = await res.connect(server, 'a2');
    await a2.ok('live.join', { liveId: 'show' });
    return { server, host, guest, a1, a2 };
  }

  describe('media.watch', () => {
    it('tells the publisher alone that a viewer joined, and answers the count', async () => {
      const { host, guest, a1, a2 } = await live();
      const marks = [host.mark(), a2.mark()];
      const guestFrom = guest.mark();
      assert.deepEqual(await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' }), { viewers: 1 });
      const joined = await guest.waitEvent('media.viewer', guestFrom);
      assert.deepEqual(joined.event, {
        type: 'media.viewer',
        publisherId: 'guest',
        viewerId: 'a1',
        action: 'joined',
      });
      assert.deepEqual(await a2.ok('media.watch', { liveId: 'show', publisherId: 'guest' }), { viewers: 2 });
      await guest.waitEvent('media.viewer', guestFrom, (e) => e.viewerId === 'a2');
      // A later event for all proves nothing else was queued for the others.
      await host.ok('seat.lock', { liveId: 'show', seatIndex: 5, lockSeat: true });
      for (const [client, from] of [
        [host, marks[0]],
        [a2, marks[1]],
      ] as const) {
        await client.waitEvent('seats', from);
        assert.deepEqual(
          client.events(from).filter((e) => e.event.type === 'media.viewer'),
          [],
          'only the publisher hears of its viewers',
        );
      }
    });

    it('refuses watching an audience member (NOT_ON_SEAT) or yourself (INVALID_ARGUMENT)', async () => {
      const { guest, a1 } = await live();
      assert.equal(
        code(await a1.command('media.watch', { liveId: 'show', publisherId: 'a2' })),
        ErrorCode.NOT_ON_SEAT,
      );
      assert.equal(
        code(await guest.command('media.watch', { liveId: 'show', publisherId: 'guest' })),
        ErrorCode.INVALID_ARGUMENT,
      );
    });

    it('refuses a third viewer over a cap of 2 with VIEWER_LIMIT', async () => {
      const { host, guest, a1, a2 } = await live({ roomLimits: { maxViewersPerPublisher: 2 } });
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      await a2.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const from = guest.mark();
      const refused = await host.command('media.watch', { liveId: 'show', publisherId: 'guest' });
      assert.equal(code(refused), ErrorCode.VIEWER_LIMIT);
      assert.match(refused.result.errorMessage, /2 viewers/);
      // The slot frees when a viewer unwatches.
      await a1.ok('media.unwatch', { liveId: 'show', publisherId: 'guest' });
      await guest.waitEvent('media.viewer', from, (e) => e.action === 'left' && e.viewerId === 'a1');
      assert.deepEqual(await host.ok('media.watch', { liveId: 'show', publisherId: 'guest' }), {
        viewers: 2,
      });
    });

    it('sequences media.viewer like any event: a publisher resuming gets the ones it missed', async () => {
      const { server, guest, a1 } = await live();
      const joined = (await guest.ok('live.join', { liveId: 'show' })) as JoinData;
      assert.ok(joined.kind === 'snapshot');
      const seen = Math.max(joined.snapshot.seq, ...guest.events().map((e) => e.seq));
      await guest.drop();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const back = await res.connect(server, 'guest');
      const resumed = (await back.ok('live.join', { liveId: 'show', sinceSeq: seen })) as JoinData;
      assert.ok(resumed.kind === 'replay');
      assert.deepEqual(
        resumed.events.filter((e) => e.event.type === 'media.viewer').map((e) => e.event),
        [{ type: 'media.viewer', publisherId: 'guest', viewerId: 'a1', action: 'joined' }],
      );
    });
  });

  describe('media.signal', () => {
    it('refuses audience to audience, and any pair that was not watched, with MEDIA_NOT_ALLOWED', async () => {
      const { guest, a1, a2 } = await live();
      const a2From = a2.mark();
      for (const [from, to] of [
        [a1, 'a2'],
        [a2, 'a1'],
        [a1, 'guest'],
        [guest, 'a1'],
        [a1, 'a1'],
        [a1, 'nobody'],
      ] as const) {
        const reply = await signal(from, to, OFFER);
        assert.equal(code(reply), ErrorCode.MEDIA_NOT_ALLOWED, `to ${to}`);
      }
      // Watching the guest opens a1 ↔ guest only.
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      assert.equal(code(await signal(a1, 'a2', OFFER)), ErrorCode.MEDIA_NOT_ALLOWED);
      assert.equal(code(await signal(a2, 'guest', OFFER)), ErrorCode.MEDIA_NOT_ALLOWED);
      assert.deepEqual(signals(a2, a2From), []);
    });

    it('relays both ways inside a pair, with `from` set by the server', async () => {
      const { guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const guestFrom = guest.mark();
      const a1From = a1.mark();

      const offered = await signal(guest, 'a1', OFFER);
      assert.deepEqual(offered.result, {
        isSuccess: true,
        errorCode: 0,
        errorMessage: '',
        data: { delivered: true },
      });
      const offer = await a1.waitFor<SignalMessage>((m) => m.type === 'signal', 'the offer', a1From);
      assert.deepEqual(offer, { type: 'signal', liveId: 'show', from: 'guest', data: OFFER });

      assert.equal(code(await signal(a1, 'guest', ANSWER)), 0);
      assert.equal(code(await signal(a1, 'guest', CANDIDATE)), 0);
      await guest.waitFor((m) => m.type === 'signal' && m.data.type === 'candidate', 'candidate', guestFrom);
      assert.deepEqual(signals(guest, guestFrom), [
        { type: 'signal', liveId: 'show', from: 'a1', data: ANSWER },
        { type: 'signal', liveId: 'show', from: 'a1', data: CANDIDATE },
      ]);
    });

    it('ignores a forged `from`, in the arguments and in the data', async () => {
      const { guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const guestFrom = guest.mark();
      const reply = await rawSignal(a1, {
        liveId: 'show',
        to: 'guest',
        from: 'host',
        userId: 'host',
        data: { ...CANDIDATE, from: 'host', candidate: { ...CANDIDATE.candidate, from: 'host' } },
      });
      assert.equal(code(reply), 0);
      const relayed = await guest.waitFor<SignalMessage>((m) => m.type === 'signal', 'signal', guestFrom);
      assert.equal(relayed.from, 'a1');
      assert.deepEqual(relayed.data, CANDIDATE, 'unknown fields are dropped');
      const text = guest.texts.slice(guestFrom).find((t) => t.includes('"type":"signal"'));
      assert.doesNotMatch(text ?? '', /"host"/);
    });

    it('relays every simple-peer shape', async () => {
      const { guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const shapes: SignalData[] = [
        OFFER,
        ANSWER,
        CANDIDATE,
        { type: 'candidate', candidate: { candidate: '', sdpMLineIndex: null, sdpMid: null } },
        {
          type: 'candidate',
          candidate: { candidate: 'candidate:2 1 tcp 1 192.0.2.2 9 typ host', usernameFragment: 'abcd' },
        },
        { type: 'renegotiate', renegotiate: true },
        { type: 'transceiverRequest', transceiverRequest: { kind: 'video' } },
        {
          type: 'transceiverRequest',
          transceiverRequest: {
            kind: 'audio',
            init: { direction: 'recvonly', sendEncodings: [{ rid: 'h', active: true, maxBitrate: 900_000 }] },
          },
        },
        { type: 'offer', sdp: `v=0\r\n${'a=x\r\n'.repeat(1_600)}` },
      ];
      const from = guest.mark();
      for (const data of shapes) assert.equal(code(await signal(a1, 'guest', data)), 0, data.type);
      await guest.waitFor(() => signals(guest, from).length === shapes.length, 'every shape');
      assert.deepEqual(
        signals(guest, from).map((m) => m.data),
        shapes,
      );
    });

    it('refuses malformed data with INVALID_ARGUMENT and keeps the connection', async () => {
      const { guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const guestFrom = guest.mark();
      const bad: unknown[] = [
        undefined,
        null,
        'offer',
        42,
        [],
        {},
        { type: 'offer' },
        { type: 'offer', sdp: '' },
        { type: 'offer', sdp: 7 },
        { type: 'pranswer', sdp: 'v=0' },
        { type: 'rollback' },
        { type: 'candidate' },
        { type: 'candidate', candidate: 'candidate:1 1 udp 1 1.2.3.4 1 typ host' },
        { type: 'candidate', candidate: { candidate: 'x'.repeat(1_025) } },
        { type: 'candidate', candidate: { candidate: 'c', sdpMLineIndex: -1 } },
        { type: 'candidate', candidate: { candidate: 'c', sdpMLineIndex: 1.5 } },
        { type: 'candidate', candidate: { candidate: 'c', sdpMid: 'm'.repeat(65) } },
        { type: 'renegotiate' },
        { type: 'renegotiate', renegotiate: false },
        { type: 'transceiverRequest', transceiverRequest: { kind: 'data' } },
        { type: 'transceiverRequest', transceiverRequest: { kind: 'video', init: { direction: 'both' } } },
        {
          type: 'transceiverRequest',
          transceiverRequest: {
            kind: 'video',
            init: { sendEncodings: Array.from({ length: 9 }, () => ({})) },
          },
        },
        { type: 'offer', sdp: 'v'.repeat(MAX_SIGNAL_BYTES + 1) },
        { type: 'offer', sdp: 'é'.repeat(MAX_SIGNAL_BYTES / 2) },
        { type: '__proto__', sdp: 'v=0' },
      ];
      for (const data of bad) {
        const reply = await signal(a1, 'guest', data);
        assert.equal(code(reply), ErrorCode.INVALID_ARGUMENT, JSON.stringify(data)?.slice(0, 80));
        assert.match(reply.result.errorMessage, /^media\.signal: /);
      }
      assert.equal(code(await rawSignal(a1, { liveId: 'show', to: 'guest' })), ErrorCode.INVALID_ARGUMENT);
      assert.equal(code(await rawSignal(a1, { liveId: 'show', data: OFFER })), ErrorCode.INVALID_ARGUMENT);
      assert.equal(
        code(await rawSignal(a1, { liveId: 'show', to: 'no spaces', data: OFFER })),
        ErrorCode.INVALID_ARGUMENT,
      );
      assert.equal(a1.isClosed, false);
      assert.equal(code(await signal(a1, 'guest', OFFER)), 0, 'the pair still works');
      await guest.waitFor((m) => m.type === 'signal', 'the valid signal', guestFrom);
      assert.deepEqual(
        signals(guest, guestFrom).map((m) => m.data),
        [OFFER],
        'nothing malformed got through',
      );
    });

    it('drops a signal to a disconnected user, says so, and goes on', async () => {
      const { server, guest, a1, a2 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const seen = Math.max(0, ...guest.events().map((e) => e.seq));
      const from0 = a1.mark();
      await guest.drop();
      await a1.waitEvent('seats', from0, (e) =>
        e.seats.some((seat) => seat.userInfo?.userId === 'guest' && seat.userInfo.connection === 'lost'),
      );
      const reply = await signal(a1, 'guest', CANDIDATE);
      assert.deepEqual(reply.result, {
        isSuccess: true,
        errorCode: 0,
        errorMessage: '',
        data: { delivered: false },
      });
      // The pair lasts through the grace period: once back and resumed, the guest is reached again.
      const back = await res.connect(server, 'guest');
      await back.ok('live.join', { liveId: 'show', sinceSeq: seen });
      const from = back.mark();
      assert.deepEqual(data(await signal(a1, 'guest', CANDIDATE)), { delivered: true });
      await back.waitFor((m) => m.type === 'signal' && m.from === 'a1', 'signal after resume', from);
      assert.ok((await a2.ok('live.list', {})) !== undefined);
    });

    it('does not deliver to a connection of the user that has not joined the live', async () => {
      const { server, guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const from0 = a1.mark();
      await guest.close();
      await a1.waitEvent('seats', from0, (e) =>
        e.seats.some((seat) => seat.userInfo?.userId === 'guest' && seat.userInfo.connection === 'lost'),
      );
      const back = await res.connect(server, 'guest');
      const reply = await signal(a1, 'guest', OFFER);
      assert.deepEqual(data(reply), { delivered: false });
      await back.ok('live.list', {});
      assert.deepEqual(signals(back), []);
    });

    it('ends every pair of a kicked guest: it is told, and signals are refused both ways', async () => {
      const { host, guest, a1, a2 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      await a2.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      assert.equal(code(await signal(a1, 'guest', OFFER)), 0);
      const from = guest.mark();
      await host.ok('seat.kick', { liveId: 'show', userId: 'guest' });
      await guest.waitEvent('media.viewer', from, (e) => e.viewerId === 'a2' && e.action === 'left');
      assert.deepEqual(
        guest
          .events(from)
          .map((e) => e.event)
          .filter((e) => e.type === 'seat.lost' || e.type === 'media.viewer')
          .map((e) => (e.type === 'media.viewer' ? `${e.action} ${e.viewerId}` : e.type)),
        ['seat.lost', 'left a1', 'left a2'],
      );
      assert.equal(code(await signal(a1, 'guest', CANDIDATE)), ErrorCode.MEDIA_NOT_ALLOWED);
      assert.equal(code(await signal(guest, 'a2', CANDIDATE)), ErrorCode.MEDIA_NOT_ALLOWED);
      assert.equal(
        code(await a1.command('media.watch', { liveId: 'show', publisherId: 'guest' })),
        ErrorCode.NOT_ON_SEAT,
      );
    });

    it('tells the publisher when a viewer leaves the live', async () => {
      const { guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const from = guest.mark();
      await a1.ok('live.leave', { liveId: 'show' });
      const left = await guest.waitEvent('media.viewer', from);
      assert.deepEqual(left.event, {
        type: 'media.viewer',
        publisherId: 'guest',
        viewerId: 'a1',
        action: 'left',
      });
      assert.equal(code(await signal(guest, 'a1', OFFER)), ErrorCode.MEDIA_NOT_ALLOWED);
    });

    it("ends a reloaded publisher's pairs (live.join without sinceSeq): each viewer is told and watches the new page", async () => {
      const { server, a1, a2 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      await a2.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const marks = [a1.mark(), a2.mark()] as const;
      // The old page is still connected: the new one replaces its connection.
      const page = await res.connect(server, 'guest');
      await page.ok('live.join', { liveId: 'show' });
      for (const [viewer, viewerId, from] of [
        [a1, 'a1', marks[0]],
        [a2, 'a2', marks[1]],
      ] as const) {
        const left = await viewer.waitEvent('media.viewer', from);
        assert.deepEqual(left.event, {
          type: 'media.viewer',
          publisherId: 'guest',
          viewerId,
          action: 'left',
        });
      }
      assert.equal(code(await signal(page, 'a1', OFFER)), ErrorCode.MEDIA_NOT_ALLOWED);
      const from = page.mark();
      assert.deepEqual(await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' }), { viewers: 1 });
      const joined = await page.waitEvent('media.viewer', from);
      assert.deepEqual(joined.event, {
        type: 'media.viewer',
        publisherId: 'guest',
        viewerId: 'a1',
        action: 'joined',
      });
    });

    it("ends a reloaded viewer's pairs: the publisher is told, and the new page's watch pairs again", async () => {
      const { server, guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      await a1.drop();
      const page = await res.connect(server, 'a1');
      const from = guest.mark();
      await page.ok('live.join', { liveId: 'show' });
      const left = await guest.waitEvent('media.viewer', from);
      assert.deepEqual(left.event, {
        type: 'media.viewer',
        publisherId: 'guest',
        viewerId: 'a1',
        action: 'left',
      });
      await page.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      await guest.waitEvent('media.viewer', from, (e) => e.action === 'joined' && e.viewerId === 'a1');
    });

    it('keeps the pairs of a client that joins again on the same connection', async () => {
      const { guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const from = a1.mark();
      await guest.ok('live.join', { liveId: 'show' });
      await assertPairKept(guest, a1, 'a1', from);
    });

    it('keeps the pairs of a client that resumes (live.join with sinceSeq) and tells no viewer', async () => {
      const { server, guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const seen = Math.max(0, ...guest.events().map((e) => e.seq));
      await guest.drop();
      const back = await res.connect(server, 'guest');
      const from = a1.mark();
      const resumed = (await back.ok('live.join', { liveId: 'show', sinceSeq: seen })) as JoinData;
      assert.ok(resumed.kind === 'replay');
      await assertPairKept(back, a1, 'a1', from);
    });

    it('needs the live joined on this connection, and an open live', async () => {
      const { server, host, a1 } = await live();
      const stranger = await res.connect(server, 'stranger');
      assert.equal(code(await signal(stranger, 'guest', OFFER)), ErrorCode.NOT_IN_LIVE);
      assert.equal(
        code(await rawSignal(a1, { liveId: 'elsewhere', to: 'guest', data: OFFER })),
        ErrorCode.LIVE_NOT_FOUND,
      );
      await host.ok('live.end', { liveId: 'show' });
      assert.equal(code(await signal(a1, 'guest', OFFER)), ErrorCode.LIVE_NOT_FOUND);
    });

    it('relays a resent id again: signal replies are not remembered', async () => {
      const { guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const from = guest.mark();
      const a1From = a1.mark();
      for (let i = 0; i < 2; i++) {
        a1.send({
          type: 'cmd',
          id: 'same-id',
          name: 'media.signal',
          args: { liveId: 'show', to: 'guest', data: CANDIDATE },
        });
      }
      await guest.waitFor(() => signals(guest, from).length === 2, 'two signals');
      await a1.waitFor(
        () => a1.messages.slice(a1From).filter((m) => m.type === 'reply').length === 2,
        'two replies',
      );
    });

    it('keeps the replies of other commands remembered through many signals', async () => {
      const { a1, a2 } = await live({ signalsPerSecond: 1_000 });
      const first = await a2.command('media.watch', { liveId: 'show', publisherId: 'guest' }, 'kept-id');
      assert.deepEqual(data(first), { viewers: 1 });
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      // More signals than the hub remembers replies (256 per user).
      for (let i = 0; i < 300; i++) {
        a2.send({
          type: 'cmd',
          id: `many${i}`,
          name: 'media.signal',
          args: { liveId: 'show', to: 'guest', data: CANDIDATE },
        });
      }
      await a2.waitFor((m) => m.type === 'reply' && m.id === 'many299', 'the last signal reply');
      const again = await a2.command('media.watch', { liveId: 'show', publisherId: 'guest' }, 'kept-id');
      assert.deepEqual(data(again), { viewers: 1 }, 'the remembered reply, not a new execution (2)');
    });
  });

  describe('rate limits', () => {
    it('carries a trickle-ICE burst far above the message burst', async () => {
      const { guest, a1 } = await live();
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const from = guest.mark();
      const a1From = a1.mark();
      const count = 200;
      for (let i = 0; i < count; i++) {
        a1.send({
          type: 'cmd',
          id: `burst${i}`,
          name: 'media.signal',
          args: { liveId: 'show', to: 'guest', data: CANDIDATE },
        });
      }
      await a1.waitFor((m) => m.type === 'reply' && m.id === `burst${count - 1}`, 'the last reply', a1From);
      const replies = a1.messages.slice(a1From).filter((m): m is ReplyMessage => m.type === 'reply');
      assert.equal(replies.filter((r) => r.result.isSuccess).length, count, 'none rate limited');
      await guest.waitFor(() => signals(guest, from).length === count, 'every signal');
      // Other commands keep their own budget.
      assert.deepEqual(await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' }), { viewers: 1 });
      assert.equal(a1.isClosed, false);
    });

    it('limits signals on their own budget (RATE_LIMITED), leaving other commands alone', async () => {
      // 2 signals per second: a burst of 12.
      const { guest, a1 } = await live({ signalsPerSecond: 2 });
      await a1.ok('media.watch', { liveId: 'show', publisherId: 'guest' });
      const a1From = a1.mark();
      for (let i = 0; i < 20; i++) {
        a1.send({
          type: 'cmd',
          id: `lim${i}`,
          name: 'media.signal',
          args: { liveId: 'show', to: 'guest', data: CANDIDATE },
        });
      }
      await a1.waitFor((m) => m.type === 'reply' && m.id === 'lim19', 'the last reply', a1From);
      const replies = a1.messages.slice(a1From).filter((m): m is ReplyMessage => m.type === 'reply');
      const limited = replies.filter((r) => code(r) === ErrorCode.RATE_LIMITED);
      // 8 over the burst; the bucket may refill by a token if the machine is slow.
      assert.ok(limited.length >= 6 && limited.length <= 8, `${limited.length} limited`);
      assert.match(limited[0]?.result.errorMessage ?? '', /signals per second/);
      assert.ok((await a1.ok('live.list', {})) !== undefined, 'other commands are not limited');
      assert.equal(guest.isClosed, false);
    });

    it('does not let another message borrow the signal budget by naming it', async () => {
      // A burst of 4, the hello included; a flood closes above 10 in a second.
      const server = await res.server({ messagesPerSecond: 2 });
      const client = await res.connect(server, 'alice');
      const from = client.mark();
      for (let i = 0; i < 6; i++) {
        client.send({ type: 'cmd', id: `n${i}`, name: 'live.list', args: { note: 'media.signal' } });
      }
      await client.waitFor((m) => m.type === 'reply' && m.id === 'n5', 'the last reply', from);
      const limited = client.messages
        .slice(from)
        .filter((m): m is ReplyMessage => m.type === 'reply' && code(m) === ErrorCode.RATE_LIMITED);
      assert.ok(limited.length >= 2, `${limited.length} limited`);
      assert.match(limited[0]?.result.errorMessage ?? '', /messages per second/);
    });
  });

  describe('signal data (fuzzed)', () => {
    const known: Record<string, readonly string[]> = {
      offer: ['type', 'sdp'],
      answer: ['type', 'sdp'],
      candidate: ['type', 'candidate'],
      renegotiate: ['type', 'renegotiate'],
      transceiverRequest: ['type', 'transceiverRequest'],
    };

    it('never throws, and accepts only the four shapes, without unknown fields', () => {
      const shaped = fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            type: fc.constantFrom('offer', 'answer', 'candidate', 'renegotiate', 'transceiverRequest', 'x'),
            sdp: fc.oneof(fc.string(), fc.jsonValue()),
            candidate: fc.oneof(
              fc.record(
                {
                  candidate: fc.oneof(fc.string(), fc.jsonValue()),
                  sdpMLineIndex: fc.oneof(
                    fc.integer({ min: -2, max: 2000 }),
                    fc.constant(null),
                    fc.jsonValue(),
                  ),
                  sdpMid: fc.oneof(fc.string(), fc.constant(null)),
                  extra: fc.jsonValue(),
                },
                { requiredKeys: [] },
              ),
              fc.jsonValue(),
            ),
            renegotiate: fc.oneof(fc.boolean(), fc.jsonValue()),
            transceiverRequest: fc.oneof(
              fc.record(
                { kind: fc.constantFrom('audio', 'video', 'data'), init: fc.jsonValue() },
                { requiredKeys: [] },
              ),
              fc.jsonValue(),
            ),
            from: fc.string(),
          },
          { requiredKeys: ['type'] },
        ),
      );
      fc.assert(
        fc.property(shaped, (data) => {
          const result = validateArgs('media.signal', { liveId: 'show', to: 'guest', data });
          if (!result.isSuccess) {
            assert.equal(result.errorCode, ErrorCode.INVALID_ARGUMENT);
            return;
          }
          const out = result.data.data as Record<string, unknown>;
          const keys = known[String(out.type)];
          assert.ok(keys, `accepted type ${String(out.type)}`);
          assert.deepEqual(Object.keys(out).sort(), [...keys].sort());
          assert.ok(new TextEncoder().encode(JSON.stringify(out)).length <= MAX_SIGNAL_BYTES);
        }),
        { numRuns: 2_000 },
      );
    });
  });
});
