import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  CoGuestStore,
  createSession,
  ErrorCode,
  getDefaultSession,
  LiveAudienceStore,
  LiveCoreController,
  LiveListStore,
  LiveSeatStore,
  LoginStore,
  setDefaultSession,
  type Session,
  type SessionOptions,
} from '../../src/core/index.js';
import type {
  LiveEvent,
  LiveMember,
  LiveSnapshot,
  SeatApplication,
  SeatInfo,
  SeatInvitation,
  UserInfo,
} from '../../src/protocol/types.js';
import { emptySeats, Recorder, ScriptedHub, snapshot, user } from './helpers.js';

const host = user('host');
const admin = user('admin');
const alice = user('alice');
const bob = user('bob');

const sessions: Session[] = [];

afterEach(() => {
  for (const item of sessions.splice(0)) item.dispose();
});

function member(info: UserInfo, role: LiveMember['role'] = 'audience'): LiveMember {
  return { ...info, role, joinedAt: 1 };
}

function seated(
  seats: SeatInfo[],
  index: number,
  info: UserInfo,
  role: LiveMember['role'] = 'audience',
): SeatInfo[] {
  return seats.map((seat) =>
    seat.index === index
      ? {
          ...seat,
          userInfo: {
            ...info,
            liveId: 'live',
            role,
            microphoneStatus: 'off',
            cameraStatus: 'off',
            allowOpenMicrophone: true,
            allowOpenCamera: true,
            connection: 'online',
            onSeatTimestamp: 1,
          },
        }
      : seat,
  );
}

function application(
  requestId: string,
  applicant: UserInfo,
  deadline: number | null = 5000,
): SeatApplication {
  return { requestId, user: applicant, seatIndex: -1, extraInfo: 'hi', createdAt: 1, deadline };
}

function invitation(requestId: string, invitee: UserInfo): SeatInvitation {
  return { requestId, inviter: host, invitee, seatIndex: 2, extraInfo: '', createdAt: 2, deadline: 9000 };
}

/** A session of `me` joined to `live` through a scripted hub, and a feed of events with growing seqs. */
async function joined(me: UserInfo, snap: LiveSnapshot, options: SessionOptions = {}) {
  const hub = new ScriptedHub();
  const session = createSession({ requestTimeoutMs: 2000, ...options });
  sessions.push(session);
  assert.equal((await session.loginStore.login({ hub, user: me })).isSuccess, true);
  const joining = session.liveListStore.joinLive('live');
  hub.ok((await hub.command('live.join')).id, { kind: 'snapshot', snapshot: snap });
  assert.equal((await joining).isSuccess, true);
  let seq = snap.seq;
  const feed = async (...events: LiveEvent[]): Promise<void> => {
    for (const event of events) hub.event('live', ++seq, event);
    // The hub delivers in microtasks; a reply after the events marks that all of them arrived.
    const marker = session.request('live.list', {});
    hub.ok(
      (await hub.command('live.list', hub.commands.filter((c) => c.name === 'live.list').length + 1)).id,
      { lives: [], nextCursor: '' },
    );
    await marker;
  };
  return { hub, session, feed, coGuest: session.coGuestStore('live'), seats: session.liveSeatStore('live') };
}

const hostView = (): LiveSnapshot =>
  snapshot('live', host, {
    seats: seated(emptySeats(4), 0, host, 'owner'),
    members: [member(host, 'owner'), member(admin, 'admin'), member(alice), member(bob)],
    memberCount: 4,
    seq: 1,
  });

const aliceView = (): LiveSnapshot =>
  snapshot('live', host, {
    seats: seated(emptySeats(4), 0, host, 'owner'),
    members: [member(alice)],
    memberCount: 4,
    seq: 1,
  });

