/**
 * The headless client against a server it cannot trust: malformed replies, welcomes and events, a
 * throwing listener, and a server that closes right after every welcome. Nothing may escape the
 * session as an exception; every refusal is a typed `Result` or a reported `ServerMessageError`;
 * the reconnect backoff grows until a connection has held.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import {
  createSession,
  ErrorCode,
  type ServerMessageError,
  type Session,
  type SessionOptions,
  type SessionScheduler,
  type WebSocketConstructor,
} from '../../src/core/index.js';
import type { LiveSnapshot, UserInfo } from '../../src/protocol/types.js';
import { ScriptedHub, snapshot, user, waitFor } from './helpers.js';

const me = user('alice');
const host = user('host');

/** A report of a message the session refused. */
function isServerMessageError(error: unknown): error is ServerMessageError {
  return error instanceof Error && error.name === 'ServerMessageError';
}

/** What the scripted server does with one client message (already parsed). */
type Script = (message: { type: string; id?: string; name?: string }, send: (frame: unknown) => void) => void;

const servers: WebSocketServer[] = [];
const sessions: Session[] = [];

afterEach(async () => {
  for (const session of sessions.splice(0)) session.dispose();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          for (const client of server.clients) client.terminate();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A `ws` server on 127.0.0.1 that welcomes `welcomeUser` and hands every later message to `script`. */
async function hostileServer(script: Script, welcome: unknown = { user: me }): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  server.on('connection', (socket) => {
    const send = (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    socket.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as {
        type: string;
        id?: string;
        name?: string;
      };
      if (message.type === 'hello') {
        send({ type: 'welcome', protocol: 1, serverTime: Date.now(), ...(welcome as object) });
      } else {
        script(message, send);
      }
    });
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const address = server.address();
  assert.ok(typeof address === 'object' && address !== null, 'a TCP address');
  return `ws://127.0.0.1:${address.port}/ws`;
}

function session(options: SessionOptions = {}): { session: Session; errors: unknown[] } {
  const errors: unknown[] = [];
  const created = createSession({
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    requestTimeoutMs: 3_000,
    reconnect: false,
    onError: (error) => errors.push(error),
    ...options,
  });
  sessions.push(created);
  return { session: created, errors };
}

/** Resolves once `condition` holds, checking after each turn of the event loop (bounded). */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let turn = 0; turn < 2_000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`never happened: ${what}`);
}

