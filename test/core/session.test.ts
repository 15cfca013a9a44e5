import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import {
  CloseCode,
  createSession,
  ErrorCode,
  LoginStore,
  setDefaultSession,
  type Session,
  type SessionOptions,
} from '../../src/core/index.js';
import type { LiveSnapshot, UserInfo } from '../../src/protocol/types.js';
import { Recorder, ScriptedHub, snapshot, user, waitFor } from './helpers.js';

const host = user('host');
const alice = user('alice');

const sessions: Session[] = [];

function session(options: SessionOptions = {}): Session {
  const created = createSession({
    requestTimeoutMs: 2000,
    reconnect: { baseDelayMs: 1, maxDelayMs: 5, jitter: 0 },
    ...options,
  });
  sessions.push(created);
  return created;
}

afterEach(() => {
  for (const item of sessions.splice(0)) item.dispose();
});

async function loggedIn(
  hub: ScriptedHub,
  me: UserInfo = alice,
  options: SessionOptions = {},
): Promise<Session> {
  const created = session(options);
  const result = await created.loginStore.login({ hub, user: me });
  assert.equal(result.isSuccess, true);
  return created;
}

async function joined(
  hub: ScriptedHub,
  me: UserInfo = alice,
  snap: LiveSnapshot = snapshot('live', host, { seq: 3 }),
) {
  const created = await loggedIn(hub, me);
  const joining = created.liveListStore.joinLive('live');
  const command = await hub.command('live.join');
  assert.deepEqual(command.args, { liveId: 'live' });
  hub.ok(command.id, { kind: 'snapshot', snapshot: snap });
  const result = await joining;
  assert.equal(result.isSuccess, true);
  return created;
}

/** Resolves with `'now'` when `promise` is already settled after one macrotask, else `'pending'`. */
async function settledAtOnce(promise: Promise<unknown>): Promise<'now' | 'pending'> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled ? 'now' : 'pending';
}

