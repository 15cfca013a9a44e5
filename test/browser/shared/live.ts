/**
 * A live on the in-page hub (local mode) for element tests: a host and audience members, each their
 * own session, driven through the real stores and room rules. Elements under test read the same
 * stores a page would.
 *
 * ```ts
 * const live = await startLive({ audience: ['alice', 'bob'] });
 * const el = await fixture(html`<apply-button .session=${live.session('alice')} live-id=${live.liveId}></apply-button>`);
 * afterEach(() => live.close());
 * ```
 */
import { expect } from '@open-wc/testing';
import { createSession, type Session, type UserInfo } from '../../../src/core/index.js';
import { createLocalHub, type LocalHub, type LocalHubOptions } from '../../../src/local/index.js';
import { waitFor } from '../../core/helpers.js';

export interface LiveOptions {
  /** User ids of the audience members who join (names are the ids, capitalised). */
  readonly audience?: readonly string[];
  /** Seats of the live (default 9). */
  readonly maxSeatCount?: number;
  /** Live id (default `room`). */
  readonly liveId?: string;
  /** Options of the local hub (room limits, scheduler). */
  readonly hub?: LocalHubOptions;
  /** Extra fields of each user (`avatarUrl`, hostile names...). */
  readonly users?: Readonly<Record<string, Partial<UserInfo>>>;
}

export interface TestLive {
  readonly hub: LocalHub;
  readonly liveId: string;
  /** The host's session (user id `host`). */
  readonly host: Session;
  /** The session of `userId` (the host or an audience member). */
  session(userId: string): Session;
  /** Logs in and joins one more audience member. */
  join(userId: string, extra?: Partial<UserInfo>): Promise<Session>;
  /** `userId` applies for a seat; fails the test when refused. */
  apply(
    userId: string,
    options?: { seatIndex?: number; timeout?: number; extraInfo?: string },
  ): Promise<void>;
  /** `userId` applies and the host accepts; resolves once the host sees them seated. */
  seat(userId: string, seatIndex?: number): Promise<void>;
  /** Disposes every session and shuts the hub. */
  close(): void;
}

/** `alice` → `{ userId: 'alice', userName: 'Alice', avatarUrl: '' }`. */
export function testUser(userId: string, extra: Partial<UserInfo> = {}): UserInfo {
  return { userId, userName: userId.charAt(0).toUpperCase() + userId.slice(1), avatarUrl: '', ...extra };
}

/** Starts a live owned by `host`, with the audience joined, and waits until the host sees them all. */
export async function startLive(options: LiveOptions = {}): Promise<TestLive> {
  const hub = createLocalHub(options.hub);
  const liveId = options.liveId ?? 'room';
  const sessions = new Map<string, Session>();

  async function enter(userId: string, extra: Partial<UserInfo> = {}): Promise<Session> {
    const session = createSession();
    sessions.set(userId, session);
    const login = await session.loginStore.login({
      hub,
      user: testUser(userId, { ...options.users?.[userId], ...extra }),
    });
    expect(login.isSuccess, `${userId} logs in`).to.equal(true);
    return session;
  }

  const host = await enter('host');
  const created = await host.liveListStore.createLive({ liveId, maxSeatCount: options.maxSeatCount ?? 9 });
  expect(created.isSuccess, 'the host creates the live').to.equal(true);

  const live: TestLive = {
    hub,
    liveId,
    host,
    session(userId) {
      const session = sessions.get(userId);
      if (session === undefined) throw new Error(`no session for ${userId}`);
      return session;
    },
    async join(userId, extra) {
      const session = await enter(userId, extra);
      const joined = await session.liveListStore.joinLive(liveId);
      expect(joined.isSuccess, `${userId} joins`).to.equal(true);
      await waitFor(
        host.liveAudienceStore(liveId).audienceList,
        (members) => members.some((member) => member.userId === userId),
        `the host sees ${userId}`,
      );
      return session;
    },
    async apply(userId, params = {}) {
      const applied = await live.session(userId).coGuestStore(liveId).applyForSeat(params);
      expect(applied.isSuccess, `${userId} applies`).to.equal(true);
      await waitFor(
        host.coGuestStore(liveId).coGuestState.applicants,
        (applicants) => applicants.some((item) => item.userId === userId),
        `the host sees ${userId}'s application`,
      );
    },
    async seat(userId, seatIndex = -1) {
      await live.apply(userId, { seatIndex });
      const accepted = await host.coGuestStore(liveId).acceptApplication(userId);
      expect(accepted.isSuccess, `the host accepts ${userId}`).to.equal(true);
      await waitFor(
        live.session(userId).coGuestStore(liveId).coGuestState.selfStatus,
        (status) => status === 'connected',
        `${userId} is seated`,
      );
    },
    close() {
      for (const session of sessions.values()) session.dispose();
      hub.shutdown();
    },
  };
  for (const userId of options.audience ?? []) await live.join(userId);
  return live;
}