describe('a hostile server', () => {
  it('a reply whose result is null fails that request with SERVER_ERROR; the session goes on', async () => {
    let replies = 0;
    const url = await hostileServer((message, send) => {
      if (message.type !== 'cmd') return;
      replies++;
      send(
        replies === 1
          ? { type: 'reply', id: message.id, result: null }
          : {
              type: 'reply',
              id: message.id,
              result: {
                isSuccess: true,
                errorCode: 0,
                errorMessage: '',
                data: { lives: [], nextCursor: '' },
              },
            },
      );
    });
    const { session: alice, errors } = session();
    assert.equal((await alice.loginStore.login({ serverUrl: url, token: 't' })).isSuccess, true);
    const refused = await alice.request('live.list', {});
    assert.equal(refused.errorCode, ErrorCode.SERVER_ERROR);
    assert.match(refused.errorMessage, /invalid reply to live\.list/);
    assert.equal(errors.length, 1);
    assert.ok(isServerMessageError(errors[0]), 'a ServerMessageError');
    assert.equal(errors[0].code, ErrorCode.SERVER_ERROR);
    // The connection still works.
    assert.equal((await alice.liveListStore.fetchLiveList()).isSuccess, true);
    assert.equal(alice.$connection.get(), 'connected');
  });

  it('a successful reply whose data does not fit its command fails with SERVER_ERROR', async () => {
    const url = await hostileServer((message, send) => {
      if (message.type !== 'cmd') return;
      const data = message.name === 'live.create' ? { live: null } : { lives: 'many' };
      send({
        type: 'reply',
        id: message.id,
        result: { isSuccess: true, errorCode: 0, errorMessage: '', data },
      });
    });
    const { session: alice, errors } = session();
    assert.equal((await alice.loginStore.login({ serverUrl: url, token: 't' })).isSuccess, true);
    const created = await alice.liveListStore.createLive({ liveId: 'show' });
    assert.equal(created.errorCode, ErrorCode.SERVER_ERROR);
    assert.equal(alice.liveListStore.currentLive.get(), null);
    assert.equal((await alice.liveListStore.fetchLiveList()).errorCode, ErrorCode.SERVER_ERROR);
    assert.deepEqual(alice.liveListStore.liveList.get(), []);
    assert.equal(errors.length, 2);
  });

  it('refuses a welcome without a user: login fails with a typed error, nobody is logged in', async () => {
    const url = await hostileServer(() => undefined, { user: null });
    const { session: alice, errors } = session();
    const login = await alice.loginStore.login({ serverUrl: url, token: 't' });
    assert.equal(login.isSuccess, false);
    assert.equal(login.errorCode, ErrorCode.SERVER_ERROR);
    assert.match(login.errorMessage, /invalid welcome/);
    assert.equal(alice.loginStore.loginStatus.get(), 'loggedOut');
    assert.equal(alice.loginStore.loginUserInfo.get(), null);
    assert.equal(alice.$connection.get(), 'idle');
    assert.ok(
      errors.some((error) => isServerMessageError(error)),
      'a ServerMessageError',
    );
  });

  it('reports every malformed frame and keeps the live and the connection as they were', async () => {
    const live: LiveSnapshot = snapshot('show', host, { seq: 1 });
    const hostile: unknown[] = [
      'not json',
      'null',
      '[]',
      '"welcome"',
      { type: 'reply' },
      { type: 'reply', id: 'nobody', result: { isSuccess: 'yes' } },
      { type: 'event', liveId: 'show', seq: '2', event: { type: 'member.count', memberCount: 2 } },
      { type: 'event', liveId: 'show', seq: 2, event: null },
      { type: 'event', liveId: 'show', seq: 2, event: { type: 'seats', seats: 'all of them' } },
      { type: 'event', liveId: 'show', seq: 2, event: { type: 'seats', seats: [null] } },
      {
        type: 'event',
        liveId: 'show',
        seq: 2,
        event: { type: 'member.joined', member: null, memberCount: 2 },
      },
      { type: 'event', liveId: 'show', seq: 2, event: { type: 'snapshot', snapshot: { live: null } } },
      { type: 'event', liveId: 'show', seq: 2, event: { type: 'no.such.event' } },
      { type: 'batch', liveId: 'show', events: null },
      { type: 'batch', liveId: 'show', events: [{ seq: 2, event: { type: 'member.count' } }] },
      { type: 'signal', liveId: 'show', from: null, data: 1 },
      { type: 'signal', liveId: 'show', from: 'host', data: 'offer' },
      { type: 'error', code: 'x' },
      { type: 'bye', reason: {} },
      { type: 'welcome', user: null },
      { type: 'what' },
    ];
    let sendToClient: ((frame: unknown) => void) | null = null;
    const url = await hostileServer((message, send) => {
      if (message.type !== 'cmd') return;
      sendToClient = send;
      const data =
        message.name === 'live.join' ? { kind: 'snapshot', snapshot: live } : { lives: [], nextCursor: '' };
      send({
        type: 'reply',
        id: message.id,
        result: { isSuccess: true, errorCode: 0, errorMessage: '', data },
      });
    });
    const { session: alice, errors } = session();
    assert.equal((await alice.loginStore.login({ serverUrl: url, token: 't' })).isSuccess, true);
    assert.equal((await alice.liveListStore.joinLive('show')).isSuccess, true);
    const signals: unknown[] = [];
    alice.onSignal('show', (from, data) => signals.push([from, data]));
    const seats = alice.liveSeatStore('show').seatList;
    const before = seats.get();
    for (const frame of hostile) sendToClient!(frame);
    // A valid event after them all is applied: the connection's loop survived.
    sendToClient!({ type: 'event', liveId: 'show', seq: 2, event: { type: 'member.count', memberCount: 7 } });
    const count = alice.liveAudienceStore('show').audienceCount;
    await waitFor(count, (value) => value === 7, 'the valid event');
    assert.equal(errors.length, hostile.length, 'one report per malformed frame');
    assert.ok(
      errors.every((error) => isServerMessageError(error)),
      'every report a ServerMessageError',
    );
    assert.equal(seats.get(), before, 'the seats did not change');
    assert.deepEqual(signals, []);
    assert.equal(alice.$connection.get(), 'connected');
    assert.equal((await alice.request('live.list', {})).isSuccess, true);
  });

  it('reports a throwing listener and keeps handling the messages after it', async () => {
    const live: LiveSnapshot = snapshot('show', host, { seq: 1 });
    let sendToClient: ((frame: unknown) => void) | null = null;
    const url = await hostileServer((message, send) => {
      if (message.type !== 'cmd') return;
      sendToClient = send;
      send({
        type: 'reply',
        id: message.id,
        result: {
          isSuccess: true,
          errorCode: 0,
          errorMessage: '',
          data: { kind: 'snapshot', snapshot: live },
        },
      });
    });
    const { session: alice, errors } = session();
    assert.equal((await alice.loginStore.login({ serverUrl: url, token: 't' })).isSuccess, true);
    assert.equal((await alice.liveListStore.joinLive('show')).isSuccess, true);
    const boom = new Error('listener bug');
    alice.onLiveEvent('show', () => {
      throw boom;
    });
    alice.liveAudienceStore('show').audienceCount.listen(() => {
      throw boom;
    });
    sendToClient!({ type: 'event', liveId: 'show', seq: 2, event: { type: 'member.count', memberCount: 2 } });
    sendToClient!({ type: 'event', liveId: 'show', seq: 3, event: { type: 'member.count', memberCount: 3 } });
    await waitFor(alice.liveAudienceStore('show').audienceCount, (value) => value === 3, 'both events');
    assert.ok(errors.length >= 2, `${errors.length} reports`);
    assert.ok(
      errors.every((error) => error === boom),
      'only the listener errors',
    );
    assert.equal(alice.$connection.get(), 'connected');
  });
});

