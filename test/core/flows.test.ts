/**
 * The seed's guest-connection flows end to end: sessions of the client core with `ws`'s WebSocket,
 * against a real server on 127.0.0.1 whose rooms run on a manual clock.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import {
  createSession,
  ErrorCode,
  type Result,
  type Session,
  type SessionOptions,
  type UserInfo,
  type WebSocketConstructor,
} from '../../src/core/index.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import { createServer, createToken, type ServerHandle, type ServerOptions } from '../../src/server/index.js';
import { Recorder, waitFor } from './helpers.js';

const SECRET = 'flows-test-secret';

/** A WebSocket class whose sockets the test can cut (like a network failure) and let through again. */
function cuttableNetwork() {
  const sockets = new Set<WebSocket>();
  /** Every text frame received, in order (to tell a replay from a snapshot). */
  const received: string[] = [];
  let blocked = false;
  class CuttableWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      sockets.add(this);
      this.on('message', (data: Buffer) => received.push(data.toString('utf8')));
      this.once('close', () => sockets.delete(this));
      // While the network is down, every new socket fails before it connects.
      if (blocked) this.terminate();
    }
  }
  return {
    WebSocket: CuttableWebSocket as unknown as WebSocketConstructor,
    received,
    /** Drops every open socket abruptly and refuses new ones. */
    cut(): void {
      blocked = true;
      for (const socket of sockets) socket.terminate();
    },
    restore(): void {
      blocked = false;
    },
  };
}

interface Person {
  readonly user: UserInfo;
  readonly session: Session;
  readonly guest: Recorder;
  readonly host: Recorder;
  readonly lives: Recorder;
  readonly network: ReturnType<typeof cuttableNetwork>;
}

let world: World | null = null;

class World {
  readonly scheduler: ManualScheduler;
  readonly server: ServerHandle;
  readonly people: Person[] = [];
  readonly liveId = `live-${Math.random().toString(36).slice(2, 8)}`;

  private constructor(server: ServerHandle, scheduler: ManualScheduler) {
    this.server = server;
    this.scheduler = scheduler;
  }

  static async create(options: Partial<ServerOptions> = {}): Promise<World> {
    const scheduler = new ManualScheduler();
    const server = await createServer({
      port: 0,
      host: '127.0.0.1',
      secret: SECRET,
      scheduler,
      messagesPerSecond: 1000,
      ...options,
    });
    const created = new World(server, scheduler);
    world = created;
    return created;
  }

  /** A logged-in session for `userId`, with recorders on its guest, host and live-list listeners. */
  async person(userId: string, options: SessionOptions = {}): Promise<Person> {
    const user: UserInfo = { userId, userName: `Name ${userId}`, avatarUrl: '' };
    const network = cuttableNetwork();
    const session = createSession({
      WebSocket: network.WebSocket,
      requestTimeoutMs: 5000,
      reconnect: { baseDelayMs: 10, maxDelayMs: 100, jitter: 0.5 },
      ...options,
    });
    const token = await createToken({ secret: SECRET, userId, userName: user.userName });
    const login = await session.loginStore.login({ serverUrl: this.server.url, token });
    assert.deepEqual(login, { isSuccess: true, errorCode: 0, errorMessage: '', data: user });
    const person: Person = {
      user,
      session,
      guest: new Recorder(),
      host: new Recorder(),
      lives: new Recorder(),
      network,
    };
    const coGuest = session.coGuestStore(this.liveId);
    coGuest.addGuestListener(person.guest.listener);
    coGuest.addHostListener(person.host.listener);
    session.liveListStore.addLiveListListener(person.lives.listener);
    this.people.push(person);
    return person;
  }