describe('CoGuestStore', () => {
  describe('state', () => {
    it('derives applicants, invitees, connected and candidates for a host', async () => {
      const { coGuest, feed } = await joined(host, hostView());
      const state = coGuest.coGuestState;
      assert.deepEqual(
        state.candidates.get().map((item) => item.userId),
        ['admin', 'alice', 'bob'],
      );
      assert.deepEqual(
        state.connected.get().map((item) => item.userId),
        ['host'],
      );
      assert.equal(state.selfStatus.get(), 'connected');
      await feed(
        { type: 'application.received', application: application('a1', alice) },
        { type: 'invitation.received', invitation: invitation('i1', bob) },
      );
      assert.deepEqual(state.applicants.get(), [
        { ...alice, requestId: 'a1', seatIndex: -1, extraInfo: 'hi', createdAt: 1, deadline: 5000 },
      ]);
      assert.deepEqual(state.invitees.get(), [
        { ...bob, inviter: host, requestId: 'i1', seatIndex: 2, extraInfo: '', createdAt: 2, deadline: 9000 },
      ]);
      assert.deepEqual(
        state.candidates.get().map((item) => item.userId),
        ['admin', 'alice'],
        'the invited are no candidates',
      );
      await feed({ type: 'seats', seats: seated(seated(emptySeats(4), 0, host, 'owner'), 3, alice) });
      assert.deepEqual(
        state.connected.get().map((item) => item.userId),
        ['host', 'alice'],
      );
      assert.deepEqual(
        state.candidates.get().map((item) => item.userId),
        ['admin'],
        'the seated are no candidates',
      );
      assert.equal(state.selfApplication.get(), null);
      assert.equal(state.selfInvitation.get(), null);
    });

    it('tracks the viewer through idle, applying, invited and connected', async () => {
      const { coGuest, feed } = await joined(alice, aliceView());
      const state = coGuest.coGuestState;
      const statuses: string[] = [];
      state.selfStatus.subscribe((status) => statuses.push(status));
      assert.deepEqual(state.candidates.get(), [], 'the audience sees no candidates');
      await feed({ type: 'application.received', application: application('a1', alice) });
      assert.equal(state.selfApplication.get()?.deadline, 5000);
      await feed({
        type: 'application.resolved',
        requestId: 'a1',
        user: alice,
        outcome: 'rejected',
        by: host,
        code: 0,
        seatIndex: -1,
      });
      assert.equal(state.selfApplication.get(), null);
      await feed({ type: 'invitation.received', invitation: invitation('i1', alice) });
      assert.equal(state.selfInvitation.get()?.inviter.userId, 'host');
      await feed(
        { type: 'seats', seats: seated(seated(emptySeats(4), 0, host, 'owner'), 2, alice) },
        {
          type: 'invitation.resolved',
          requestId: 'i1',
          inviter: host,
          invitee: alice,
          outcome: 'accepted',
          code: 0,
          seatIndex: 2,
        },
      );
      assert.deepEqual(statuses, ['idle', 'applying', 'idle', 'invited', 'connected']);
    });
  });

  describe('guest listener', () => {
    it("maps the viewer's own outcomes", async () => {
      const { coGuest, feed } = await joined(alice, aliceView());
      const recorder = new Recorder();
      coGuest.addGuestListener(recorder.listener);
      const resolved = (
        outcome: 'accepted' | 'rejected' | 'timeout' | 'failed' | 'cancelled',
        by: UserInfo | null,
        code = 0,
      ): LiveEvent => ({
        type: 'application.resolved',
        requestId: 'a',
        user: alice,
        outcome,
        by,
        code,
        seatIndex: -1,
      });
      await feed(
        resolved('accepted', admin),
        resolved('accepted', null),
        resolved('rejected', host),
        resolved('timeout', null),
        resolved('failed', null, ErrorCode.SEAT_OCCUPIED),
        resolved('cancelled', null),
        { type: 'invitation.received', invitation: invitation('i1', alice) },
        {
          type: 'invitation.resolved',
          requestId: 'i1',
          inviter: host,
          invitee: alice,
          outcome: 'cancelled',
          code: 0,
          seatIndex: 2,
        },
        { type: 'seat.lost', userId: 'alice', seatIndex: 2, reason: 'kicked', by: admin },
        { type: 'seat.lost', userId: 'alice', seatIndex: 1, reason: 'replaced', by: null },
        { type: 'seat.lost', userId: 'alice', seatIndex: 1, reason: 'connectionLost', by: null },
        { type: 'seat.lost', userId: 'bob', seatIndex: 3, reason: 'kicked', by: host },
      );
      assert.deepEqual(recorder.calls, [
        { name: 'onApplicationAccepted', args: [admin] },
        { name: 'onApplicationAccepted', args: [host] },
        { name: 'onApplicationRejected', args: [host] },
        { name: 'onApplicationTimeout', args: [] },
        {
          name: 'onApplicationFailed',
          args: [ErrorCode.SEAT_OCCUPIED, 'the application failed: the seat was taken'],
        },
        { name: 'onInvitationReceived', args: [host] },
        { name: 'onInvitationCancelled', args: [host] },
        { name: 'onKickedOffSeat', args: [2, admin] },
        { name: 'onKickedOffSeat', args: [1, host] },
      ]);
    });

    it('stops calling a removed listener, and survives a listener that throws', async () => {
      const errors: unknown[] = [];
      const { coGuest, feed } = await joined(alice, aliceView(), { onError: (error) => errors.push(error) });
      const recorder = new Recorder();
      const thrower = {
        onInvitationReceived(): void {
          throw new Error('bug in a listener');
        },
      };
      coGuest.addGuestListener(thrower);
      coGuest.addGuestListener(recorder.listener);
      await feed({ type: 'invitation.received', invitation: invitation('i1', alice) });
      coGuest.removeGuestListener(recorder.listener);
      coGuest.removeGuestListener(thrower);
      await feed({ type: 'invitation.received', invitation: invitation('i2', alice) });
      assert.deepEqual(recorder.names(), ['onInvitationReceived']);
      assert.equal(errors.length, 1);
      assert.equal(coGuest.coGuestState.invitees.get().length, 2, 'the store kept updating');
    });
  });

  describe('host listener', () => {
    it("maps others' requests for a manager", async () => {
      const { coGuest, feed } = await joined(host, hostView());
      const recorder = new Recorder();
      coGuest.addHostListener(recorder.listener);
      const resolved = (
        outcome: 'accepted' | 'rejected' | 'timeout' | 'failed' | 'cancelled' | 'left',
        by: UserInfo | null,
      ): LiveEvent => ({
        type: 'application.resolved',
        requestId: 'a',
        user: alice,
        outcome,
        by,
        code: 0,
        seatIndex: -1,
      });
      const invited = (outcome: 'accepted' | 'rejected' | 'timeout' | 'cancelled'): LiveEvent => ({
        type: 'invitation.resolved',
        requestId: 'i',
        inviter: host,
        invitee: bob,
        outcome,
        code: 0,
        seatIndex: -1,
      });
      await feed(
        { type: 'application.received', application: application('a1', alice) },
        resolved('cancelled', null),
        resolved('left', null),
        resolved('timeout', null),
        resolved('accepted', host),
        resolved('rejected', admin),
        resolved('accepted', null),
        resolved('failed', null),
        invited('accepted'),
        invited('rejected'),
        invited('timeout'),
        invited('cancelled'),
      );
      assert.deepEqual(recorder.calls, [
        { name: 'onApplicationReceived', args: [alice] },
        { name: 'onApplicationCancelled', args: [alice] },
        { name: 'onApplicationCancelled', args: [alice] },
        { name: 'onApplicationTimeout', args: [alice] },
        { name: 'onApplicationProcessedByOtherHost', args: [alice, admin] },
        { name: 'onInvitationAccepted', args: [bob] },
        { name: 'onInvitationRejected', args: [bob] },
        { name: 'onInvitationTimeout', args: [bob] },
      ]);
    });

    it('stays silent for the audience', async () => {
      const { coGuest, feed } = await joined(alice, aliceView());
      const recorder = new Recorder();
      coGuest.addHostListener(recorder.listener);
      await feed(
        { type: 'application.received', application: application('b1', bob) },
        {
          type: 'invitation.resolved',
          requestId: 'i',
          inviter: host,
          invitee: bob,
          outcome: 'accepted',
          code: 0,
          seatIndex: -1,
        },
      );
      assert.deepEqual(recorder.calls, []);
    });

    it('starts after a promotion to administrator', async () => {
      const { coGuest, feed } = await joined(alice, aliceView());
      const recorder = new Recorder();
      coGuest.addHostListener(recorder.listener);
      await feed(
        { type: 'member.role', userId: 'alice', role: 'admin' },
        {
          type: 'snapshot',
          snapshot: { ...hostView(), members: [member(host, 'owner'), member(alice, 'admin'), member(bob)] },
        },
        { type: 'application.received', application: application('b1', bob) },
      );
      assert.deepEqual(recorder.calls, [{ name: 'onApplicationReceived', args: [bob] }]);
      assert.deepEqual(
        coGuest.coGuestState.candidates.get().map((item) => item.userId),
        ['bob'],
      );
    });
  });
});

