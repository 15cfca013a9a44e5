/**
 * The client core in Chromium: a host and two audience sessions on one in-page hub (local mode).
 * Imports only from `src/`.
 */
import { expect } from '@open-wc/testing';
import { createSession, type Session, type UserInfo } from '../../src/core/index.js';
import { createLocalHub, type LocalHub } from '../../src/local/index.js';
import { Recorder, waitFor } from '../core/helpers.js';

const hostUser: UserInfo = { userId: 'host', userName: 'Host', avatarUrl: '' };
const aliceUser: UserInfo = { userId: 'alice', userName: 'Alice', avatarUrl: '' };
const bobUser: UserInfo = { userId: 'bob', userName: 'Bob', avatarUrl: '' };

describe('co-guest-kit/core in the browser (local mode)', () => {
  let hub: LocalHub;
  let sessions: Session[];

  async function enter(user: UserInfo): Promise<Session> {
    const session = createSession();
    sessions.push(session);
    const login = await session.loginStore.login({ hub, user });
    expect(login.isSuccess).to.equal(true);
    return session;
  }

  beforeEach(async () => {
    hub = createLocalHub();
    sessions = [];
    const host = await enter(hostUser);
    const created = await host.liveListStore.createLive({ liveId: 'room', maxSeatCount: 4 });
    expect(created.isSuccess).to.equal(true);
    for (const user of [aliceUser, bobUser]) {
      const joined = await (await enter(user)).liveListStore.joinLive('room');
      expect(joined.isSuccess).to.equal(true);
    }
    await waitFor(host.liveAudienceStore('room').audienceCount, (count) => count === 3, 'three members');
  });

  afterEach(() => {
    for (const session of sessions) session.dispose();
    hub.shutdown();
  });

  it('apply → accept → seated', async () => {
    const [host, alice, bob] = sessions as [Session, Session, Session];
    const hostEvents = new Recorder();
    const aliceEvents = new Recorder();
    host.coGuestStore('room').addHostListener(hostEvents.listener);
    alice.coGuestStore('room').addGuestListener(aliceEvents.listener);

    const applied = await alice.coGuestStore('room').applyForSeat({ seatIndex: 1, extraInfo: 'hi' });
    expect(applied.isSuccess).to.equal(true);
    expect(alice.coGuestStore('room').coGuestState.selfStatus.get()).to.equal('applying');
    expect((await hostEvents.waitFor('onApplicationReceived')).args).to.deep.equal([aliceUser]);
    const applicants = host.coGuestStore('room').coGuestState.applicants.get();
    expect(applicants.map((item) => [item.userId, item.seatIndex, item.extraInfo])).to.deep.equal([
      ['alice', 1, 'hi'],
    ]);

    const accepted = await host.coGuestStore('room').acceptApplication('alice');
    expect(accepted.isSuccess).to.equal(true);
    expect((await aliceEvents.waitFor('onApplicationAccepted')).args).to.deep.equal([hostUser]);
    expect(alice.coGuestStore('room').coGuestState.selfStatus.get()).to.equal('connected');
    expect(host.coGuestStore('room').coGuestState.applicants.get()).to.deep.equal([]);
    const seats = await waitFor(
      bob.liveSeatStore('room').seatList,
      (list) => list[1]?.userInfo?.userId === 'alice',
      'bob sees alice on seat 1',
    );
    expect(seats.map((seat) => seat.userInfo?.userId ?? null)).to.deep.equal(['host', 'alice', null, null]);
    expect(
      host
        .coGuestStore('room')
        .coGuestState.connected.get()
        .map((item) => item.userId),
    ).to.deep.equal(['host', 'alice']);
    expect(hostEvents.names()).to.deep.equal(['onApplicationReceived']);
    expect(aliceEvents.names()).to.deep.equal(['onApplicationAccepted']);
  });

  it('invite → reject', async () => {
    const [host, , bob] = sessions as [Session, Session, Session];
    const hostEvents = new Recorder();
    const bobEvents = new Recorder();
    host.coGuestStore('room').addHostListener(hostEvents.listener);
    bob.coGuestStore('room').addGuestListener(bobEvents.listener);

    const invited = await host.coGuestStore('room').inviteToSeat({ inviteeId: 'bob', timeout: 30 });
    expect(invited.isSuccess).to.equal(true);
    expect(
      host
        .coGuestStore('room')
        .coGuestState.invitees.get()
        .map((item) => item.userId),
    ).to.deep.equal(['bob']);
    expect(
      host
        .coGuestStore('room')
        .coGuestState.candidates.get()
        .map((item) => item.userId),
    ).to.deep.equal(['alice']);
    expect((await bobEvents.waitFor('onInvitationReceived')).args).to.deep.equal([hostUser]);
    expect(bob.coGuestStore('room').coGuestState.selfStatus.get()).to.equal('invited');
    expect(bob.coGuestStore('room').coGuestState.selfInvitation.get()?.inviter).to.deep.equal(hostUser);

    const rejected = await bob.coGuestStore('room').rejectInvitation('host');
    expect(rejected.isSuccess).to.equal(true);
    expect(bob.coGuestStore('room').coGuestState.selfStatus.get()).to.equal('idle');
    expect((await hostEvents.waitFor('onInvitationRejected')).args).to.deep.equal([bobUser]);
    expect(host.coGuestStore('room').coGuestState.invitees.get()).to.deep.equal([]);
    expect(
      host
        .liveSeatStore('room')
        .seatList.get()
        .map((seat) => seat.userInfo?.userId ?? null),
    ).to.deep.equal(['host', null, null, null]);
    expect(hostEvents.names()).to.deep.equal(['onInvitationRejected']);
    expect(bobEvents.names()).to.deep.equal(['onInvitationReceived']);
  });
});
