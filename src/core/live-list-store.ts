import { atom, type ReadableAtom } from 'nanostores';
import { ErrorCode } from '../protocol/errors.js';
import type { JoinData, LiveListPage, LiveSummary } from '../protocol/messages.js';
import { fail, ok, type Result } from '../protocol/result.js';
import type { LiveEndReason, LiveInfo, SeatMode } from '../protocol/types.js';
import type { Connection } from './connection.js';
import type { SessionContext } from './context.js';
import { getDefaultSession } from './default-session.js';
import { batchReported, ListenerSet } from './listeners.js';
import type { LiveReplica } from './replica.js';

/** Settings of a new live. */
export interface CreateLiveParams {
  /** 1..64 characters of `A-Z a-z 0-9 _ . @ -`. */
  readonly liveId: string;
  /** Default `''`. */
  readonly liveName?: string;
  /** `apply` (the host accepts each guest, default) or `free` (take an empty seat directly). */
  readonly seatMode?: SeatMode;
  /** 1..16, default 9. */
  readonly maxSeatCount?: number;
  /** Seat the owner on seat 0. Default `true`. */
  readonly keepOwnerOnSeat?: boolean;
}

/** Which page of lives `fetchLiveList` asks for (Tencent web `fetchLiveList({ cursor, count })`). */
export interface FetchLiveListParams {
  /** `''` (default): the first page; else the `nextCursor` of the page before (`liveListCursor`). */
  readonly cursor?: string;
  /** Lives per page, 1 or more: default 20; the server serves at most 50. */
  readonly count?: number;
}

/** Events of the lives. Implement any subset. */
export interface LiveListListener {
  /** A live this session was in ended (Tencent `onLiveEnded`). */
  onLiveEnded?(liveId: string, reason: LiveEndReason): void;
}

/**
 * Creates, joins, leaves, ends and lists lives (Tencent `LiveListStore`). A session is in one live
 * at a time: creating or joining another leaves the current one first.
 */
export class LiveListStore {
  /** The live-list store of the page's default session. */
  static get shared(): LiveListStore {
    return getDefaultSession().liveListStore;
  }

  /** The live the session is in, or `null`. */
  readonly currentLive: ReadableAtom<LiveInfo | null>;
  /**
   * The lives fetched so far, in the order they were created, with their owners and counts: the
   * first page (`fetchLiveList()`) replaces the list, each next page is appended to it.
   */
  readonly liveList: ReadableAtom<readonly LiveSummary[]>;
  /** The cursor of the page after the last one fetched; `''` when that page was the last (Tencent `liveListCursor`). */
  readonly liveListCursor: ReadableAtom<string>;

  readonly #context: SessionContext;
  readonly #connection: Connection;
  readonly #$currentLive = atom<LiveInfo | null>(null);
  readonly #$liveList = atom<readonly LiveSummary[]>([]);
  readonly #$liveListCursor = atom('');
  readonly #listeners: ListenerSet<LiveListListener>;

  /** @internal Created by its session. */
  constructor(context: SessionContext) {
    this.#context = context;
    this.#connection = context.connection;
    this.currentLive = this.#$currentLive;
    this.liveList = this.#$liveList;
    this.liveListCursor = this.#$liveListCursor;
    this.#listeners = new ListenerSet(context.report);
    context.hooks.lives = (keep) => (keep ? this.#resume() : this.#forget());
    context.hooks.liveEnded = (liveId, reason) => this.#ended(liveId, reason);
  }

  /** Creates a live owned by the logged-in user and enters it. */
  async createLive(params: CreateLiveParams): Promise<Result<LiveInfo>> {
    const refusal = this.#connection.refusal();
    if (refusal) return refusal;
    await this.#leaveOther(params.liveId);
    const replica = this.#context.replica(params.liveId);
    replica.beginJoin();
    const result = await this.#connection.request('live.create', { ...params });
    if (!result.isSuccess) {
      replica.abortJoin();
      return result;
    }
    replica.applySnapshot(result.data);
    return this.#entered(replica);
  }

  /** Enters a live as audience (or as its owner, coming back). */
  async joinLive(liveId: string): Promise<Result<LiveInfo>> {
    const refusal = this.#connection.refusal();
    if (refusal) return refusal;
    await this.#leaveOther(liveId);
    const replica = this.#context.replica(liveId);
    replica.beginJoin();
    const result = await this.#connection.request('live.join', { liveId });
    if (!result.isSuccess) {
      replica.abortJoin();
      return result;
    }
    this.#applyJoin(replica, result.data);
    return this.#entered(replica);
  }

  /**
   * Leaves the current live; the owner leaving ends it. The session forgets the live whatever the
   * server answers (it will not resume it).
   */
  async leaveLive(): Promise<Result> {
    const current = this.#$currentLive.get();
    // Logged in is enough: while not connected, the live is left here all the same.
    const refusal = this.#connection.refusal(false);
    if (refusal) return refusal;
    if (!current) return fail(ErrorCode.NOT_IN_LIVE, 'not in a live');
    const result = await this.#connection.request('live.leave', { liveId: current.liveId });
    // Leave locally whatever the server said: the session will not resume this live.
    this.#context.replica(current.liveId).reset();
    if (this.#$currentLive.get()?.liveId === current.liveId) this.#batch(() => this.#$currentLive.set(null));
    return result;
  }

  /** Ends the current live for everyone (owner only). */
  async endLive(): Promise<Result> {
    const refusal = this.#connection.refusal();
    if (refusal) return refusal;
    const current = this.#$currentLive.get();
    if (!current) return fail(ErrorCode.NOT_IN_LIVE, 'not in a live');
    const result = await this.#connection.request('live.end', { liveId: current.liveId });
    if (result.isSuccess) this.#endLocally(this.#context.replica(current.liveId), 'endedByHost');
    return result;
  }

  /**
   * Fetches one page of the open lives, in the order they were created: the first with no
   * arguments (or `cursor` `''`), the next one with the `nextCursor` of the page before (also in
   * `liveListCursor`). `count` lives at most (default 20; the server serves at most 50). The first
   * page replaces `liveList`, a next one is appended to it. Takes the arguments as Tencent's
   * `fetchLiveList(cursor, count)` or as its web SDK's `fetchLiveList({ cursor, count })`.
   */
  async fetchLiveList(
    cursor: string | FetchLiveListParams = '',
    count?: number,
  ): Promise<Result<LiveListPage>> {
    const refusal = this.#connection.refusal();
    if (refusal) return refusal;
    const params = typeof cursor === 'string' ? { cursor, count } : cursor;
    const after = params.cursor ?? '';
    // A `count` left undefined is not sent (JSON): the server's default applies.
    const result = await this.#connection.request('live.list', { cursor: after, count: params.count });
    if (!result.isSuccess) return result;
    const page = result.data;
    this.#batch(() => {
      this.#$liveList.set(after === '' ? page.lives : appendLives(this.#$liveList.get(), page.lives));
      this.#$liveListCursor.set(page.nextCursor);
    });
    return result;
  }

