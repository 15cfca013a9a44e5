import type { ReadableAtom } from 'nanostores';
import type { LiveSummary } from '../protocol/messages.js';
import type { Result } from '../protocol/result.js';
import type { LiveEndReason, LiveInfo, SeatMode } from '../protocol/types.js';
import type { ListenerSet } from './listeners.js';
import { getDefaultSession } from './session.js';

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

/** Events of the lives. Implement any subset. */
export interface LiveListListener {
  /** A live this session was in ended (Tencent `onLiveEnded`). */
  onLiveEnded?(liveId: string, reason: LiveEndReason): void;
}

/** @internal What a session gives its live-list store. */
export interface LiveListOps {
  readonly $currentLive: ReadableAtom<LiveInfo | null>;
  readonly $liveList: ReadableAtom<readonly LiveSummary[]>;
  readonly listeners: ListenerSet<LiveListListener>;
  createLive(params: CreateLiveParams): Promise<Result<LiveInfo>>;
  joinLive(liveId: string): Promise<Result<LiveInfo>>;
  leaveLive(): Promise<Result>;
  endLive(): Promise<Result>;
  fetchLiveList(): Promise<Result<{ readonly lives: readonly LiveSummary[] }>>;
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
  /** The lives of the last `fetchLiveList()`, with their member and seated counts. */
  readonly liveList: ReadableAtom<readonly LiveSummary[]>;

  readonly #ops: LiveListOps;

  /** @internal Created by its session. */
  constructor(ops: LiveListOps) {
    this.#ops = ops;
    this.currentLive = ops.$currentLive;
    this.liveList = ops.$liveList;
  }

  /** Creates a live owned by the logged-in user and enters it. */
  createLive(params: CreateLiveParams): Promise<Result<LiveInfo>> {
    return this.#ops.createLive(params);
  }

  /** Enters a live as audience (or as its owner, coming back). */
  joinLive(liveId: string): Promise<Result<LiveInfo>> {
    return this.#ops.joinLive(liveId);
  }

  /**
   * Leaves the current live; the owner leaving ends it. The session forgets the live whatever the
   * server answers (it will not resume it).
   */
  leaveLive(): Promise<Result> {
    return this.#ops.leaveLive();
  }

  /** Ends the current live for everyone (owner only). */
  endLive(): Promise<Result> {
    return this.#ops.endLive();
  }

  /** Fetches the open lives into `liveList`. */
  fetchLiveList(): Promise<Result<{ readonly lives: readonly LiveSummary[] }>> {
    return this.#ops.fetchLiveList();
  }

  /** Adds a live-list listener. */
  addLiveListListener(listener: LiveListListener): void {
    this.#ops.listeners.add(listener);
  }

  /** Removes a live-list listener. */
  removeLiveListListener(listener: LiveListListener): void {
    this.#ops.listeners.remove(listener);
  }
}
