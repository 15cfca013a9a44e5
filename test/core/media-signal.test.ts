/**
 * The session's plumbing for the media layer: `media.watch`, the publisher's `media.viewer` events
 * through `onLiveEvent`, WebRTC signals both ways through `request('media.signal')` and `onSignal`,
 * and the `iceServers` option. Real sessions against a real server (and the in-page hub).
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import {
  createSession,
  ErrorCode,
  type LiveEvent,
  type MediaViewerEvent,
  type Result,
  type Session,
  type SessionOptions,
  type SignalData,
  type WebSocketConstructor,
} from '../../src/core/index.js';
import { createLocalHub } from '../../src/local/index.js';
import { createServer, createToken, type ServerHandle } from '../../src/server/index.js';
import { DEFAULT_WAIT_MS, user } from './helpers.js';

const SECRET = 'media-signal-test-secret';
const LIVE = 'media-live';
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

/** Calls of a callback, with a bounded wait for the `count`-th. */
class Calls<A extends unknown[]> {
  readonly calls: A[] = [];
  readonly #waiters = new Set<() => void>();
  readonly fn = (...args: A): void => {
    this.calls.push(args);
    for (const waiter of [...this.#waiters]) waiter();
  };

  nth(count: number, what: string): Promise<A> {
    return new Promise<A>((resolve, reject) => {
      const check = (): boolean => {
        const call = this.calls[count - 1];
        if (!call) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(call);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what} (#${count}); got ${this.calls.length}`));
      }, DEFAULT_WAIT_MS);
      if (!check()) this.#waiters.add(check);
    });
  }
}

function ok<T>(result: Result<T>): T {
  assert.equal(result.isSuccess, true, result.isSuccess ? '' : `${result.errorCode}: ${result.errorMessage}`);
  return (result as { data: T }).data;
}

const isViewerEvent = (event: LiveEvent): event is MediaViewerEvent => event.type === 'media.viewer';

let server: ServerHandle | null = null;
const sessions: Session[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.dispose();
  await server?.close();
  server = null;
});

function session(options: SessionOptions = {}): Session {
  const created = createSession({
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    requestTimeoutMs: 4000,
    reconnect: false,
    ...options,
  });
  sessions.push(created);
  return created;
}

/** A server, a host on seat 0 of `LIVE` and a viewer in its audience, both logged in through `ws`. */
async function liveOnServer(options: SessionOptions = {}) {
  server = await createServer({ port: 0, host: '127.0.0.1', secret: SECRET });
  const url = server.url;
  const login = async (userId: string): Promise<Session> => {
    const created = session(options);
    const token = await createToken({ secret: SECRET, userId, userName: `User ${userId}` });
    ok(await created.loginStore.login({ serverUrl: url, token }));
    return created;
  };
  const host = await login('host');
  ok(await host.liveListStore.createLive({ liveId: LIVE, maxSeatCount: 4 }));
  const viewer = await login('viewer');
  ok(await viewer.liveListStore.joinLive(LIVE));
  return { host, viewer };
}

