/**
 * What the hub keeps per connection, per user and per room, and the short lists of live ids that
 * tie them together.
 *
 * Every member of a large live costs one `Connection` and one `UserRecord`, so these are kept
 * lean: records are written out as literals (never spread, so that they share one hidden class),
 * the lists of lives are arrays replaced on change, never grown in place (a member of one live
 * shares the room's frozen `[liveId]`), and the reply cache lives inline in the user's record.
 */
import type { TimerHandle } from '../engine/scheduler.js';
import { isManager } from '../protocol/roles.js';
import type { LiveEvent, UserInfo } from '../protocol/types.js';
import type { ReplayBuffer } from './replay-buffer.js';
import type { ReplySlots } from './reply-cache.js';
import type { RoomHandle } from './room-handle.js';
import type { HubConnection, HubPeer } from './types.js';

/** An event waiting for the next batch of a coalesced room (see `fan-out.ts`). */
export interface PendingEvent {
  readonly seq: number;
  readonly event: LiveEvent;
  /** `all` / `others`: everyone, or every non-manager, subscribed when the batch goes out. */
  readonly broadcast: 'all' | 'others' | null;
  /** The connections a targeted event was addressed to when it happened (empty for a broadcast). */
  readonly targets: readonly Connection[];
}

/** One open live: its room, its subscribers and what its fan-out and replay keep. */
export interface RoomRecord {
  readonly liveId: string;
  /** `[liveId]`, frozen: the list of lives of every member in this live only (see `withId`). */
  readonly only: readonly string[];
  /** `null` only while the room is being opened or found. */
  room: RoomHandle | null;
  /** While the room of a live of another process is being found (`HubOptions.findRoom`). */
  finding: Promise<void> | null;
  readonly buffer: ReplayBuffer;
  /**
   * The connections that joined this live and receive its events, by user: one per user (a newer
   * connection of a user is subscribed only once the older one is detached), so the values are
   * the subscribers, in the order they subscribed, and targeted events cost one lookup per named
   * user. (No separate set of subscribers: a member would cost one more hash entry.)
   */
  readonly byUser: Map<string, Connection>;
  /** The subscribed connections of the owner and administrators. */
  readonly managers: Set<Connection>;
  /** Events of a coalesced room not sent yet, in sequence order. */
  pending: PendingEvent[];
  /** The timer of the next batch, while events are pending. */
  flushTimer: TimerHandle | null;
  /** When `flushTimer` is due (scheduler time). */
  flushAt: number;
  /** When the last batch went out (scheduler time), `-Infinity` before the first. */
  lastFlush: number;
  /** When the audience was last sent a `member.count` in a batch, `-Infinity` before the first. */
  lastCount: number;
  /** Users the hub saw join and not yet leave. */
  readonly members: Set<string>;
  /** The user who created the live (its owner). */
  readonly ownerId: string;
  /** Its number in the hub's list of open lives (`live-directory.ts`); `0` while not listed. */
  listedAs: number;
  dropped: boolean;
}

/** A new, empty record of live `liveId` created by `ownerId`, its room not open yet. */
export function newRoomRecord(liveId: string, ownerId: string, buffer: ReplayBuffer): RoomRecord {
  return {
    liveId,
    only: Object.freeze([liveId]),
    room: null,
    finding: null,
    buffer,
    byUser: new Map(),
    managers: new Set(),
    pending: [],
    flushTimer: null,
    flushAt: Number.POSITIVE_INFINITY,
    lastFlush: Number.NEGATIVE_INFINITY,
    lastCount: Number.NEGATIVE_INFINITY,
    members: new Set(),
    ownerId,
    listedAs: 0,
    dropped: false,
  };
}

/**
 * One user known to the hub: connected, or a member of a live (in its grace period, say). Its
 * remembered replies are three fields of its own (`ReplySlots`, see `reply-cache.ts`): most
 * members of a large live send one command or two (the join) and stay idle, and cost no `Map`.
 */
