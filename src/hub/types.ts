/**
 * The hub's public contract: its options with their defaults, the hub itself, one connection and
 * the transport (peer) behind it. No code but the defaults.
 */
import type { Scheduler } from '../engine/scheduler.js';
import type { RoomLimits } from '../engine/types.js';
import type {
  CommandArgs,
  CommandName,
  LiveListPage,
  ProtocolLimits,
  ServerMessage,
  SfuPush,
} from '../protocol/messages.js';
import type { Result } from '../protocol/result.js';
import type { LiveEvent, SeatInfo, SignalData, UserInfo } from '../protocol/types.js';
import type { Answer, RoomHandle, RoomOpener, RoomSubscriber } from './room-handle.js';

/** Options of `createHub`. Every one is optional. */
export interface HubOptions {
  /** The clock and timers of every room. Default `realScheduler`; tests pass a `ManualScheduler`. */
  scheduler?: Scheduler;
  /** Limits of each room; missing fields take `DEFAULT_ROOM_LIMITS` (10,000 members, 1,000 pending applications, 20,000 ms grace, 8 viewers per publisher). */
  roomLimits?: Partial<RoomLimits>;
  /** Limits on strings in commands; missing fields take `DEFAULT_PROTOCOL_LIMITS` (extraInfo 256, liveName 64, timeout 600 s). */
  protocolLimits?: Partial<ProtocolLimits>;
  /** Events kept per room for `live.join {sinceSeq}` resume. Default 512. */
  replayBufferSize?: number;
  /** Replies remembered per user for repeated command ids. Default 256. */
  replyCacheSize?: number;
  /**
   * Open lives one user may own at once: `live.create` past it is refused with `LIMIT_EXCEEDED`
   * until one of them ends. `0`: no limit. Default 3.
   */
  maxLivesPerUser?: number;
  /** How a large room's events are coalesced; missing fields take `DEFAULT_FAN_OUT`. */
  fanOut?: Partial<FanOutOptions>;
  /**
   * Turns a server message into wire text. Default `JSON.stringify`. Called once per reply, once
   * per event envelope whatever the number of recipients, and in a coalesced room once per batch
   * shared by a class of recipients (plus one per member that a batch names personally); once more
   * when a long remembered reply (a snapshot) is sent again for a repeated command id. It must
   * give the same text for the same message.
   */
  serialize?: (message: ServerMessage) => string;
  /** Told about unexpected exceptions (a bug in a room or a peer). Default: ignored. */
  onError?: (error: unknown) => void;
  /**
   * The SFU mode (docs/media.md, "SFU mode"): makes the media server of the hub, given the hub's
   * side of it. Without it media moves as a mesh and `media.sfu.*` commands are refused with
   * `MEDIA_NOT_ALLOWED`.
   */
  media?: (hub: MediaHubSide) => HubMedia;
  /**
   * Opens the room of each new live (`room-handle.ts`). Default: a `LiveRoom` of this process
   * with `scheduler` and `roomLimits` (`localRoomOpener`). A cluster of servers gives one whose
   * rooms may live in another process and answer later.
   */
  openRoom?: RoomOpener;
  /**
   * Finds the room of a live that is not open in this hub, for `live.join`: a live of another
   * process of a cluster, subscribed to `subscriber`; a failed `Result` (`LIVE_NOT_FOUND`) when
   * there is none. Default: none, a live not open in this hub does not exist.
   */
  findRoom?: (liveId: string, subscriber: RoomSubscriber) => Answer<RoomHandle>;
  /** Answers `live.list` (a cluster's lives). Default: the lives open in this hub. */
  listLives?: (cursor: string, count: number) => Answer<LiveListPage>;
  /**
   * Relays a `media.signal`, already allowed, whose recipient has no connection in this hub (a
   * member connected to another process of a cluster, which calls its hub's `deliverSignal`).
   * Default: none, the signal is not delivered.
   */
  relaySignal?: (signal: RelayedSignal) => Answer<{ delivered: boolean }>;
}

/** A WebRTC signal between two members of a live, relayed between the processes of a cluster. */
export interface RelayedSignal {
  readonly liveId: string;
  readonly from: string;
  readonly to: string;
  readonly data: SignalData;
}

/** What the hub offers its media server: pushes to one user, and the seats of a live. */
export interface MediaHubSide {
  /** Sends `data` to `userId`'s connection if it is subscribed to `liveId`; whether it was sent. */
  push(userId: string, liveId: string, data: SfuPush): boolean;
  /** The seats of an open live now, or `null` when it is not open. */
  seats(liveId: string): readonly SeatInfo[] | null;
  /** Reports an unexpected exception (the hub's `onError`). */
  reportError(error: unknown): void;
}