describe('LiveSeatStore', () => {
  it('exposes the seats and maps device notices for the viewer', async () => {
    const { seats, feed } = await joined(alice, aliceView());
    assert.equal(seats.seatList.get()[0]?.userInfo?.userId, 'host');
    const recorder = new Recorder();
    seats.addLiveSeatEventListener(recorder.listener);
    const notice = (
      device: 'microphone' | 'camera',
      action: 'closed' | 'forbidden' | 'allowed',
      userId = 'alice',
    ): LiveEvent => ({
      type: 'device.admin',
      userId,
      device,
      action,
      by: host,
    });
    await feed(
      notice('microphone', 'closed'),
      notice('microphone', 'forbidden'),
      notice('microphone', 'allowed'),
      notice('camera', 'closed'),
      notice('camera', 'forbidden'),
      notice('camera', 'allowed'),
      notice('camera', 'closed', 'bob'),
    );
    assert.deepEqual(recorder.names(), [
      'onLocalMicrophoneClosedByAdmin',
      'onLocalMicrophoneForbiddenByAdmin',
      'onLocalMicrophoneOpenedByAdmin',
      'onLocalCameraClosedByAdmin',
      'onLocalCameraForbiddenByAdmin',
      'onLocalCameraOpenedByAdmin',
    ]);
    seats.removeLiveSeatEventListener(recorder.listener);
  });

  it('sends the seat and device commands', async () => {
    const { seats, hub } = await joined(host, hostView());
    const answer = async (name: string, count = 1): Promise<Record<string, unknown>> => {
      const command = await hub.command(name, count);
      hub.ok(command.id);
      return command.args;
    };
    const all = Promise.all([
      seats.takeSeat(1),
      seats.leaveSeat(),
      seats.lockSeat(2),
      seats.unlockSeat(2),
      seats.kickUserOutOfSeat('alice'),
      seats.moveUserToSeat('alice', 3, 'swap'),
      seats.openRemoteMicrophone('alice'),
      seats.openRemoteCamera('alice'),
      seats.closeRemoteMicrophone('alice'),
      seats.closeRemoteCamera('alice', { forbid: true }),
      seats.muteMicrophone(),
      seats.unmuteMicrophone(),
      seats.publishDeviceStatus({ camera: 'on' }),
    ]);
    assert.deepEqual(await answer('seat.take'), { liveId: 'live', seatIndex: 1 });
    assert.deepEqual(await answer('seat.leave'), { liveId: 'live' });
    assert.deepEqual(await answer('seat.lock'), { liveId: 'live', seatIndex: 2, lockSeat: true });
    assert.deepEqual(await answer('seat.lock', 2), { liveId: 'live', seatIndex: 2, lockSeat: false });
    assert.deepEqual(await answer('seat.kick'), { liveId: 'live', userId: 'alice' });
    assert.deepEqual(await answer('seat.move'), {
      liveId: 'live',
      userId: 'alice',
      targetIndex: 3,
      policy: 'swap',
    });
    assert.deepEqual(await answer('device.setRemoteAllowed'), {
      liveId: 'live',
      userId: 'alice',
      device: 'microphone',
      allowed: true,
    });
    assert.deepEqual(await answer('device.setRemoteAllowed', 2), {
      liveId: 'live',
      userId: 'alice',
      device: 'camera',
      allowed: true,
    });
    assert.deepEqual(await answer('device.closeRemote'), {
      liveId: 'live',
      userId: 'alice',
      device: 'microphone',
    });
    assert.deepEqual(await answer('device.closeRemote', 2), {
      liveId: 'live',
      userId: 'alice',
      device: 'camera',
    });
    assert.deepEqual(await answer('device.setRemoteAllowed', 3), {
      liveId: 'live',
      userId: 'alice',
      device: 'camera',
      allowed: false,
    });
    assert.deepEqual(await answer('device.publish'), { liveId: 'live', microphone: 'off' });
    assert.deepEqual(await answer('device.publish', 2), { liveId: 'live', microphone: 'on' });
    assert.deepEqual(await answer('device.publish', 3), { liveId: 'live', camera: 'on' });
    for (const result of await all) assert.equal(result.isSuccess, true);
  });
});