export interface UserRecord extends ReplySlots {
  user: UserInfo;
  connection: Connection | null;
  /** Lives this user is a member of (joined, not left, not ended): a few ids (see `withId`). */
  lives: readonly string[];
}

/** A new record of `user`: no connection, no live, no remembered reply. */
export function newUserRecord(user: UserInfo): UserRecord {
  return { user, connection: null, lives: NO_IDS, replyId: null, reply: null, replies: null };
}

/** What a connection hands its frames and failures to: the hub. */
export interface ConnectionOwner {
  receive(connection: Connection, text: string): void;
  disconnected(connection: Connection): void;
  replaced(connection: Connection): void;
  reportError(error: unknown): void;
}

/** One attached transport of one user, and the lives whose events it receives. */
export class Connection implements HubConnection {
  readonly user: UserInfo;
  readonly peer: HubPeer;
  readonly record: UserRecord;
  /** The lives whose events this connection receives (see `withId`). */
  subscribed: readonly string[] = NO_IDS;
  #hub: ConnectionOwner;
  open = true;
  /**
   * While a command of this connection waits for its answer (a room of another process): the
   * frames that arrived meanwhile, handled in order once it is answered, so that the connection's
   * commands run and are answered in the order they were sent. `null` while none waits.
   */
  held: string[] | null = null;

  constructor(hub: ConnectionOwner, user: UserInfo, peer: HubPeer, record: UserRecord) {
    this.#hub = hub;
    this.user = user;
    this.peer = peer;
    this.record = record;
  }

  receive(text: string): void {
    this.#hub.receive(this, text);
  }

  disconnected(): void {
    this.#hub.disconnected(this);
  }

  replaced(): void {
    this.#hub.replaced(this);
  }

  /** Sends one frame while the connection is open; a failing peer is reported, never thrown. */
  send(text: string): void {
    if (!this.open) return;
    try {
      this.peer.send(text);
    } catch (error) {
      this.#hub.reportError(error);
    }
  }

  /** Closes the peer; a failing peer is reported, never thrown. */
  close(code: number, reason: string): void {
    try {
      this.peer.close(code, reason);
    } catch (error) {
      this.#hub.reportError(error);
    }
  }
}

/**
 * Adds `connection`'s user to the live's members and, when it is the user's current open
 * connection, to the live's fan-out (and to its managers, for the owner and administrators).
 */
export function subscribe(connection: Connection, record: RoomRecord): void {
  const userId = connection.user.userId;
  record.members.add(userId);
  connection.record.lives = withId(connection.record.lives, record);
  if (connection.open && connection.record.connection === connection) {
    record.byUser.set(userId, connection);
    if (record.room && isManager(record.room.roleOf(userId))) record.managers.add(connection);
    connection.subscribed = withId(connection.subscribed, record);
  }
}

/** Takes one connection out of a room's fan-out. */
export function unsubscribe(record: RoomRecord, connection: Connection): void {
  record.managers.delete(connection);
  if (record.byUser.get(connection.user.userId) === connection) record.byUser.delete(connection.user.userId);
}

/** No ids: the list of every record and connection that is in no live. */
export const NO_IDS: readonly string[] = Object.freeze([]);

/**
 * A short list of live ids (a user is in one live or a few: cheaper than a Set) plus the id of
 * `record`, once. The lists are kept per member and replaced, never changed in place, so that one
 * list can serve many members: a member in this live only gets the room's own `[liveId]`, and a
 * longer list is made at its length (an array that grows by `push` reserves room for 17 ids).
 */
export function withId(ids: readonly string[], record: RoomRecord): readonly string[] {
  if (ids.includes(record.liveId)) return ids;
  return ids.length === 0 ? record.only : ids.concat(record.liveId);
}

/** The list of ids without `id`. */
export function withoutId(ids: readonly string[], id: string): readonly string[] {
  if (!ids.includes(id)) return ids;
  return ids.length === 1 ? NO_IDS : ids.filter((other) => other !== id);
}