  /** The host creates the live (apply mode, host on seat 0); the others join it. */
  async live(
    hostId: string,
    audienceIds: string[],
    settings: { maxSeatCount?: number } = {},
  ): Promise<{ host: Person; audience: Person[] }> {
    const host = await this.person(hostId);
    ok(
      await host.session.liveListStore.createLive({
        liveId: this.liveId,
        maxSeatCount: settings.maxSeatCount ?? 4,
      }),
    );
    const audience: Person[] = [];
    for (const id of audienceIds) {
      const person = await this.person(id);
      ok(await person.session.liveListStore.joinLive(this.liveId));
      audience.push(person);
    }
    const count = 1 + audienceIds.length;
    await waitFor(
      host.session.liveAudienceStore(this.liveId).audienceCount,
      (value) => value === count,
      'member count',
    );
    return { host, audience };
  }

  async close(): Promise<void> {
    for (const person of this.people) person.session.dispose();
    await this.server.close();
  }
}

afterEach(async () => {
  await world?.close();
  world = null;
});

function ok<T>(result: Result<T>): T {
  assert.equal(result.isSuccess, true, result.isSuccess ? '' : `${result.errorCode}: ${result.errorMessage}`);
  return (result as { data: T }).data;
}

function failsWith(result: Result<unknown>, code: number): void {
  assert.equal(result.isSuccess, false, `expected error ${code}, got success`);
  assert.equal(result.errorCode, code, result.isSuccess ? '' : result.errorMessage);
}

function coGuest(person: Person, liveId = world!.liveId) {
  return person.session.coGuestStore(liveId);
}

function state(person: Person) {
  return coGuest(person).coGuestState;
}

function seatUserIds(person: Person): (string | null)[] {
  return person.session
    .liveSeatStore(world!.liveId)
    .seatList.get()
    .map((seat) => seat.userInfo?.userId ?? null);
}

/** Resolves with `'now'` when `promise` settled within one turn of the event loop. */
async function settledAtOnce(promise: Promise<unknown>): Promise<'now' | 'pending'> {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled ? 'now' : 'pending';
}

/** How many `live.join` replies of `kind` the person's sockets received. */
function replies(person: Person, kind: 'replay' | 'snapshot'): number {
  return person.network.received.filter((text) => {
    const message = JSON.parse(text) as { type: string; result?: { data?: { kind?: string } } };
    return message.type === 'reply' && message.result?.data?.kind === kind;
  }).length;
}

/** Everything a session's stores say about the live, for comparing two views. */
function view(person: Person) {
  const liveId = world!.liveId;
  const { session } = person;
  const guest = session.coGuestStore(liveId).coGuestState;
  const audience = session.liveAudienceStore(liveId);
  return {
    currentLive: session.liveListStore.currentLive.get(),
    seatList: session.liveSeatStore(liveId).seatList.get(),
    applicants: guest.applicants.get(),
    invitees: guest.invitees.get(),
    connected: guest.connected.get(),
    candidates: guest.candidates.get(),
    selfStatus: guest.selfStatus.get(),
    selfApplication: guest.selfApplication.get(),
    selfInvitation: guest.selfInvitation.get(),
    audienceList: audience.audienceList.get(),
    audienceCount: audience.audienceCount.get(),
  };
}