describe('LiveAudienceStore', () => {
  it('exposes the members and their count, and promotes', async () => {
    const { session, hub } = await joined(host, hostView());
    const audience = session.liveAudienceStore('live');
    assert.deepEqual(
      audience.audienceList.get().map((item) => item.userId),
      ['host', 'admin', 'alice', 'bob'],
    );
    assert.equal(audience.audienceCount.get(), 4);
    const promoting = audience.setAdministrator('alice');
    const revoking = audience.revokeAdministrator('admin');
    const [set, revoke] = [await hub.command('member.setAdmin'), await hub.command('member.setAdmin', 2)];
    assert.deepEqual(set.args, { liveId: 'live', userId: 'alice', admin: true });
    assert.deepEqual(revoke.args, { liveId: 'live', userId: 'admin', admin: false });
    hub.ok(set.id);
    hub.ok(revoke.id);
    assert.equal((await promoting).isSuccess, true);
    assert.equal((await revoking).isSuccess, true);
  });
});

describe('the viewer in the live', () => {
  it('selfRole follows membership, promotion and the end of the live', async () => {
    const { session, feed } = await joined(alice, aliceView());
    const audience = session.liveAudienceStore('live');
    const roles: (string | null)[] = [];
    const stop = audience.selfRole.subscribe((role) => roles.push(role));
    await feed({ type: 'member.role', userId: 'alice', role: 'admin' });
    await feed({ type: 'live.ended', reason: 'endedByHost' });
    stop();
    assert.deepEqual(roles, ['audience', 'admin', null]);
    assert.equal(session.liveSeatStore('live').liveEnded.get(), true);
  });

  it('selfRole is owner for the host and null for a live never joined', async () => {
    const { session } = await joined(host, hostView());
    assert.equal(session.liveAudienceStore('live').selfRole.get(), 'owner');
    assert.equal(session.liveAudienceStore('other').selfRole.get(), null);
  });

  it('liveInfo holds the live settings once joined', async () => {
    const { session } = await joined(alice, aliceView());
    const seats = session.liveSeatStore('live');
    assert.equal(seats.liveInfo.get()?.owner.userId, 'host');
    assert.equal(seats.liveEnded.get(), false);
    assert.equal(session.liveSeatStore('other').liveInfo.get(), null);
  });
});