/** A clock and timers the test moves by hand (the session's `scheduler`). */
class TestScheduler implements SessionScheduler {
  time = 0;
  readonly #timers = new Map<object, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, callback: () => void): object {
    const handle = {};
    this.#timers.set(handle, { at: this.time + delayMs, callback });
    return handle;
  }

  clearTimer(handle: unknown): void {
    this.#timers.delete(handle as object);
  }

  /** When the next timer is due, or `Infinity`. */
  get nextAt(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const timer of this.#timers.values()) next = Math.min(next, timer.at);
    return next;
  }

  /** Moves the clock to the next timer and fires it. */
  fireNext(): void {
    const at = this.nextAt;
    for (const [handle, timer] of this.#timers) {
      if (timer.at !== at) continue;
      this.#timers.delete(handle);
      this.time = at;
      timer.callback();
      return;
    }
  }
}

/** A scripted hub that closes every connection right after its welcome, until `holding` is set. */
class FlakyHub extends ScriptedHub {
  holding = false;

  override connect(connectingUser: UserInfo, peer: Parameters<ScriptedHub['connect']>[1]) {
    const connection = super.connect(connectingUser, peer);
    if (!this.holding) queueMicrotask(() => this.close(1011, 'closing after the welcome'));
    return connection;
  }
}

describe('reconnect backoff', () => {
  const reconnect = { baseDelayMs: 100, maxDelayMs: 1_600, jitter: 0, resetAfterMs: 10_000 };

  /** Logs in to a hub that closes after every welcome; returns the delays before each reconnect. */
  async function flaky(attempts: number) {
    const hub = new FlakyHub();
    const scheduler = new TestScheduler();
    const { session: alice } = session({ reconnect, scheduler, requestTimeoutMs: 60_000 });
    assert.equal((await alice.loginStore.login({ hub, user: me })).isSuccess, true);
    const delays: number[] = [];
    while (delays.length < attempts) {
      const connects = hub.connects;
      await until(() => alice.$connection.get() === 'reconnecting', 'reconnecting');
      delays.push(scheduler.nextAt - scheduler.time);
      scheduler.fireNext();
      await until(() => hub.connects === connects + 1, 'the next attempt');
    }
    return { hub, scheduler, alice, delays };
  }

  it('grows while the server closes after every welcome', async () => {
    const { delays } = await flaky(7);
    assert.deepEqual(delays, [100, 200, 400, 800, 1_600, 1_600, 1_600]);
  });

  it('makes a bounded number of attempts in 10 s against such a server', async () => {
    const { delays } = await flaky(12);
    let elapsed = 0;
    let within10s = 0;
    for (const delay of delays) {
      elapsed += delay;
      if (elapsed <= 10_000) within10s++;
    }
    // 100 + 200 + 400 + 800 + 1,600 × 5 = 9,500 ms: 9 attempts, not one every 100 ms.
    assert.equal(within10s, 9);
  });

  it('starts over from the base delay once a connection held for resetAfterMs', async () => {
    const { hub, scheduler, alice, delays } = await flaky(3);
    assert.deepEqual(delays, [100, 200, 400]);
    // This connection holds: 10 s pass while connected, then the server closes it.
    await until(() => alice.$connection.get() === 'reconnecting', 'reconnecting');
    hub.holding = true;
    scheduler.fireNext();
    await until(() => alice.$connection.get() === 'connected', 'connected');
    scheduler.time += 10_000;
    hub.holding = false;
    hub.close(1011, 'later');
    await until(() => alice.$connection.get() === 'reconnecting', 'reconnecting again');
    assert.equal(scheduler.nextAt - scheduler.time, 100);
  });
});
