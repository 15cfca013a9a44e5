/**
 * The Janus client and the VideoRoom requests against a real Janus (Debian's `janus`, started on
 * a loopback port with the project's configuration). No media: SDP needs a browser.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer } from 'ws';
import {
  createJanusToken,
  isJanusError,
  JanusClient,
  JanusError,
  JanusErrorCode,
  VIDEOROOM_PLUGIN,
  VideoRoomErrorCode,
  videoroom,
  type JanusHandle,
  type JanusSession,
} from '../../src/server/janus/index.js';
import { within } from './helpers.js';
import { nextValue, startTestJanus, tokenFor, type JanusProcess } from '../support/janus.js';

/** Resolves with the `JanusError` that `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<JanusError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof JanusError, `a JanusError, not ${String(error)}`);
    return error;
  }
  assert.fail('expected a refusal');
}

describe('JanusClient against Janus', () => {
  let janus: JanusProcess;
  let client: JanusClient;
  let session: JanusSession;
  let admin: JanusHandle;

  before(async () => {
    janus = await startTestJanus();
    client = await JanusClient.connect(janus.url, { token: () => tokenFor(janus), timeoutMs: 5_000 });
    session = await client.createSession();
    admin = await session.attach(VIDEOROOM_PLUGIN);
  });

  after(async () => {
    await client?.close();
    await janus?.stop();
  });

  describe('configuration', () => {
    it('loads only the VideoRoom plugin and the WebSocket transport', async () => {
      const info = await client.info();
      assert.deepEqual(Object.keys(info.plugins as object), ['janus.plugin.videoroom']);
      assert.deepEqual(Object.keys(info.transports as object), ['janus.transport.websockets']);
      assert.equal(info.auth_token, true);
    });
  });

  describe('tokens', () => {
    it('opens a session and attaches with a good token', async () => {
      const other = await JanusClient.connect(janus.url, { token: tokenFor(janus) });
      try {
        const own = await other.createSession();
        const handle = await own.attach(VIDEOROOM_PLUGIN);
        assert.equal(typeof handle.id, 'number');
        assert.equal(await videoroom.exists(handle, 'no-such-live'), false);
        await own.destroy();
        assert.equal(own.gone, true);
      } finally {
        await other.close();
      }
    });

    for (const [name, token] of [
      ['no token', undefined],
      ['a token signed with another secret', createJanusToken({ secret: 'not-the-secret' })],
      ['an expired token', null],
    ] as const) {
      it(`refuses ${name} with 403`, async () => {
        const other = await JanusClient.connect(janus.url, {
          token:
            token === null ? createJanusToken({ secret: janus.secrets.tokenSecret, ttlSeconds: -10 }) : token,
        });
        try {
          const error = await refusal(other.createSession());
          assert.equal(error.kind, 'janus');
          assert.equal(error.code, JanusErrorCode.UNAUTHORIZED);
          assert.equal(error.request, 'create');
        } finally {
          await other.close();
        }
      });
    }

    it('refuses a token that does not list the plugin when attaching', async () => {
      const other = await JanusClient.connect(janus.url, {
        token: createJanusToken({ secret: janus.secrets.tokenSecret, plugins: ['janus.plugin.echotest'] }),
      });
      try {
        const own = await other.createSession();
        const error = await refusal(own.attach(VIDEOROOM_PLUGIN));
        assert.equal(error.code, JanusErrorCode.UNAUTHORIZED_PLUGIN);
      } finally {
        await other.close();
      }
    });
  });

  describe('rooms', () => {
    it('refuses to create a room without the admin key, or with a wrong one', async () => {
      const request = { room: 'live-no-key', secret: 'room-secret' };
      const missing = await refusal(
        admin.message({ request: 'create', ...request }).then(() => assert.fail('created without a key')),
      );
      assert.equal(missing.kind, 'plugin');
      assert.equal(missing.code, VideoRoomErrorCode.MISSING_ELEMENT);
      const wrong = await refusal(videoroom.createRoom(admin, { ...request, admin_key: 'wrong' }));
      assert.equal(wrong.code, VideoRoomErrorCode.UNAUTHORIZED);
      assert.equal(await videoroom.exists(admin, 'live-no-key'), false);
    });

    it('creates a room with a string id, lists it, refuses a wrong secret and destroys it', async () => {
      const room = 'live-a1';
      const created = await videoroom.createRoom(admin, {
        room,
        admin_key: janus.secrets.adminKey,
        secret: 'room-secret',
        publishers: 16,
        videocodec: 'vp8',
        audiocodec: 'opus',
        bitrate: 1_000_000,
        fir_freq: 10,
        notify_joining: true,
      });
      assert.equal(created.room, room);
      assert.equal(await videoroom.exists(admin, room), true);
      assert.deepEqual(await videoroom.listParticipants(admin, room), []);
      const again = await refusal(
        videoroom.createRoom(admin, { room, admin_key: janus.secrets.adminKey, secret: 'x' }),
      );
      assert.equal(again.code, VideoRoomErrorCode.ROOM_EXISTS);

      const wrong = await refusal(videoroom.destroyRoom(admin, { room, secret: 'wrong' }));
      assert.equal(wrong.code, VideoRoomErrorCode.UNAUTHORIZED);
      assert.equal(await videoroom.exists(admin, room), true);

      await videoroom.destroyRoom(admin, { room, secret: 'room-secret' });
      assert.equal(await videoroom.exists(admin, room), false);
      const gone = await refusal(videoroom.listParticipants(admin, room));
      assert.equal(gone.code, VideoRoomErrorCode.NO_SUCH_ROOM);
    });
  });

  describe('participants', () => {
    const room = 'live-b2';
    const secret = 'room-secret-b2';

    before(async () => {
      await videoroom.createRoom(admin, { room, admin_key: janus.secrets.adminKey, secret, publishers: 9 });
    });

    after(async () => {
      await videoroom.destroyRoom(admin, { room, secret }).catch(() => undefined);
    });

    it('joins a publisher under a string id, refuses the same id twice, and kicks it', async () => {
      const guest = await session.attach(VIDEOROOM_PLUGIN);
      const joined = await videoroom.joinPublisher(guest, { room, id: 'user-7', display: 'Guest 7' });
      assert.equal(joined.room, room);
      assert.equal(joined.id, 'user-7');
      assert.deepEqual(joined.publishers, []);
      assert.equal(typeof joined.private_id, 'number');
      assert.deepEqual(await videoroom.listParticipants(admin, room), [
        { id: 'user-7', display: 'Guest 7', publisher: false },
      ]);

      const twin = await session.attach(VIDEOROOM_PLUGIN);
      const taken = await refusal(videoroom.joinPublisher(twin, { room, id: 'user-7' }));
      assert.equal(taken.code, VideoRoomErrorCode.ID_EXISTS);
      assert.equal(taken.request, 'message:join');
      await twin.detach();

      const wrongSecret = await refusal(videoroom.kick(admin, { room, secret: 'wrong', id: 'user-7' }));
      assert.equal(wrongSecret.code, VideoRoomErrorCode.UNAUTHORIZED);

      const told = nextValue<{ data: Record<string, unknown> }>((listener) => guest.on('event', listener));
      const toldSession = nextValue<number>((listener) =>
        session.on('event', (payload, handleId) => {
          if (payload.data.leaving === 'ok') listener(handleId);
        }),
      );
      await videoroom.kick(admin, { room, secret, id: 'user-7' });
      const event = await within(told, 'the kicked publisher’s event');
      assert.equal(event.data.leaving, 'ok');
      assert.equal(event.data.reason, 'kicked');
      assert.equal(await within(toldSession, 'the session’s event'), guest.id);
      assert.deepEqual(await videoroom.listParticipants(admin, room), []);
      const unknown = await refusal(videoroom.kick(admin, { room, secret, id: 'user-7' }));
      assert.equal(unknown.code, VideoRoomErrorCode.NO_SUCH_FEED);
      await guest.detach();
      assert.equal(guest.detached, true);
    });

    it('refuses to subscribe to a publisher that is not in the room', async () => {
      const viewer = await session.attach(VIDEOROOM_PLUGIN);
      const error = await refusal(videoroom.joinSubscriber(viewer, { room, streams: [{ feed: 'user-1' }] }));
      assert.equal(error.kind, 'plugin');
      assert.equal(error.code, VideoRoomErrorCode.NO_SUCH_FEED);
      assert.ok(isJanusError(error, 428));
      await viewer.detach();
    });

    it('refuses publish without an offer, and unpublish before joining', async () => {
      const guest = await session.attach(VIDEOROOM_PLUGIN);
      const early = await refusal(videoroom.unpublish(guest));
      assert.equal(early.code, VideoRoomErrorCode.JOIN_FIRST);
      await videoroom.joinPublisher(guest, { room, id: 'user-8' });
      const notPublished = await refusal(videoroom.unpublish(guest));
      assert.equal(notPublished.code, VideoRoomErrorCode.NOT_PUBLISHED);
      await videoroom.leave(guest);
      await guest.detach();
    });

    it('refuses requests on a detached handle with Janus’s code', async () => {
      const handle = await session.attach(VIDEOROOM_PLUGIN);
      await handle.detach();
      const error = await refusal(handle.message({ request: 'exists', room }));
      assert.equal(error.kind, 'janus');
      assert.equal(error.code, JanusErrorCode.HANDLE_NOT_FOUND);
    });
  });
});

describe('JanusClient against a Janus that does not answer', () => {
  let server: WebSocketServer;
  let url: string;

  before(async () => {
    server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (protocols) => [...protocols][0] ?? false,
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const address = server.address();
    assert.ok(typeof address === 'object' && address);
    url = `ws://127.0.0.1:${address.port}`;
  });

  after(async () => {
    for (const socket of server.clients) socket.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('rejects a request with a typed timeout, and keeps the socket', async () => {
    const client = await JanusClient.connect(url, { timeoutMs: 50 });
    try {
      const error = await refusal(client.createSession());
      assert.equal(error.kind, 'timeout');
      assert.equal(error.code, 0);
      assert.equal(error.request, 'create');
      assert.equal(client.closed, false);
    } finally {
      await client.close();
    }
  });

  it('rejects pending requests with closed, and tells onClose, when the socket drops', async () => {
    const client = await JanusClient.connect(url, { timeoutMs: 5_000 });
    const closed = nextValue((listener) => client.onClose(listener));
    const pending = client.createSession();
    for (const socket of server.clients) socket.terminate();
    const error = await within(refusal(pending), 'the pending request to fail');
    assert.equal(error.kind, 'closed');
    await within(closed, 'onClose');
    assert.equal(client.closed, true);
    const after = await refusal(client.createSession());
    assert.equal(after.kind, 'closed');
  });

  it('refuses a server that does not speak janus-protocol', async () => {
    const plain = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => false });
    await new Promise<void>((resolve) => plain.once('listening', resolve));
    const address = plain.address();
    assert.ok(typeof address === 'object' && address);
    try {
      const error = await refusal(
        JanusClient.connect(`ws://127.0.0.1:${address.port}`, { timeoutMs: 2_000 }),
      );
      assert.equal(error.kind, 'closed');
      assert.equal(error.request, 'connect');
    } finally {
      for (const socket of plain.clients) socket.terminate();
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  it('rejects connecting to a port nobody listens on', async () => {
    const error = await refusal(JanusClient.connect('ws://127.0.0.1:1', { timeoutMs: 2_000 }));
    assert.equal(error.kind, 'closed');
  });
});

describe('JanusSession keepalives', () => {
  let janus: JanusProcess;

  before(async () => {
    janus = await startTestJanus({ sessionTimeout: 1 });
  });

  after(async () => {
    await janus?.stop();
  });

  it('keeps a session alive with keepalives, while one without them times out', async () => {
    const unkept = await JanusClient.connect(janus.url, { token: () => tokenFor(janus), keepAliveMs: 0 });
    try {
      const lapsing = await unkept.createSession();
      // The kept session's keepalives come every 300 ms, well inside Janus's 1 s.
      const keptAlive = await JanusClient.connect(janus.url, {
        token: () => tokenFor(janus),
        keepAliveMs: 300,
      });
      try {
        const alive = await keptAlive.createSession();
        await within(
          nextValue((listener) => lapsing.on('timeout', listener)),
          'the unkept session’s timeout',
          10_000,
        );
        assert.equal(lapsing.gone, true);
        assert.equal(alive.gone, false);
        const handle = await alive.attach(VIDEOROOM_PLUGIN);
        assert.equal(await videoroom.exists(handle, 'none'), false);
        const error = await refusal(lapsing.attach(VIDEOROOM_PLUGIN));
        assert.equal(error.code, JanusErrorCode.SESSION_NOT_FOUND);
      } finally {
        await keptAlive.close();
      }
    } finally {
      await unkept.close();
    }
  });
});
