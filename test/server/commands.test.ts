import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  ErrorCode,
  type CommandInput,
  type CommandName,
  type ErrorMessage,
  type JoinData,
  type LiveListPage,
  type LiveSnapshot,
  type ReplyMessage,
  type ServerMessage,
} from '../../src/protocol/index.js';
import { Resources, type TestClient } from './helpers.js';

describe('server commands', () => {
  const res = new Resources();
  afterEach(() => res.dispose());

  /** A live `show` hosted by `host`, with `viewer` joined as audience. */
  async function liveWithViewer(options: { seatMode?: 'apply' | 'free' } = {}) {
    const server = await res.server();
    const host = await res.connect(server, 'host');
    await host.ok('live.create', { liveId: 'show', liveName: 'Show', ...options });
    const viewer = await res.connect(server, 'viewer');
    await viewer.ok('live.join', { liveId: 'show' });
    return { server, host, viewer };
  }

  describe('lives', () => {
    it('creates a live, joined by its creator, and lists it', async () => {
      const server = await res.server();
      const host = await res.connect(server, 'host');
      const snapshot = (await host.ok('live.create', { liveId: 'show', liveName: 'Show' })) as LiveSnapshot;
      assert.equal(snapshot.live.liveId, 'show');
      assert.equal(snapshot.live.owner.userId, 'host');
      assert.equal(snapshot.memberCount, 1);
      assert.equal(snapshot.seats[0]?.userInfo?.userId, 'host');
      const other = await res.connect(server, 'other');
      const list = (await other.ok('live.list', {})) as LiveListPage;
      assert.deepEqual(
        list.lives.map((l) => [l.liveId, l.memberCount]),
        [['show', 1]],
      );
      assert.equal(list.nextCursor, '');
      assert.equal(server.hub.liveCount, 1);
    });

    it('refuses a live id that is taken', async () => {
      const { viewer } = await liveWithViewer();
      const reply = await viewer.command('live.create', { liveId: 'show' });
      assert.equal(reply.result.errorCode, ErrorCode.LIVE_ID_OCCUPIED);
    });

    it('refuses to join a live that does not exist', async () => {
      const server = await res.server();
      const client = await res.connect(server, 'alice');
      const reply = await client.command('live.join', { liveId: 'nothing' });
      assert.equal(reply.result.errorCode, ErrorCode.LIVE_NOT_FOUND);
    });

    it('refuses commands on a live that does not exist', async () => {
      const server = await res.server();
      const client = await res.connect(server, 'alice');
      const reply = await client.command('guest.apply', { liveId: 'nothing' });
      assert.equal(reply.result.errorCode, ErrorCode.LIVE_NOT_FOUND);
    });

    it('refuses commands on a live the user has not joined', async () => {
      const { server } = await liveWithViewer();
      const stranger = await res.connect(server, 'stranger');
      for (const [name, args] of [
        ['guest.apply', { liveId: 'show' }],
        ['live.leave', { liveId: 'show' }],
        ['live.end', { liveId: 'show' }],
        ['seat.take', { liveId: 'show', seatIndex: 1 }],
      ] as const) {
        const reply = await stranger.command(name, args);
        assert.equal(reply.result.errorCode, ErrorCode.NOT_IN_LIVE, name);
      }
    });

    it('ends a live for everyone and drops it', async () => {
      const { server, host, viewer } = await liveWithViewer();
      const from = viewer.mark();
      await host.ok('live.end', { liveId: 'show' });
      const ended = await viewer.waitEvent('live.ended', from);
      assert.equal(ended.event.reason, 'endedByHost');
      assert.equal(server.hub.liveCount, 0);
      const again = await viewer.command('guest.apply', { liveId: 'show' });
      assert.equal(again.result.errorCode, ErrorCode.LIVE_NOT_FOUND);
      const recreate = await viewer.command('live.create', { liveId: 'show' });
      assert.ok(recreate.result.isSuccess, 'the id is free again');
    });

    it('lets a member leave', async () => {
      const { host, viewer } = await liveWithViewer();
      const from = host.mark();
      await viewer.ok('live.leave', { liveId: 'show' });
      const left = await host.waitEvent('member.left', from);
      assert.equal(left.event.userId, 'viewer');
      const after = await viewer.command('guest.apply', { liveId: 'show' });
      assert.equal(after.result.errorCode, ErrorCode.NOT_IN_LIVE);
    });

    it('lets a user be in several lives at once', async () => {
      const server = await res.server();
      const a = await res.connect(server, 'a');
      const b = await res.connect(server, 'b');
      await a.ok('live.create', { liveId: 'one' });
      await b.ok('live.create', { liveId: 'two' });
      const c = await res.connect(server, 'c');
      await c.ok('live.join', { liveId: 'one' });
      await c.ok('live.join', { liveId: 'two' });
      const r1 = (await c.ok('guest.apply', { liveId: 'one' })) as { requestId: string };
      const r2 = (await c.ok('guest.apply', { liveId: 'two' })) as { requestId: string };
      assert.ok(r1.requestId && r2.requestId);
      await a.waitEvent('application.received');
      await b.waitEvent('application.received');
    });
  });

  describe('permissions', () => {
    const hostOnly: [CommandName, Record<string, unknown>, number][] = [
      ['member.setAdmin', { userId: 'viewer', admin: true }, ErrorCode.NEED_OWNER_PERMISSION],
      ['guest.acceptApplication', { userId: 'host' }, ErrorCode.NEED_ADMIN_PERMISSION],
      ['guest.rejectApplication', { userId: 'host' }, ErrorCode.NEED_ADMIN_PERMISSION],
      ['guest.invite', { inviteeId: 'other' }, ErrorCode.NEED_ADMIN_PERMISSION],
      ['guest.cancelInvitation', { inviteeId: 'other' }, ErrorCode.NEED_ADMIN_PERMISSION],
      ['seat.move', { userId: 'host', targetIndex: 2 }, ErrorCode.NEED_ADMIN_PERMISSION],
      ['seat.kick', { userId: 'host' }, ErrorCode.NEED_ADMIN_PERMISSION],
      ['seat.lock', { seatIndex: 1, lockSeat: true }, ErrorCode.NEED_ADMIN_PERMISSION],
      ['device.closeRemote', { userId: 'host', device: 'microphone' }, ErrorCode.NEED_ADMIN_PERMISSION],
      [
        'device.setRemoteAllowed',
        { userId: 'host', device: 'camera', allowed: false },
        ErrorCode.NEED_ADMIN_PERMISSION,
      ],
      ['live.end', {}, ErrorCode.NEED_OWNER_PERMISSION],
    ];

    it('refuses every host-only command to an audience member', async () => {
      const { server, host, viewer } = await liveWithViewer();
      const other = await res.connect(server, 'other');
      await other.ok('live.join', { liveId: 'show' });
      const seen = host.mark();
      for (const [name, args, code] of hostOnly) {
        const reply = await viewer.command(name, { liveId: 'show', ...args });
        assert.equal(reply.result.isSuccess, false, name);
        assert.equal(
          reply.result.errorCode,
          code,
          `${name}: ${reply.result.isSuccess ? '' : reply.result.errorMessage}`,
        );
      }
      // Nothing changed: a round trip on the host shows no event caused by the refusals.
      await host.ok('live.list', {});
      assert.deepEqual(host.events(seen), []);
    });

    it('takes the actor from the connection, never from the arguments', async () => {
      const { viewer } = await liveWithViewer();
      const reply = await viewer.command('seat.lock', {
        liveId: 'show',
        seatIndex: 1,
        lockSeat: true,
        userId: 'host',
        actorId: 'host',
      } as unknown as CommandInput<'seat.lock'>);
      assert.equal(reply.result.errorCode, ErrorCode.NEED_ADMIN_PERMISSION);
    });
  });

  describe('room isolation', () => {
    it('keeps members of one live out of another', async () => {
      const server = await res.server();
      const hostA = await res.connect(server, 'hostA');
      const hostB = await res.connect(server, 'hostB');
      await hostA.ok('live.create', { liveId: 'A', seatMode: 'free' });
      await hostB.ok('live.create', { liveId: 'B', seatMode: 'free' });
      const memberA = await res.connect(server, 'memberA');
      const memberB = await res.connect(server, 'memberB');
      await memberA.ok('live.join', { liveId: 'A' });
      await memberB.ok('live.join', { liveId: 'B' });

      // A member of A cannot act in B, not even as A's host.
      for (const [name, args] of [
        ['seat.take', { liveId: 'B', seatIndex: 1 }],
        ['guest.apply', { liveId: 'B' }],
        ['live.leave', { liveId: 'B' }],
      ] as const) {
        const reply = await memberA.command(name, args);
        assert.equal(reply.result.errorCode, ErrorCode.NOT_IN_LIVE, name);
      }
      const lock = await hostA.command('seat.lock', { liveId: 'B', seatIndex: 2, lockSeat: true });
      assert.equal(lock.result.errorCode, ErrorCode.NOT_IN_LIVE);
      const end = await hostA.command('live.end', { liveId: 'B' });
      assert.equal(end.result.errorCode, ErrorCode.NOT_IN_LIVE);

      // Activity in A reaches A's members only.
      await memberA.ok('seat.take', { liveId: 'A', seatIndex: 1 });
      await hostA.ok('seat.lock', { liveId: 'A', seatIndex: 3, lockSeat: true });
      await hostA.waitEvent('seats');
      await hostB.ok('live.list', {});
      await memberB.ok('live.list', {});
      for (const client of [hostB, memberB]) {
        assert.deepEqual(
          client.events().filter((e) => e.liveId !== 'B'),
          [],
        );
      }
      assert.ok(memberA.events().every((e) => e.liveId === 'A'));
      assert.ok(memberA.events().length > 0);
    });
  });

  describe('invalid input', () => {
    async function expectError(client: TestClient, text: string): Promise<ErrorMessage> {
      const from = client.mark();
      client.send(text);
      return client.waitFor<ErrorMessage>((m) => m.type === 'error', 'error message', from);
    }

    async function expectReply(client: TestClient, message: unknown, id: string): Promise<ReplyMessage> {
      const from = client.mark();
      client.send(message);
      return client.waitFor<ReplyMessage>((m) => m.type === 'reply' && m.id === id, `reply ${id}`, from);
    }

    it('answers malformed messages with typed errors and stays usable', async () => {
      const { viewer } = await liveWithViewer();
      for (const text of [
        'not json',
        '{"type":',
        '"a string"',
        '[]',
        'null',
        '42',
        '{"type":"nope"}',
        '{}',
      ]) {
        const error = await expectError(viewer, text);
        assert.equal(error.code, ErrorCode.INVALID_ARGUMENT, text);
        assert.ok(error.message.length > 0);
      }
      const cases: [unknown, string][] = [
        [{ type: 'cmd', id: 'u1', name: 'no.such.command', args: {} }, 'unknown command'],
        [{ type: 'cmd', id: 'u2', name: 'guest.apply', args: { liveId: 42 } }, 'liveId'],
        [
          { type: 'cmd', id: 'u3', name: 'guest.apply', args: { liveId: 'show', seatIndex: 'one' } },
          'seatIndex',
        ],
        [
          {
            type: 'cmd',
            id: 'u4',
            name: 'guest.apply',
            args: { liveId: 'show', extraInfo: 'x'.repeat(300) },
          },
          'extraInfo',
        ],
        [{ type: 'cmd', id: 'u5', name: 'seat.take', args: { liveId: 'show', seatIndex: 99 } }, 'seatIndex'],
        [{ type: 'cmd', id: 'u6', name: 42, args: {} }, 'name'],
        [{ type: 'cmd', id: 'u7', name: 'live.join', args: 'show' }, 'live.join'],
        [{ type: 'cmd', id: 'u8', name: 'live.create', args: { liveId: 'bad id!' } }, 'liveId'],
      ];
      for (const [message, pattern] of cases) {
        const id = (message as { id: string }).id;
        const reply = await expectReply(viewer, message, id);
        assert.equal(reply.result.errorCode, ErrorCode.INVALID_ARGUMENT, id);
        assert.ok(
          !reply.result.isSuccess && reply.result.errorMessage.includes(pattern),
          reply.result.isSuccess ? '' : reply.result.errorMessage,
        );
      }
      const error = await expectError(viewer, JSON.stringify({ type: 'cmd', id: 42, name: 'live.list' }));
      assert.equal(error.code, ErrorCode.INVALID_ARGUMENT);
      const data = await viewer.ok('guest.apply', { liveId: 'show' });
      assert.ok(data);
    });

    it('survives a fuzz of random messages', async () => {
      const { viewer, host } = await liveWithViewer();
      let seed = 7;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const values = [
        null,
        true,
        0,
        -1,
        1.5,
        1e308,
        '',
        'show',
        'x'.repeat(100),
        [],
        {},
        { liveId: 'show' },
        ['a'],
      ];
      const names = [
        'live.join',
        'guest.apply',
        'seat.take',
        'seat.lock',
        'device.publish',
        'x',
        '__proto__',
        'constructor',
      ];
      const keys = [
        'liveId',
        'seatIndex',
        'userId',
        'timeout',
        'extraInfo',
        '__proto__',
        'constructor',
        'microphone',
      ];
      for (let i = 0; i < 15; i++) {
        const args: Record<string, unknown> = {};
        for (let k = 0; k < 3; k++) args[pick(keys)] = pick(values);
        const message = {
          type: 'cmd',
          id: `f${i}`,
          name: pick(names),
          args: random() < 0.8 ? args : pick(values),
        };
        const reply = await expectReply(viewer, message, `f${i}`);
        assert.equal(reply.type, 'reply');
      }
      const snapshot = await host.ok('live.join', { liveId: 'show' });
      assert.ok(snapshot);
    });
  });

  describe('request ids', () => {
    it('answers a repeated id with the cached reply and executes once', async () => {
      const { host, viewer } = await liveWithViewer();
      const from = host.mark();
      const first = await viewer.command('guest.apply', { liveId: 'show', extraInfo: 'hi' }, 'apply-1');
      assert.ok(first.result.isSuccess);
      const second = await viewer.command('guest.apply', { liveId: 'show', extraInfo: 'hi' }, 'apply-1');
      assert.deepEqual(second, first);
      const replyTexts = viewer.texts.filter((t) => t.includes('"id":"apply-1"'));
      assert.equal(replyTexts.length, 2);
      assert.equal(replyTexts[0], replyTexts[1], 'the same reply, byte for byte');
      await host.ok('live.list', {});
      const received = host.events(from).filter((e) => e.event.type === 'application.received');
      assert.equal(received.length, 1);
      // A new id executes again (and is refused: one pending application per user).
      const third = await viewer.command('guest.apply', { liveId: 'show' }, 'apply-2');
      assert.equal(third.result.errorCode, ErrorCode.ALREADY_APPLIED);
    });

    it('remembers replies across a reconnect of the same user', async () => {
      const { server, viewer } = await liveWithViewer();
      const first = await viewer.command('guest.apply', { liveId: 'show' }, 'apply-x');
      await viewer.close();
      const again = await res.connect(server, 'viewer');
      const second = await again.command('guest.apply', { liveId: 'show' }, 'apply-x');
      assert.deepEqual(second, first);
    });

    it('answers every command exactly once', async () => {
      const { viewer } = await liveWithViewer();
      const ids = Array.from({ length: 10 }, (_, i) => `once-${i}`);
      for (const id of ids) viewer.send({ type: 'cmd', id, name: 'live.list', args: {} });
      await viewer.waitFor((m) => m.type === 'reply' && m.id === 'once-9');
      await viewer.ok('live.list', {});
      const replies = viewer.messages.filter(
        (m): m is ReplyMessage & ServerMessage => m.type === 'reply' && m.id.startsWith('once-'),
      );
      assert.deepEqual(
        replies.map((r) => r.id),
        ids,
      );
    });
  });

  describe('join data', () => {
    it('gives the audience a snapshot without other members', async () => {
      const { server } = await liveWithViewer();
      const late = await res.connect(server, 'late');
      const join = (await late.ok('live.join', { liveId: 'show' })) as JoinData;
      assert.equal(join.kind, 'snapshot');
      assert.ok(join.kind === 'snapshot');
      assert.deepEqual(
        join.snapshot.members.map((m) => m.userId),
        ['late'],
      );
      assert.equal(join.snapshot.memberCount, 3);
    });
  });
});