describe('guest connection flows against a real server', () => {
  it('apply → accept → seated → disconnect', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host1', ['alice1', 'bob1']);
    const [alice, bob] = audience as [Person, Person];

    const applied = ok(await coGuest(alice).applyForSeat({ seatIndex: -1, timeout: 30, extraInfo: 'hello' }));
    assert.match(applied.requestId, /.+/);
    assert.equal(state(alice).selfStatus.get(), 'applying');
    assert.equal(state(alice).selfApplication.get()?.deadline, w.scheduler.now() + 30_000);

    const received = await host.host.waitFor('onApplicationReceived');
    assert.deepEqual(received.args, [alice.user]);
    const applicants = state(host).applicants.get();
    assert.deepEqual(
      applicants.map(({ userId, requestId, seatIndex, extraInfo }) => ({
        userId,
        requestId,
        seatIndex,
        extraInfo,
      })),
      [{ userId: 'alice1', requestId: applied.requestId, seatIndex: -1, extraInfo: 'hello' }],
    );
    assert.deepEqual(state(bob).applicants.get(), [], "the audience does not see others' applications");

    ok(await coGuest(host).acceptApplication('alice1'));
    assert.deepEqual(state(host).applicants.get(), []);
    assert.deepEqual((await alice.guest.waitFor('onApplicationAccepted')).args, [host.user]);
    assert.equal(state(alice).selfStatus.get(), 'connected');
    assert.deepEqual(seatUserIds(alice), ['host1', 'alice1', null, null]);
    await waitFor(
      state(bob).connected,
      (list) => list.some((item) => item.userId === 'alice1'),
      'bob sees alice seated',
    );
    assert.deepEqual(seatUserIds(host), ['host1', 'alice1', null, null]);
    assert.deepEqual(
      state(host)
        .connected.get()
        .map((item) => item.userId),
      ['host1', 'alice1'],
    );
    assert.deepEqual(
      state(host)
        .candidates.get()
        .map((item) => item.userId),
      ['bob1'],
    );

    ok(await coGuest(alice).disconnect());
    assert.equal(state(alice).selfStatus.get(), 'idle');
    await waitFor(state(host).connected, (list) => list.length === 1, 'host sees the seat freed');
    await waitFor(state(bob).connected, (list) => list.length === 1, 'bob sees the seat freed');
    assert.deepEqual(alice.guest.names(), ['onApplicationAccepted']);
    assert.deepEqual(host.host.names(), ['onApplicationReceived']);
    assert.deepEqual(bob.guest.names(), []);
  });

  it('apply → reject', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host2', ['alice2']);
    const [alice] = audience as [Person];
    ok(await coGuest(alice).applyForSeat());
    await host.host.waitFor('onApplicationReceived');
    ok(await coGuest(host).rejectApplication('alice2'));
    assert.deepEqual((await alice.guest.waitFor('onApplicationRejected')).args, [host.user]);
    assert.equal(state(alice).selfStatus.get(), 'idle');
    assert.equal(state(alice).selfApplication.get(), null);
    assert.deepEqual(state(host).applicants.get(), []);
    assert.deepEqual(seatUserIds(alice), ['host2', null, null, null]);
    assert.deepEqual(host.host.names(), ['onApplicationReceived']);
  });

  it('apply → cancel', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host3', ['alice3']);
    const [alice] = audience as [Person];
    ok(await coGuest(alice).applyForSeat());
    await host.host.waitFor('onApplicationReceived');
    ok(await coGuest(alice).cancelApplication());
    assert.equal(state(alice).selfStatus.get(), 'idle');
    assert.deepEqual((await host.host.waitFor('onApplicationCancelled')).args, [alice.user]);
    assert.deepEqual(state(host).applicants.get(), []);
    failsWith(await coGuest(host).acceptApplication('alice3'), ErrorCode.REQUEST_NOT_FOUND);
    assert.deepEqual(alice.guest.names(), []);
  });

  it('apply → timeout', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host4', ['alice4']);
    const [alice] = audience as [Person];
    ok(await coGuest(alice).applyForSeat({ timeout: 5 }));
    await host.host.waitFor('onApplicationReceived');
    w.scheduler.advance(4_999);
    w.scheduler.advance(1);
    await alice.guest.waitFor('onApplicationTimeout');
    assert.deepEqual((await host.host.waitFor('onApplicationTimeout')).args, [alice.user]);
    assert.equal(state(alice).selfStatus.get(), 'idle');
    await waitFor(state(host).applicants, (list) => list.length === 0);
    failsWith(await coGuest(host).acceptApplication('alice4'), ErrorCode.REQUEST_NOT_FOUND);
  });

  it('invite → accept', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host5', ['alice5', 'bob5']);
    const [alice, bob] = audience as [Person, Person];
    ok(await coGuest(host).inviteToSeat({ inviteeId: 'bob5', seatIndex: 2, timeout: 30 }));
    assert.deepEqual(
      state(host)
        .invitees.get()
        .map((item) => [item.userId, item.inviter.userId, item.seatIndex]),
      [['bob5', 'host5', 2]],
    );
    assert.deepEqual(
      state(host)
        .candidates.get()
        .map((item) => item.userId),
      ['alice5'],
    );
    assert.deepEqual((await bob.guest.waitFor('onInvitationReceived')).args, [host.user]);
    assert.equal(state(bob).selfStatus.get(), 'invited');
    assert.equal(state(bob).selfInvitation.get()?.inviter.userId, 'host5');
    ok(await coGuest(bob).acceptInvitation('host5'));
    assert.equal(state(bob).selfStatus.get(), 'connected');
    assert.deepEqual(seatUserIds(bob), ['host5', null, 'bob5', null]);
    assert.deepEqual((await host.host.waitFor('onInvitationAccepted')).args, [bob.user]);
    assert.deepEqual(state(host).invitees.get(), []);
    await waitFor(state(alice).connected, (list) => list.some((item) => item.userId === 'bob5'));
    assert.deepEqual(alice.guest.names(), []);
  });

  it("invite with the seed's spelling, inviteToSeat({ inviteeID }); both spellings at once are refused", async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host5s', ['bob5s']);
    const [bob] = audience as [Person];
    failsWith(
      await coGuest(host).inviteToSeat({ inviteeId: 'bob5s', inviteeID: 'bob5s' } as never),
      ErrorCode.INVALID_ARGUMENT,
    );
    ok(await coGuest(host).inviteToSeat({ inviteeID: 'bob5s', seatIndex: 1 }));
    assert.deepEqual((await bob.guest.waitFor('onInvitationReceived')).args, [host.user]);
    assert.deepEqual(
      state(host)
        .invitees.get()
        .map((item) => [item.userId, item.seatIndex]),
      [['bob5s', 1]],
    );
  });

  it('invite → reject', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host6', ['alice6', 'bob6']);
    const [, bob] = audience as [Person, Person];
    ok(await coGuest(host).inviteToSeat({ inviteeId: 'bob6' }));
    await bob.guest.waitFor('onInvitationReceived');
    ok(await coGuest(bob).rejectInvitation('host6'));
    assert.equal(state(bob).selfStatus.get(), 'idle');
    assert.deepEqual((await host.host.waitFor('onInvitationRejected')).args, [bob.user]);
    assert.deepEqual(state(host).invitees.get(), []);
    assert.deepEqual(seatUserIds(host), ['host6', null, null, null]);
  });

  it('invite → cancel', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host7', ['alice7', 'bob7']);
    const [, bob] = audience as [Person, Person];
    ok(await coGuest(host).inviteToSeat({ inviteeId: 'bob7' }));
    await bob.guest.waitFor('onInvitationReceived');
    ok(await coGuest(host).cancelInvitation('bob7'));
    assert.deepEqual(state(host).invitees.get(), []);
    assert.deepEqual((await bob.guest.waitFor('onInvitationCancelled')).args, [host.user]);
    assert.equal(state(bob).selfStatus.get(), 'idle');
    failsWith(await coGuest(bob).acceptInvitation('host7'), ErrorCode.REQUEST_NOT_FOUND);
    assert.deepEqual(host.host.names(), []);
  });

  it('invite → timeout', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host7t', ['bob7t']);
    const [bob] = audience as [Person];
    ok(await coGuest(host).inviteToSeat({ inviteeId: 'bob7t', timeout: 3 }));
    await bob.guest.waitFor('onInvitationReceived');
    w.scheduler.advance(3_000);
    assert.deepEqual((await host.host.waitFor('onInvitationTimeout')).args, [bob.user]);
    await waitFor(state(bob).selfStatus, (status) => status === 'idle');
  });

  it('kick: the guest is told onKickedOffSeat', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host8', ['alice8', 'bob8']);
    const [alice, bob] = audience as [Person, Person];
    ok(await coGuest(alice).applyForSeat({ seatIndex: 3 }));
    await host.host.waitFor('onApplicationReceived');
    ok(await coGuest(host).acceptApplication('alice8'));
    await waitFor(state(alice).selfStatus, (status) => status === 'connected');
    ok(await host.session.liveSeatStore(w.liveId).kickUserOutOfSeat('alice8'));
    assert.deepEqual(seatUserIds(host), ['host8', null, null, null]);
    assert.deepEqual((await alice.guest.waitFor('onKickedOffSeat')).args, [3, host.user]);
    assert.equal(state(alice).selfStatus.get(), 'idle');
    await waitFor(state(bob).connected, (list) => list.length === 1);
    assert.deepEqual(bob.guest.names(), []);
  });

  it('owner and administrator accept the same application at once: exactly one wins', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host9', ['admin9', 'alice9']);
    const [admin, alice] = audience as [Person, Person];
    ok(await host.session.liveAudienceStore(w.liveId).setAdministrator('admin9'));
    await waitFor(
      admin.session.liveAudienceStore(w.liveId).audienceList,
      (list) => list.length === 3,
      'admin sees members',
    );
    ok(await coGuest(alice).applyForSeat());
    await host.host.waitFor('onApplicationReceived');
    await admin.host.waitFor('onApplicationReceived');
    assert.equal(state(admin).applicants.get().length, 1);

    const [byHost, byAdmin] = await Promise.all([
      coGuest(host).acceptApplication('alice9'),
      coGuest(admin).acceptApplication('alice9'),
    ]);
    const results = [byHost, byAdmin];
    assert.equal(results.filter((result) => result.isSuccess).length, 1, 'exactly one accept succeeds');
    const [winner, loser, lost] = byHost.isSuccess ? [host, admin, byAdmin] : [admin, host, byHost];
    failsWith(lost, ErrorCode.REQUEST_ALREADY_HANDLED);
    assert.deepEqual((await loser.host.waitFor('onApplicationProcessedByOtherHost')).args, [
      alice.user,
      winner.user,
    ]);
    assert.deepEqual((await alice.guest.waitFor('onApplicationAccepted')).args, [winner.user]);
    assert.deepEqual(winner.host.names(), ['onApplicationReceived']);
    assert.deepEqual(loser.host.names(), ['onApplicationReceived', 'onApplicationProcessedByOtherHost']);
    assert.deepEqual(seatUserIds(host), ['host9', 'alice9', null, null]);
    assert.deepEqual(state(host).applicants.get(), []);
    await waitFor(state(admin).applicants, (list) => list.length === 0);
  });

  it('apply for a seat that becomes occupied: the accept fails with SEAT_OCCUPIED and the applicant learns it', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host10', ['alice10', 'bob10']);
    const [alice, bob] = audience as [Person, Person];
    ok(await coGuest(alice).applyForSeat({ seatIndex: 2 }));
    await host.host.waitFor('onApplicationReceived');
    ok(await coGuest(host).inviteToSeat({ inviteeId: 'bob10', seatIndex: 2 }));
    await bob.guest.waitFor('onInvitationReceived');
    ok(await coGuest(bob).acceptInvitation('host10'));
    failsWith(await coGuest(host).acceptApplication('alice10'), ErrorCode.SEAT_OCCUPIED);
    const failed = await alice.guest.waitFor('onApplicationFailed');
    assert.equal(failed.args[0], ErrorCode.SEAT_OCCUPIED);
    assert.match(String(failed.args[1]), /seat was taken/);
    assert.equal(state(alice).selfStatus.get(), 'idle');
    assert.deepEqual(state(host).applicants.get(), []);
    assert.deepEqual(seatUserIds(alice), ['host10', null, 'bob10', null]);
  });

  it('apply for any seat while all are taken: ALL_SEATS_OCCUPIED', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host11', ['alice11', 'bob11'], { maxSeatCount: 2 });
    const [alice, bob] = audience as [Person, Person];
    ok(await coGuest(host).inviteToSeat({ inviteeId: 'alice11' }));
    await alice.guest.waitFor('onInvitationReceived');
    ok(await coGuest(alice).acceptInvitation('host11'));
    await waitFor(state(bob).connected, (list) => list.length === 2);
    failsWith(await coGuest(bob).applyForSeat({ seatIndex: -1 }), ErrorCode.ALL_SEATS_OCCUPIED);
    assert.equal(state(bob).selfStatus.get(), 'idle');
    assert.deepEqual(host.host.names(), ['onInvitationAccepted']);
  });

  it('an application that can no longer be seated fails with ALL_SEATS_OCCUPIED', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host12', ['alice12', 'bob12'], { maxSeatCount: 2 });
    const [alice, bob] = audience as [Person, Person];
    ok(await coGuest(bob).applyForSeat({ seatIndex: -1 }));
    await host.host.waitFor('onApplicationReceived');
    ok(await coGuest(host).inviteToSeat({ inviteeId: 'alice12' }));
    await alice.guest.waitFor('onInvitationReceived');
    ok(await coGuest(alice).acceptInvitation('host12'));
    failsWith(await coGuest(host).acceptApplication('bob12'), ErrorCode.ALL_SEATS_OCCUPIED);
    assert.equal((await bob.guest.waitFor('onApplicationFailed')).args[0], ErrorCode.ALL_SEATS_OCCUPIED);
  });

  it('calls while disconnected resolve with DISCONNECTED at once', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host13', ['alice13']);
    const [alice] = audience as [Person];
    alice.network.cut();
    await waitFor(alice.session.$connection, (status) => status === 'reconnecting');
    const seatStore = alice.session.liveSeatStore(w.liveId);
    const calls = [
      coGuest(alice).applyForSeat(),
      coGuest(alice).cancelApplication(),
      coGuest(alice).acceptInvitation('host13'),
      seatStore.takeSeat(1),
      seatStore.muteMicrophone(),
      alice.session.liveListStore.fetchLiveList(),
      alice.session.liveListStore.joinLive(w.liveId),
    ];
    for (const call of calls) assert.equal(await settledAtOnce(call), 'now');
    for (const call of calls) failsWith(await call, ErrorCode.DISCONNECTED);
    assert.equal(alice.session.loginStore.loginStatus.get(), 'loggedIn');
    alice.network.restore();
    await waitFor(alice.session.$connection, (status) => status === 'connected');
    ok(await coGuest(alice).applyForSeat());
    await host.host.waitFor('onApplicationReceived');
  });

  it('reconnects, replays what it missed and ends equal to a fresh session', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host14', ['alice14', 'bob14']);
    const [alice, bob] = audience as [Person, Person];
    ok(await coGuest(alice).applyForSeat());
    await host.host.waitFor('onApplicationReceived');

    alice.network.cut();
    await waitFor(alice.session.$connection, (status) => status === 'reconnecting');
    await waitFor(state(host).connected, (list) => list.length === 1);
    // While alice is away (her seat requests are kept during the grace period):
    ok(await coGuest(host).acceptApplication('alice14'));
    ok(await coGuest(bob).applyForSeat({ extraInfo: 'me too' }));
    ok(await host.session.liveSeatStore(w.liveId).lockSeat(3));
    ok(await host.session.liveSeatStore(w.liveId).closeRemoteMicrophone('alice14', { forbid: true }));
    assert.deepEqual(alice.guest.names(), []);

    alice.network.restore();
    await waitFor(alice.session.$connection, (status) => status === 'connected');
    assert.deepEqual((await alice.guest.waitFor('onApplicationAccepted')).args, [host.user]);
    await waitFor(state(alice).selfStatus, (status) => status === 'connected');
    await waitFor(
      alice.session.liveSeatStore(w.liveId).seatList,
      (seats) => seats[3]?.isLocked === true && seats[1]?.userInfo?.connection === 'online',
      'alice sees the lock and herself online',
    );
    await waitFor(
      host.session.liveSeatStore(w.liveId).seatList,
      (seats) => seats[1]?.userInfo?.connection === 'online',
      'the host sees alice online again',
    );
    const resumed = view(alice);
    assert.equal(resumed.seatList[1]?.userInfo?.allowOpenMicrophone, false);
    assert.equal(replies(alice, 'replay'), 1, 'resumed from a replay');
    assert.equal(replies(alice, 'snapshot'), 1, 'only the first join got a snapshot');

    // A fresh session of the same user (it replaces the resumed one) sees exactly the same.
    const fresh = await w.person('alice14');
    ok(await fresh.session.liveListStore.joinLive(w.liveId));
    assert.deepEqual(view(fresh), resumed);
    await waitFor(
      alice.session.$connection,
      (status) => status === 'offline',
      'the replaced session goes offline',
    );
    assert.deepEqual(alice.session.loginStore.loginStatus.get(), 'loggedIn');
  });

  it('resumes from a fresh snapshot when it missed more than the server kept', async () => {
    const w = await World.create({ replayBufferSize: 2 });
    const { host, audience } = await w.live('host15', ['alice15', 'bob15']);
    const [alice, bob] = audience as [Person, Person];
    ok(await coGuest(alice).applyForSeat());
    await host.host.waitFor('onApplicationReceived');

    host.network.cut();
    await waitFor(host.session.$connection, (status) => status === 'reconnecting');
    ok(await coGuest(alice).cancelApplication());
    ok(await coGuest(bob).applyForSeat({ seatIndex: 2 }));
    ok(await coGuest(alice).applyForSeat({ seatIndex: 1, extraInfo: 'again' }));
    ok(await alice.session.liveListStore.leaveLive());
    const carol = await w.person('carol15');
    ok(await carol.session.liveListStore.joinLive(w.liveId));

    host.network.restore();
    await waitFor(host.session.$connection, (status) => status === 'connected');
    await waitFor(
      state(host).applicants,
      (list) => list.length === 1 && list[0]?.userId === 'bob15',
      'bob applies',
    );
    await waitFor(
      host.session.liveAudienceStore(w.liveId).audienceCount,
      (count) => count === 3,
      'member count',
    );
    const resumed = view(host);
    assert.equal(replies(host, 'replay'), 0);
    assert.equal(replies(host, 'snapshot'), 1, 'the resume got a snapshot');
    assert.deepEqual(
      resumed.audienceList.map((item) => item.userId),
      ['host15', 'bob15', 'carol15'],
    );
    assert.deepEqual(
      resumed.candidates.map((item) => item.userId),
      ['bob15', 'carol15'],
    );
    const fresh = await w.person('host15');
    ok(await fresh.session.liveListStore.joinLive(w.liveId));
    assert.deepEqual(view(fresh), resumed);
  });

  it('tells every member when the host ends the live', async () => {
    const w = await World.create();
    const { host, audience } = await w.live('host16', ['alice16']);
    const [alice] = audience as [Person];
    ok(await host.session.liveListStore.endLive());
    assert.equal(host.session.liveListStore.currentLive.get(), null);
    assert.deepEqual((await alice.lives.waitFor('onLiveEnded')).args, [w.liveId, 'endedByHost']);
    assert.equal(alice.session.liveListStore.currentLive.get(), null);
    assert.deepEqual(seatUserIds(alice), []);
    failsWith(await coGuest(alice).applyForSeat(), ErrorCode.NOT_IN_LIVE);
    failsWith(await alice.session.liveListStore.joinLive(w.liveId), ErrorCode.LIVE_NOT_FOUND);
  });

  it('refuses a bad token without reconnecting', async () => {
    const w = await World.create();
    const session = createSession({ WebSocket: WebSocket as unknown as WebSocketConstructor });
    w.people.push({ session } as Person);
    const expired = await createToken({ secret: SECRET, userId: 'late', userName: 'Late', expiresIn: -10 });
    const refused = await session.loginStore.login({ serverUrl: w.server.url, token: expired });
    failsWith(refused, ErrorCode.NOT_LOGGED_IN);
    assert.equal(session.$connectionError.get()?.code, 4002);
    const forged = await createToken({ secret: 'another-secret', userId: 'eve', userName: 'Eve' });
    failsWith(
      await session.loginStore.login({ serverUrl: w.server.url, token: forged }),
      ErrorCode.NOT_LOGGED_IN,
    );
    assert.equal(session.$connectionError.get()?.code, 4001);
    assert.equal(session.$connection.get(), 'idle');
  });
});