describe('session media plumbing', () => {
  it('carries a watch, the publisher’s media.viewer events and signals both ways through a real server', async () => {
    const { host, viewer } = await liveOnServer();
    const hostEvents = new Calls<[LiveEvent]>();
    host.onLiveEvent(LIVE, hostEvents.fn);
    const viewerEvents = new Calls<[LiveEvent]>();
    viewer.onLiveEvent(LIVE, viewerEvents.fn);
    const atHost = new Calls<[string, SignalData]>();
    host.onSignal(LIVE, atHost.fn);
    const atViewer = new Calls<[string, SignalData]>();
    viewer.onSignal(LIVE, atViewer.fn);

    assert.deepEqual(ok(await viewer.request('media.watch', { liveId: LIVE, publisherId: 'host' })), {
      viewers: 1,
    });
    const [joined] = await hostEvents.nth(1, 'media.viewer joined');
    assert.deepEqual(joined, {
      type: 'media.viewer',
      publisherId: 'host',
      viewerId: 'viewer',
      action: 'joined',
    });

    // The publisher offers, the viewer answers, both trickle a candidate.
    assert.deepEqual(ok(await host.request('media.signal', { liveId: LIVE, to: 'viewer', data: OFFER })), {
      delivered: true,
    });
    assert.deepEqual(await atViewer.nth(1, 'the offer'), ['host', OFFER]);
    ok(await viewer.request('media.signal', { liveId: LIVE, to: 'host', data: ANSWER }));
    ok(await viewer.request('media.signal', { liveId: LIVE, to: 'host', data: CANDIDATE }));
    ok(await host.request('media.signal', { liveId: LIVE, to: 'viewer', data: CANDIDATE }));
    await atHost.nth(2, 'the candidate');
    await atViewer.nth(2, 'the candidate');
    assert.deepEqual(atHost.calls, [
      ['viewer', ANSWER],
      ['viewer', CANDIDATE],
    ]);
    assert.deepEqual(atViewer.calls, [
      ['host', OFFER],
      ['host', CANDIDATE],
    ]);

    ok(await viewer.request('media.unwatch', { liveId: LIVE, publisherId: 'host' }));
    const [left] = await hostEvents.nth(2, 'media.viewer left');
    assert.deepEqual(left, { type: 'media.viewer', publisherId: 'host', viewerId: 'viewer', action: 'left' });
    const refused = await viewer.request('media.signal', { liveId: LIVE, to: 'host', data: CANDIDATE });
    assert.equal(refused.isSuccess ? 0 : refused.errorCode, ErrorCode.MEDIA_NOT_ALLOWED);

    // Only the publisher hears of its viewers; the replica counted the events in its seq.
    assert.equal(viewerEvents.calls.filter(([event]) => isViewerEvent(event)).length, 0);
    assert.equal(hostEvents.calls.filter(([event]) => isViewerEvent(event)).length, 2);
  });

  it('stops calling a signal listener once unsubscribed, and keeps lives apart', async () => {
    const { host, viewer } = await liveOnServer();
    ok(await viewer.request('media.watch', { liveId: LIVE, publisherId: 'host' }));
    const first = new Calls<[string, SignalData]>();
    const second = new Calls<[string, SignalData]>();
    const elsewhere = new Calls<[string, SignalData]>();
    const unsubscribe = viewer.onSignal(LIVE, first.fn);
    viewer.onSignal(LIVE, second.fn);
    viewer.onSignal('another-live', elsewhere.fn);

    ok(await host.request('media.signal', { liveId: LIVE, to: 'viewer', data: OFFER }));
    await second.nth(1, 'first signal');
    assert.equal(first.calls.length, 1);
    unsubscribe();
    unsubscribe();
    ok(await host.request('media.signal', { liveId: LIVE, to: 'viewer', data: CANDIDATE }));
    await second.nth(2, 'second signal');
    assert.equal(first.calls.length, 1, 'not called after unsubscribing');
    assert.equal(elsewhere.calls.length, 0, 'a listener of another live hears nothing');
  });

  it('reports a throwing signal listener and still calls the others', async () => {
    const errors = new Calls<[unknown]>();
    const { host, viewer } = await liveOnServer({ onError: errors.fn });
    ok(await viewer.request('media.watch', { liveId: LIVE, publisherId: 'host' }));
    viewer.onSignal(LIVE, () => {
      throw new Error('listener failed');
    });
    const after = new Calls<[string, SignalData]>();
    viewer.onSignal(LIVE, after.fn);
    ok(await host.request('media.signal', { liveId: LIVE, to: 'viewer', data: OFFER }));
    assert.deepEqual(await after.nth(1, 'the signal'), ['host', OFFER]);
    const [error] = await errors.nth(1, 'the reported error');
    assert.match(String(error), /listener failed/);
  });

  it('works the same through the in-page hub', async () => {
    const hub = createLocalHub();
    const host = session();
    const viewer = session();
    ok(await host.loginStore.login({ hub, user: user('host') }));
    ok(await viewer.loginStore.login({ hub, user: user('viewer') }));
    ok(await host.liveListStore.createLive({ liveId: LIVE }));
    ok(await viewer.liveListStore.joinLive(LIVE));
    const hostEvents = new Calls<[LiveEvent]>();
    host.onLiveEvent(LIVE, hostEvents.fn);
    const atHost = new Calls<[string, SignalData]>();
    host.onSignal(LIVE, atHost.fn);
    ok(await viewer.request('media.watch', { liveId: LIVE, publisherId: 'host' }));
    assert.equal((await hostEvents.nth(1, 'media.viewer'))[0].type, 'media.viewer');
    ok(await viewer.request('media.signal', { liveId: LIVE, to: 'host', data: ANSWER }));
    assert.deepEqual(await atHost.nth(1, 'the answer'), ['viewer', ANSWER]);
    hub.shutdown();
  });

  describe('iceServers', () => {
    it('defaults to none', () => {
      assert.deepEqual(session().iceServers, []);
    });

    it('keeps a copy of the servers given to createSession', () => {
      const given = [
        { urls: 'stun:stun.example.test:3478' },
        { urls: ['turn:turn.example.test:3478'], username: 'u', credential: 'c' },
      ];
      const created = session({ iceServers: given });
      assert.deepEqual(created.iceServers, given);
      given[0]!.urls = 'stun:changed.example.test';
      (given[1]!.urls as string[]).push('turns:changed.example.test');
      given.push({ urls: 'stun:added.example.test' });
      assert.deepEqual(created.iceServers, [
        { urls: 'stun:stun.example.test:3478' },
        { urls: ['turn:turn.example.test:3478'], username: 'u', credential: 'c' },
      ]);
    });
  });
});