  /** Adds a live-list listener. */
  addLiveListListener(listener: LiveListListener): void {
    this.#listeners.add(listener);
  }

  /** Removes a live-list listener. */
  removeLiveListListener(listener: LiveListListener): void {
    this.#listeners.remove(listener);
  }

  // ── private helpers ─────────────────────────────────────────────────────────────────────────

  /** Before joining `liveId`: leave the live the session is in, if it is another one. */
  async #leaveOther(liveId: string): Promise<void> {
    const current = this.#$currentLive.get();
    if (current && current.liveId !== liveId) await this.leaveLive();
  }

  #entered(replica: LiveReplica): Result<LiveInfo> {
    const live = replica.$live.get();
    if (!live || !replica.$joined.get())
      return fail(ErrorCode.LIVE_ENDED, `live "${replica.liveId}" has ended`);
    this.#batch(() => this.#$currentLive.set(live));
    return ok(live);
  }

  #applyJoin(replica: LiveReplica, data: JoinData): void {
    if (data.kind === 'snapshot') replica.applySnapshot(data.snapshot);
    else replica.applyReplay(data.events, data.seq);
    const live = replica.$live.get();
    if (live && replica.$joined.get() && this.#$currentLive.get()?.liveId === replica.liveId) {
      this.#batch(() => this.#$currentLive.set(live));
    }
  }

  /**
   * After a welcome that resumes (a reconnect, or a login as the same user after going offline):
   * join every live again from the last seq (the hub replays or sends a snapshot).
   */
  #resume(): void {
    for (const replica of this.#context.replicas.values()) {
      if (!replica.$joined.get()) continue;
      replica.beginJoin();
      void this.#connection
        .request('live.join', { liveId: replica.liveId, sinceSeq: replica.$seq.get() })
        .then((result) => {
          if (result.isSuccess) {
            this.#applyJoin(replica, result.data);
          } else if (
            result.errorCode === ErrorCode.DISCONNECTED ||
            result.errorCode === ErrorCode.SERVER_TIMEOUT
          ) {
            // Still joined: the next reconnect tries again.
            replica.abortJoin();
          } else {
            replica.abortJoin();
            this.#endLocally(replica, 'endedByServer');
          }
        });
    }
  }

  /** Logged out, or another user logged in: no live, no list. */
  #forget(): void {
    for (const replica of this.#context.replicas.values()) replica.reset();
    this.#$currentLive.set(null);
    this.#$liveList.set([]);
    this.#$liveListCursor.set('');
  }

  #endLocally(replica: LiveReplica, reason: LiveEndReason): void {
    if (replica.$ended.get() || !replica.$joined.get()) return;
    replica.markEnded();
    this.#ended(replica.liveId, reason);
  }

  #ended(liveId: string, reason: LiveEndReason): void {
    if (this.#$currentLive.get()?.liveId === liveId) this.#batch(() => this.#$currentLive.set(null));
    this.#listeners.emit('onLiveEnded', liveId, reason);
  }

  /** Updates stores as one batch; a throwing subscriber is reported, never propagated. */
  #batch(update: () => void): void {
    batchReported(this.#context.report, update);
  }
}

/** `list` with `page` after it: a live listed again moves to its place in `page`, never listed twice. */
function appendLives(list: readonly LiveSummary[], page: readonly LiveSummary[]): readonly LiveSummary[] {
  const ids = new Set(page.map((live) => live.liveId));
  return [...list.filter((live) => !ids.has(live.liveId)), ...page];
}
