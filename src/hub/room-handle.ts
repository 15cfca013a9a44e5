/**
 * The seam between the hub and the rooms it serves.
 *
 * The hub reaches the room of every live through one `RoomHandle`, and gets one from a
 * `RoomOpener`; nothing else in `src/hub` knows what stands behind them. Today that is always a
 * `LiveRoom` of the engine, in this process (`local-room.ts`, the only module of the hub that
 * imports the engine's room). A room owned by another process (lives shared by a cluster of
 * servers) is meant to stand behind the same two types, so that the hub's connections, fan-out,
 * replay buffer and reply cache stay as they are.
 *
 * What the hub relies on, and what another implementation must keep:
 *
 * - **Commands in, one `Result` out.** `join`, `leave`, `end` and `submit` carry a command for one
 *   user (always the connection's authenticated user, never a field of the arguments) and return
 *   its reply. Nothing is thrown for a broken rule: it is a failed `Result` with an `ErrorCode`.
 * - **Events out, in order.** Every change is one `EventEnvelope`, handed to the room's
 *   `RoomSubscriber` exactly once, in `seq` order (`1, 2, 3, …`), addressed to an audience class.
 *   The hub fans it out and keeps it for replay; the room never sees a connection.
 * - **Synchronous, today.** Every method answers at once, and the events a command causes reach
 *   the subscriber before the method returns, so a reply covers exactly the events up to `seq`
 *   (the hub's `live.join` depends on it: the events of the join are in its snapshot, and every
 *   later event has a higher `seq`). A room in another process can answer the queries (`seq`,
 *   `ended`, `roleOf`, `isMember`, `snapshotFor`, `canSignal`, `summary`) from a replica that its
 *   events keep up to date; its commands will need an asynchronous reply (`Promise<Result>`), a
 *   change of this interface and of the hub's command path (`#command`, `#create`, `#join` in
 *   `hub.ts`), not of the modules around it.
 */
import type { CreateLiveSettings, JoinOptions, RoomCommand } from '../engine/types.js';
import type { LiveSummary } from '../protocol/messages.js';
import type { Result } from '../protocol/result.js';
import type { EventEnvelope, LiveSnapshot, Role, UserInfo } from '../protocol/types.js';

/** Where the events of one room go: the hub's delivery for that live. Given when it is opened. */
export interface RoomSubscriber {
  /**
   * One event of the room, in `seq` order, exactly once. A local room calls it synchronously,
   * from inside the command or timer that caused the event.
   */
  onEnvelope(envelope: EventEnvelope): void;
  /**
   * An exception the room met while it ran on its own (a request or a grace period expiring),
   * typically thrown by `onEnvelope`. It is reported here, never thrown to a caller or a timer.
   */
  onError(error: unknown): void;
}

/** What `live.create` asks for: a new live, owned by the user who sent it. */
export interface OpenRoomRequest {
  /** The owner: the connection's authenticated user. */
  readonly owner: UserInfo;
  /** The validated arguments of `live.create` (`liveId`, `liveName`, seats, seat mode). */
  readonly settings: CreateLiveSettings;
}

/**
 * Opens a new room and subscribes `subscriber` to its events, or fails with the reply to
 * `live.create` (invalid settings, bad limits). The owner is the room's first member; opening
 * emits no event. The hub makes sure that `settings.liveId` is not open already.
 */
export type RoomOpener = (request: OpenRoomRequest, subscriber: RoomSubscriber) => Result<RoomHandle>;

/**
 * The room of one live, as the hub reaches it: the only way the hub reads or changes a room.
 *
 * Queries answer from the room's state now; commands act for one user (`actorId` / `user`) and
 * return the reply that user gets, while their events go to the room's `RoomSubscriber` before
 * the command returns. See the module's comment for what another implementation must keep.
 */
export interface RoomHandle {
  /** The `seq` of the last event handed to the subscriber; `0` before any. */
  readonly seq: number;
  /** Whether the live has ended (by its owner, its owner's grace running out, or `close`). */
  readonly ended: boolean;
  /** The live as `live.list` shows it. */
  summary(): LiveSummary;
  /** The role of `userId` in the live, or `null` for a non-member. */
  roleOf(userId: string): Role | null;
  /** Whether `userId` is a member (joined, not left, its grace not run out). */
  isMember(userId: string): boolean;
  /**
   * What `userId` may see now, as of `seq`. For a non-member: the public part (seats, count, the
   * live's info).
   */
  snapshotFor(userId: string): LiveSnapshot;
  /**
   * `live.join`: adds `user` as a member (a member already: marks them online again) and returns
   * their snapshot. `options.fresh`: the user's client starts with nothing of the live (a join
   * without `sinceSeq` from a connection that has not joined), so its old peer connections are gone.
   */
  join(user: UserInfo, options?: JoinOptions): Result<LiveSnapshot>;
  /** `live.leave`: the member leaves on purpose. The owner leaving ends the live. */
  leave(userId: string): Result;
  /** `live.end`: the owner ends the live for everyone. */
  end(userId: string): Result;
  /** Any other command of the room (`guest.*`, `seat.*`, `device.*`, `member.*`, `media.watch`…). */
  submit(actorId: string, command: RoomCommand): Result<unknown>;
  /**
   * Whether `fromId` may send WebRTC signals to `toId` (`media.signal`, which the hub relays
   * outside the room's sequence): only inside a watch pair, in either direction.
   */
  canSignal(fromId: string, toId: string): boolean;
  /** The member's connection dropped (`false`: its grace period starts) or came back (`true`). */
  setOnline(userId: string, online: boolean): void;
  /**
   * Ends the live with `endedByServer` (the members are told through the subscriber) and releases
   * the room's timers. Used on shutdown and when a new room could not seat its owner.
   */
  close(): void;
}