describe('default session and singletons', () => {
  afterEach(() => setDefaultSession(null));

  it("maps the seed's singletons to one lazily created default session", () => {
    setDefaultSession(null);
    const session = getDefaultSession();
    sessions.push(session);
    assert.equal(getDefaultSession(), session);
    assert.equal(LoginStore.shared, session.loginStore);
    assert.equal(LiveListStore.shared, session.liveListStore);
    assert.equal(CoGuestStore.create('live'), session.coGuestStore('live'));
    assert.equal(CoGuestStore.create('live'), CoGuestStore.create('live'));
    assert.notEqual(CoGuestStore.create('live'), CoGuestStore.create('other'));
    assert.equal(LiveSeatStore.create('live'), session.liveSeatStore('live'));
    assert.equal(LiveAudienceStore.create('live'), session.liveAudienceStore('live'));
  });

  it('keeps the stores of two sessions apart', () => {
    const one = createSession();
    const two = createSession();
    sessions.push(one, two);
    assert.notEqual(one.coGuestStore('live'), two.coGuestStore('live'));
    assert.notEqual(
      one.coGuestStore('live').coGuestState.applicants,
      two.coGuestStore('live').coGuestState.applicants,
    );
    assert.notEqual(one.loginStore, two.loginStore);
  });

  it('setDefaultSession replaces the default', () => {
    const mine = createSession();
    sessions.push(mine);
    setDefaultSession(mine);
    assert.equal(LoginStore.shared, mine.loginStore);
  });
});

describe('LiveCoreController', () => {
  afterEach(() => setDefaultSession(null));

  it('holds the live id on the default session or a given one', () => {
    const controller = LiveCoreController.create();
    sessions.push(getDefaultSession());
    assert.equal(controller.session, getDefaultSession());
    assert.equal(controller.liveId.get(), null);
    const seen: (string | null)[] = [];
    controller.liveId.listen((value) => seen.push(value));
    controller.setLiveID('live');
    controller.dispose();
    controller.setLiveID('ignored');
    assert.deepEqual(seen, ['live', null]);
    const session = createSession();
    sessions.push(session);
    assert.equal(LiveCoreController.create({ session }).session, session);
  });
});