/** A `media.sfu.*` command of a member, for the hub's media server. */
export interface MediaCommand {
  readonly userId: string;
  readonly liveId: string;
  readonly name: SfuCommandName;
  readonly args: CommandArgs<SfuCommandName>;
}

/** The commands of the SFU mode. */
export type SfuCommandName = Extract<CommandName, `media.sfu.${string}`>;

/**
 * The media server of a hub in SFU mode. It runs beside the rooms, never inside them: it follows
 * each live through its events and answers its own commands asynchronously (their replies are not
 * remembered, like signals'). It never throws: a failure is a failed `Result`.
 */
export interface HubMedia {
  /** Answers a `media.sfu.*` command of a member of an open live. */
  command(command: MediaCommand): Promise<Result<unknown>>;
  /** Every event of every live, after the hub has sent it to the live's members. */
  onEvent(liveId: string, event: LiveEvent): void;
  /** The hub shuts down: release everything. */
  close(): void;
}

/**
 * Coalescing of a large room's fan-out. In a room with more subscribed connections than
 * `coalesceAbove`, events are not sent one by one: they are kept for at most `intervalMs` and go
 * out as one `batch` message per member, in which a newer `seats` or `member.count` replaces an
 * older one. Every member then receives at most `1000 / intervalMs` room updates per second,
 * however busy the room. Smaller rooms get every event at once.
 */
export interface FanOutOptions {
  /** Subscribed connections above which a room's events are coalesced. Default 1,000. */
  readonly coalesceAbove: number;
  /** The shortest time between two batches of one room, in ms. Default 100 (≤ 10 per second). */
  readonly intervalMs: number;
  /**
   * In a coalesced room, how many connections per second the audience's `member.count` may be sent
   * to. A count that travels alone (nothing else for the audience is pending) waits until
   * `subscribers / countFanOutPerSecond` seconds (at least `intervalMs`) have passed since the last
   * count went out, so audience joins and leaves cost a bounded number of sends per second however
   * large the room; a count rides along at once with any other batch to the audience. Default
   * 10,000 (the count of a room of 20,000 goes out at most every 2 s when it alone changes).
   */
  readonly countFanOutPerSecond: number;
}

/** The defaults of `FanOutOptions`. */
export const DEFAULT_FAN_OUT: FanOutOptions = {
  coalesceAbove: 1_000,
  intervalMs: 100,
  countFanOutPerSecond: 10_000,
};

/** One transport to one client, as the hub sees it. */
export interface HubPeer {
  /**
   * Sends one text frame. It may deliver synchronously: a `receive` made from inside `send` is
   * queued and handled once the hub has finished the current message.
   */
  send(text: string): void;
  /** Closes the transport with a close code from `CloseCode`. */
  close(code: number, reason: string): void;
}

export interface Hub {
  /**
   * Attach an authenticated user. Sends the WelcomeMessage through `peer.send` at once. A second
   * connection of the same userId replaces the first: the old peer gets a ByeMessage
   * `{reason:'replaced'}` and `close(CloseCode.REPLACED)`, and its disconnect does NOT start a grace
   * period.
   */
  connect(user: UserInfo, peer: HubPeer): HubConnection;
  /** Number of open lives. */
  readonly liveCount: number;
  /** Number of attached connections. */
  readonly connectionCount: number;
  /** Sends ByeMessage `{reason:'shutdown'}` to every peer and closes them with GOING_AWAY; disposes rooms. */
  shutdown(message?: string): void;
  /**
   * A signal relayed from another process of a cluster (`HubOptions.relaySignal` there): sent to
   * `to`'s connection if it is subscribed to the live; whether it was sent.
   */
  deliverSignal?(signal: RelayedSignal): boolean;
}

export interface HubConnection {
  readonly user: UserInfo;
  /** One text frame from the client. Never throws. */
  receive(text: string): void;
  /** The transport closed: each live this user is in gets `setOnline(false)` (grace). */
  disconnected(): void;
  /**
   * The same user signed in again on another server of a cluster: as for a second connection to
   * this hub, the peer gets a ByeMessage `{reason:'replaced'}` and `close(CloseCode.REPLACED)`,
   * and no grace period starts. (Optional: a wrapper of a hub without cluster need not pass it on.)
   */
  replaced?(): void;
}

/** Events kept per room for `live.join {sinceSeq}` resume (`HubOptions.replayBufferSize`). */
export const DEFAULT_REPLAY_BUFFER_SIZE = 512;
/** Replies remembered per user for repeated command ids (`HubOptions.replyCacheSize`). */
export const DEFAULT_REPLY_CACHE_SIZE = 256;
/** Open lives one user may own at once (`HubOptions.maxLivesPerUser`). */
export const DEFAULT_MAX_LIVES_PER_USER = 3;
