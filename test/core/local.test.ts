import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createSession, ErrorCode, type Session, type UserInfo } from '../../src/core/index.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { createLocalHub, type LocalHub } from '../../src/local/index.js';
import { Recorder, waitFor } from './helpers.js';

const host: UserInfo = { userId: 'host', userName: 'Host', avatarUrl: '' };
const alice: UserInfo = { userId: 'alice', userName: 'Alice', avatarUrl: '' };

const sessions: Session[] = [];
const hubs: LocalHub[] = [];

afterEach(() => {
  for (const session of sessions.splice(0)) session.dispose();
  for (const hub of hubs.splice(0)) hub.shutdown();
});

function localHub(): LocalHub {
  const hub = createLocalHub({ scheduler: new ManualScheduler() });
  hubs.push(hub);
  return hub;
}

async function login(hub: LocalHub, user: UserInfo): Promise<Session> {
  const session = createSession({ reconnect: { baseDelayMs: 1, maxDelayMs: 10, jitter: 0 } });
  sessions.push(session);
  const result = await session.loginStore.login({ hub, user });
  assert.equal(result.isSuccess, true);
  return session;
}

describe('local mode', () => {
  it('runs apply → accept in the page, through the same JSON', async () => {
    const hub = localHub();
    const hostSession = await login(hub, host);
    const aliceSession = await login(hub, alice);
    assert.equal(hub.connectionCount, 2);
    assert.equal(
      (await hostSession.liveListStore.createLive({ liveId: 'room', maxSeatCount: 3 })).isSuccess,
      true,
    );
    assert.equal((await aliceSession.liveListStore.joinLive('room')).isSuccess, true);
    const hostEvents = new Recorder();
    const aliceEvents = new Recorder();
    hostSession.coGuestStore('room').addHostListener(hostEvents.listener);
    aliceSession.coGuestStore('room').addGuestListener(aliceEvents.listener);
    assert.equal((await aliceSession.coGuestStore('room').applyForSeat()).isSuccess, true);
    await hostEvents.waitFor('onApplicationReceived');
    assert.equal((await hostSession.coGuestStore('room').acceptApplication('alice')).isSuccess, true);
    assert.deepEqual((await aliceEvents.waitFor('onApplicationAccepted')).args, [host]);
    assert.equal(aliceSession.coGuestStore('room').coGuestState.selfStatus.get(), 'connected');
    const invalid = await aliceSession.request('guest.apply', {
      liveId: 'room',
      extraInfo: 'x'.repeat(1000),
    });
    assert.equal(invalid.errorCode, ErrorCode.INVALID_ARGUMENT, 'the hub validates as the server does');
  });

  it('reconnects after a dropped connection and resumes', async () => {
    const hub = localHub();
    const hostSession = await login(hub, host);
    const aliceSession = await login(hub, alice);
    await hostSession.liveListStore.createLive({ liveId: 'room' });
    await aliceSession.liveListStore.joinLive('room');
    assert.equal(hub.dropConnections('alice'), 1);
    await waitFor(aliceSession.$connection, (status) => status === 'reconnecting');
    await waitFor(aliceSession.$connection, (status) => status === 'connected');
    assert.equal((await aliceSession.coGuestStore('room').applyForSeat()).isSuccess, true);
    await waitFor(hostSession.coGuestStore('room').coGuestState.applicants, (list) => list.length === 1);
  });

  it('a second login of the same user replaces the first', async () => {
    const hub = localHub();
    const first = await login(hub, alice);
    const events = new Recorder();
    first.loginStore.addLoginListener(events.listener);
    await login(hub, alice);
    await events.waitFor('onKickedOffline');
    assert.equal(first.$connection.get(), 'offline');
    assert.equal(first.$connectionError.get()?.code, 4005);
  });

  it('keeps reconnecting after the hub shuts down', async () => {
    const hub = localHub();
    const session = await login(hub, alice);
    hub.shutdown();
    await waitFor(session.$connection, (status) => status === 'reconnecting');
    assert.equal(session.$connectionError.get()?.code, 1001);
  });
});