describe('Session', () => {
  describe('before login', () => {
    it('refuses every action with NOT_LOGGED_IN', async () => {
      const created = session();
      const coGuest = created.coGuestStore('live');
      const seats = created.liveSeatStore('live');
      const results = await Promise.all([
        created.request('live.list', {}),
        created.liveListStore.createLive({ liveId: 'live' }),
        created.liveListStore.joinLive('live'),
        created.liveListStore.leaveLive(),
        created.liveListStore.endLive(),
        created.liveListStore.fetchLiveList(),
        coGuest.applyForSeat(),
        coGuest.cancelApplication(),
        coGuest.disconnect(),
        coGuest.acceptInvitation('host'),
        coGuest.rejectInvitation('host'),
        coGuest.acceptApplication('alice'),
        coGuest.rejectApplication('alice'),
        coGuest.inviteToSeat({ inviteeId: 'alice' }),
        coGuest.cancelInvitation('alice'),
        seats.takeSeat(1),
        seats.leaveSeat(),
        seats.lockSeat(1),
        seats.kickUserOutOfSeat('alice'),
        seats.moveUserToSeat('alice', 2),
        seats.openRemoteMicrophone('alice'),
        seats.closeRemoteCamera('alice', { forbid: true }),
        seats.muteMicrophone(),
        created.liveAudienceStore('live').setAdministrator('alice'),
      ]);
      for (const result of results) {
        assert.equal(result.isSuccess, false);
        assert.equal(result.errorCode, ErrorCode.NOT_LOGGED_IN);
      }
      assert.equal(created.$connection.get(), 'idle');
      assert.equal(created.loginStore.loginStatus.get(), 'loggedOut');
    });
  });

  describe('login', () => {
    it('logs in through a hub and reports the user', async () => {
      const hub = new ScriptedHub();
      const created = session();
      const statuses: string[] = [];
      created.loginStore.loginStatus.subscribe((status) => statuses.push(status));
      const result = await created.loginStore.login({ hub, user: alice });
      assert.deepEqual(result, { isSuccess: true, errorCode: 0, errorMessage: '', data: alice });
      assert.deepEqual(statuses, ['loggedOut', 'loggingIn', 'loggedIn']);
      assert.deepEqual(created.loginStore.loginUserInfo.get(), alice);
      assert.equal(created.$connection.get(), 'connected');
      assert.ok(Math.abs(created.serverNow() - Date.now()) < 1000);
    });

    it('fails with SERVER_TIMEOUT when no welcome comes', async () => {
      const hub = new ScriptedHub();
      hub.welcome = false;
      const created = session({ requestTimeoutMs: 30 });
      const result = await created.loginStore.login({ hub, user: alice });
      assert.equal(result.errorCode, ErrorCode.SERVER_TIMEOUT);
      assert.equal(created.loginStore.loginStatus.get(), 'loggedOut');
      assert.equal(created.$connection.get(), 'idle');
      assert.equal(hub.disconnects, 1, 'the transport is closed');
    });

    for (const [code, errorCode] of [
      [CloseCode.UNAUTHORIZED, ErrorCode.NOT_LOGGED_IN],
      [CloseCode.TOKEN_EXPIRED, ErrorCode.NOT_LOGGED_IN],
      [CloseCode.UNSUPPORTED_PROTOCOL, ErrorCode.SERVER_ERROR],
      [CloseCode.INTERNAL, ErrorCode.DISCONNECTED],
    ] as const) {
      it(`fails with ${errorCode} on close ${code} during the handshake, without retrying`, async () => {
        const hub = new ScriptedHub();
        hub.welcome = false;
        const created = session();
        const login = created.loginStore.login({ hub, user: alice });
        hub.close(code, 'refused by test');
        const result = await login;
        assert.equal(result.isSuccess, false);
        assert.equal(result.errorCode, errorCode);
        assert.match(result.isSuccess ? '' : result.errorMessage, /refused by test/);
        assert.deepEqual(created.$connectionError.get(), { code, reason: 'refused by test' });
        assert.equal(created.loginStore.loginStatus.get(), 'loggedOut');
        assert.equal(created.$connection.get(), 'idle');
        assert.equal(hub.connects, 1);
      });
    }

    it('needs a WebSocket implementation for a server URL (Node 20 has none)', async () => {
      const created = session();
      const result = await created.loginStore.login({ serverUrl: 'ws://127.0.0.1:9/ws', token: 't' });
      if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') {
        assert.equal(result.errorCode, ErrorCode.INVALID_ARGUMENT);
        const message = result.isSuccess ? '' : result.errorMessage;
        assert.match(message, /createSession\(\{ WebSocket \}\)/, 'names the fix');
        assert.match(message, /setDefaultSession\(/, 'names the fix for LoginStore.shared');
      } else {
        assert.equal(result.errorCode, ErrorCode.DISCONNECTED);
      }
    });

    it("names the fix when LoginStore.shared is used in Node without a WebSocket (the seed's way)", async () => {
      if (typeof (globalThis as { WebSocket?: unknown }).WebSocket !== 'undefined') return;
      setDefaultSession(null);
      try {
        const result = await LoginStore.shared.login({ serverUrl: 'ws://127.0.0.1:9/ws', token: 't' });
        assert.equal(result.errorCode, ErrorCode.INVALID_ARGUMENT);
        assert.match(
          result.isSuccess ? '' : result.errorMessage,
          /setDefaultSession\(createSession\(\{ WebSocket \}\)\)/,
        );
      } finally {
        setDefaultSession(null);
      }
    });

    it('fails with DISCONNECTED when the server cannot be reached', async () => {
      const created = session({ WebSocket });
      const result = await created.loginStore.login({ serverUrl: 'http://127.0.0.1:9/ws', token: 't' });
      assert.equal(result.errorCode, ErrorCode.DISCONNECTED);
      assert.equal(created.loginStore.loginStatus.get(), 'loggedOut');
    });

    it('refuses a second login while one is in progress, and a login after dispose', async () => {
      const hub = new ScriptedHub();
      hub.welcome = false;
      const created = session({ requestTimeoutMs: 50 });
      const first = created.loginStore.login({ hub, user: alice });
      const second = await created.loginStore.login({ hub, user: alice });
      assert.equal(second.errorCode, ErrorCode.REPEAT_OPERATION);
      created.dispose();
      assert.equal((await first).errorCode, ErrorCode.DISCONNECTED, 'dispose ends the pending login at once');
      assert.equal((await created.loginStore.login({ hub, user: alice })).errorCode, ErrorCode.NOT_LOGGED_IN);
    });

    it('logs out first when logging in again', async () => {
      const hub = new ScriptedHub();
      const created = await joined(hub);
      const again = created.loginStore.login({ hub, user: host });
      const leave = await hub.command('live.leave');
      hub.ok(leave.id);
      const result = await again;
      assert.equal(result.isSuccess, true);
      assert.deepEqual(created.loginStore.loginUserInfo.get(), host);
      assert.equal(created.liveListStore.currentLive.get(), null);
    });
  });

  describe('requests', () => {
    it('gives every command a unique id and resolves it with its one reply', async () => {
      const hub = new ScriptedHub();
      const created = await loggedIn(hub);
      const first = created.request('live.list', {});
      const second = created.request('live.list', {});
      const [a, b] = [await hub.command('live.list', 1), await hub.command('live.list', 2)];
      assert.notEqual(a.id, b.id);
      hub.ok(b.id, { lives: [], nextCursor: '' });
      hub.reply(a.id, { isSuccess: false, errorCode: ErrorCode.RATE_LIMITED, errorMessage: 'slow down' });
      hub.ok(a.id, { lives: [], nextCursor: '' });
      assert.deepEqual(await second, {
        isSuccess: true,
        errorCode: 0,
        errorMessage: '',
        data: { lives: [], nextCursor: '' },
      });
      assert.deepEqual(await first, {
        isSuccess: false,
        errorCode: ErrorCode.RATE_LIMITED,
        errorMessage: 'slow down',
      });
    });

    it('ids differ between sessions of the same user (the hub caches replies per user)', async () => {
      const hub = new ScriptedHub();
      const one = await loggedIn(hub);
      void one.request('live.list', {});
      const two = await loggedIn(hub);
      void two.request('live.list', {});
      const [a, b] = [await hub.command('live.list', 1), await hub.command('live.list', 2)];
      assert.notEqual(a.id, b.id);
    });

    it('resolves with SERVER_TIMEOUT when no reply comes in time', async () => {
      const hub = new ScriptedHub();
      const created = await loggedIn(hub, alice, { requestTimeoutMs: 40 });
      const result = await created.request('live.list', {});
      assert.equal(result.errorCode, ErrorCode.SERVER_TIMEOUT);
      const late = (await hub.command('live.list')).id;
      hub.ok(late, { lives: [], nextCursor: '' });
      assert.equal(created.$connection.get(), 'connected', 'a late reply is ignored');
    });

    it('resolves requests in flight with DISCONNECTED when the transport closes, and refuses new ones at once', async () => {
      const hub = new ScriptedHub();
      const created = await loggedIn(hub, alice, { requestTimeoutMs: 60_000, reconnect: false });
      const inFlight = created.request('live.list', {});
      await hub.command('live.list');
      hub.close(1006, 'network down');
      assert.equal((await inFlight).errorCode, ErrorCode.DISCONNECTED);
      assert.equal(created.$connection.get(), 'offline');
      const late = created.coGuestStore('live').applyForSeat();
      assert.equal(await settledAtOnce(late), 'now');
      assert.equal((await late).errorCode, ErrorCode.DISCONNECTED);
    });

    it('refuses commands for a live the session has not joined with NOT_IN_LIVE', async () => {
      const hub = new ScriptedHub();
      const created = await loggedIn(hub);
      const result = await created.coGuestStore('other').applyForSeat();
      assert.equal(result.errorCode, ErrorCode.NOT_IN_LIVE);
      assert.equal((await created.liveListStore.leaveLive()).errorCode, ErrorCode.NOT_IN_LIVE);
      assert.equal((await created.liveListStore.endLive()).errorCode, ErrorCode.NOT_IN_LIVE);
      assert.equal(hub.commands.length, 0);
    });

    it('sends store actions with their defaults', async () => {
      const hub = new ScriptedHub();
      const created = await joined(hub);
      const coGuest = created.coGuestStore('live');
      void coGuest.applyForSeat();
      void coGuest.inviteToSeat({ inviteeId: 'bob', extraInfo: null });
      void created.liveSeatStore('live').moveUserToSeat('bob', 2);
      assert.deepEqual((await hub.command('guest.apply')).args, {
        liveId: 'live',
        seatIndex: -1,
        timeout: 30,
        extraInfo: '',
      });
      assert.deepEqual((await hub.command('guest.invite')).args, {
        liveId: 'live',
        inviteeId: 'bob',
        seatIndex: -1,
        timeout: 30,
        extraInfo: '',
      });
      assert.deepEqual((await hub.command('seat.move')).args, {
        liveId: 'live',
        userId: 'bob',
        targetIndex: 2,
        policy: 'abortWhenOccupied',
      });
    });
  });

  describe('lives', () => {
    it('creates a live and enters it; events held during the create apply after it', async () => {
      const hub = new ScriptedHub();
      const created = await loggedIn(hub, host);
      const creating = created.liveListStore.createLive({ liveId: 'live', maxSeatCount: 4 });
      const command = await hub.command('live.create');
      assert.deepEqual(command.args, { liveId: 'live', maxSeatCount: 4 });
      hub.event('live', 2, { type: 'member.count', memberCount: 2 });
      hub.ok(command.id, snapshot('live', host, { seq: 1 }));
      const result = await creating;
      assert.equal(result.isSuccess, true);
      assert.equal(created.liveListStore.currentLive.get()?.liveId, 'live');
      assert.equal(created.liveAudienceStore('live').audienceCount.get(), 2);
    });

    it('leaves the current live before joining another', async () => {
      const hub = new ScriptedHub();
      const created = await joined(hub);
      const joining = created.liveListStore.joinLive('other');
      hub.ok((await hub.command('live.leave')).id);
      hub.ok((await hub.command('live.join', 2)).id, { kind: 'snapshot', snapshot: snapshot('other', host) });
      assert.equal((await joining).isSuccess, true);
      assert.equal(created.liveListStore.currentLive.get()?.liveId, 'other');
      assert.equal(created.liveSeatStore('live').seatList.get().length, 0, 'the left live is forgotten');
    });

    it('fetches the live list', async () => {
      const hub = new ScriptedHub();
      const created = await loggedIn(hub);
      const fetching = created.liveListStore.fetchLiveList();
      const { live } = snapshot('live', host);
      const lives = [
        {
          liveId: live.liveId,
          liveName: live.liveName,
          owner: live.owner,
          seatMode: live.seatMode,
          maxSeatCount: live.maxSeatCount,
          seatedCount: 1,
          memberCount: 3,
          createdAt: live.createdAt,
        },
      ];
      hub.ok((await hub.command('live.list')).id, { lives, nextCursor: '' });
      assert.deepEqual(await fetching, {
        isSuccess: true,
        errorCode: 0,
        errorMessage: '',
        data: { lives, nextCursor: '' },
      });
      assert.deepEqual(created.liveListStore.liveList.get(), lives);
    });

    it('reports the end of a live once, whether the event or the reply comes first', async () => {
      const hub = new ScriptedHub();
      const created = await joined(hub, host);
      const recorder = new Recorder();
      created.liveListStore.addLiveListListener(recorder.listener);
      const ending = created.liveListStore.endLive();
      const command = await hub.command('live.end');
      hub.event('live', 4, { type: 'live.ended', reason: 'endedByHost' });
      hub.ok(command.id);
      assert.equal((await ending).isSuccess, true);
      assert.deepEqual(recorder.calls, [{ name: 'onLiveEnded', args: ['live', 'endedByHost'] }]);
      assert.equal(created.liveListStore.currentLive.get(), null);
    });
  });

  describe('reconnect', () => {
    it('reconnects after an unexpected close and resumes from the last seq', async () => {
      const hub = new ScriptedHub();
      const created = await joined(hub, host, snapshot('live', host, { seq: 3, memberCount: 1 }));
      const recorder = new Recorder();
      created.coGuestStore('live').addHostListener(recorder.listener);
      hub.event('live', 4, { type: 'member.count', memberCount: 2 });
      await waitFor(created.liveAudienceStore('live').audienceCount, (count) => count === 2);
      hub.close(1006, 'network down');
      assert.equal(created.$connection.get(), 'connected', 'the close is delivered asynchronously');
      await waitFor(created.$connection, (status) => status === 'reconnecting');
      assert.deepEqual(created.$connectionError.get(), { code: 1006, reason: 'network down' });
      const rejoin = await hub.command('live.join', 2);
      assert.equal(created.$connection.get(), 'connected');
      assert.deepEqual(rejoin.args, { liveId: 'live', sinceSeq: 4 });
      const application = {
        requestId: 'app-1',
        user: alice,
        seatIndex: -1,
        extraInfo: '',
        createdAt: 1,
        deadline: null,
      };
      hub.ok(rejoin.id, {
        kind: 'replay',
        events: [
          { type: 'event', liveId: 'live', seq: 5, event: { type: 'member.count', memberCount: 3 } },
          { type: 'event', liveId: 'live', seq: 6, event: { type: 'application.received', application } },
        ],
        seq: 6,
      });
      await waitFor(created.coGuestStore('live').coGuestState.applicants, (list) => list.length === 1);
      assert.equal(created.liveAudienceStore('live').audienceCount.get(), 3);
      assert.deepEqual(recorder.calls, [{ name: 'onApplicationReceived', args: [alice] }]);
      assert.equal(hub.connects, 2);
    });

    it('keeps reconnecting after a shutdown bye', async () => {
      const hub = new ScriptedHub();
      const created = await loggedIn(hub);
      hub.send({ type: 'bye', reason: 'shutdown', message: 'restart' });
      hub.close(CloseCode.GOING_AWAY, 'server shutting down');
      await waitFor(created.$connection, (status) => status === 'reconnecting');
      await waitFor(created.$connection, (status) => status === 'connected');
      assert.equal(hub.connects, 2);
    });

    it('retries with backoff while the server refuses, then gets through', async () => {
      const hub = new ScriptedHub();
      const created = await loggedIn(hub);
      hub.refuseNext = 3;
      hub.close(1006);
      await waitFor(created.$connection, (status) => status === 'reconnecting');
      await waitFor(created.$connection, (status) => status === 'connected');
      assert.equal(hub.connects, 5);
      assert.deepEqual(created.$connectionError.get(), { code: 1011, reason: 'refused by the scripted hub' });
    });

    for (const [label, bye, code, event] of [
      ['replaced', 'replaced', CloseCode.REPLACED, 'onKickedOffline'],
      ['token expired', 'tokenExpired', CloseCode.TOKEN_EXPIRED, 'onLoginExpired'],
    ] as const) {
      it(`goes offline without reconnecting when ${label}`, async () => {
        const hub = new ScriptedHub();
        const created = await loggedIn(hub);
        const recorder = new Recorder();
        created.loginStore.addLoginListener(recorder.listener);
        hub.send({ type: 'bye', reason: bye, message: label });
        hub.close(code, label);
        await waitFor(created.$connection, (status) => status === 'offline');
        assert.deepEqual(recorder.names(), [event]);
        assert.equal(created.loginStore.loginStatus.get(), 'loggedIn');
        assert.equal((await created.request('live.list', {})).errorCode, ErrorCode.DISCONNECTED);
        assert.equal(hub.connects, 1);
      });
    }

    it('resumes the lives when the same user logs in again after going offline', async () => {
      const hub = new ScriptedHub();
      const created = await joined(hub, alice, snapshot('live', host, { seq: 7 }));
      hub.send({ type: 'bye', reason: 'tokenExpired', message: 'expired' });
      hub.close(CloseCode.TOKEN_EXPIRED, 'token expired');
      await waitFor(created.$connection, (status) => status === 'offline');
      assert.equal(created.liveListStore.currentLive.get()?.liveId, 'live', 'the live is kept while offline');
      const again = await created.loginStore.login({ hub, user: alice });
      assert.equal(again.isSuccess, true);
      const rejoin = await hub.command('live.join', 2);
      assert.deepEqual(rejoin.args, { liveId: 'live', sinceSeq: 7 });
      hub.ok(rejoin.id, { kind: 'replay', events: [], seq: 7 });
      assert.equal(created.liveListStore.currentLive.get()?.liveId, 'live');
      const other = created.loginStore.login({ hub, user: host });
      hub.ok((await hub.command('live.leave')).id);
      assert.equal((await other).isSuccess, true);
      assert.equal(created.liveListStore.currentLive.get(), null, 'another user starts afresh');
    });

    it('reports a live that vanished while away as ended', async () => {
      const hub = new ScriptedHub();
      const created = await joined(hub);
      const recorder = new Recorder();
      created.liveListStore.addLiveListListener(recorder.listener);
      hub.close(1006);
      const rejoin = await hub.command('live.join', 2);
      hub.reply(rejoin.id, { isSuccess: false, errorCode: ErrorCode.LIVE_NOT_FOUND, errorMessage: 'gone' });
      const call = await recorder.waitFor('onLiveEnded');
      assert.deepEqual(call.args, ['live', 'endedByServer']);
      assert.equal(created.liveListStore.currentLive.get(), null);
      assert.equal((await created.coGuestStore('live').applyForSeat()).errorCode, ErrorCode.NOT_IN_LIVE);
    });
  });

  describe('logout and dispose', () => {
    it('logout leaves the lives, clears the stores and resolves requests in flight', async () => {
      const hub = new ScriptedHub();
      const created = await joined(hub);
      const inFlight = created.request('live.list', {});
      const out = created.loginStore.logout();
      hub.ok((await hub.command('live.leave')).id);
      assert.deepEqual(await out, { isSuccess: true, errorCode: 0, errorMessage: '', data: undefined });
      assert.equal((await inFlight).errorCode, ErrorCode.DISCONNECTED);
      assert.equal(created.loginStore.loginStatus.get(), 'loggedOut');
      assert.equal(created.loginStore.loginUserInfo.get(), null);
      assert.equal(created.liveListStore.currentLive.get(), null);
      assert.equal(created.liveSeatStore('live').seatList.get().length, 0);
      assert.equal(created.$connection.get(), 'idle');
      assert.equal(hub.disconnects, 1);
    });

    it('dispose stops a pending reconnect', async () => {
      const hub = new ScriptedHub();
      const created = await loggedIn(hub, alice, { reconnect: { baseDelayMs: 60_000 } });
      hub.close(1006);
      await waitFor(created.$connection, (status) => status === 'reconnecting');
      created.dispose();
      assert.equal(created.$connection.get(), 'idle');
    });
  });
});
