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
 * - **Answers now or later.** The queries (`seq`, `ended`, `roleOf`, `isMember`, `snapshotFor`,
 *   `canSignal`, `summary`) answer at once. Opening and the commands answer with an `Answer`: a
 *   `Result` at once (a room of this process, so a local live costs no extra tick), or a promise
 *   of one (a room owned by another process of a cluster, whose queries answer from a replica
 *   that its events keep up to date). Either way, the events a command causes reach the
 *   subscriber before its answer is given (returned, or its promise settled), so a reply covers
 *   exactly the events up to `seq` (the hub's `live.join` depends on it: the events of the join
 *   are in its snapshot, and every later event has a higher `seq`). A promise never rejects for a
 *   broken rule or an unreachable owner: that is a failed `Result` too.
 */
import type { CreateLiveSettings, JoinOptions, RoomCommand } from '../engine/types.js';
import type { LiveSummary } from '../protocol/messages.js';
import type { Result } from '../protocol/result.js';
import type { EventEnvelope, LiveSnapshot, Role, UserInfo } from '../protocol/types.js';

/**
 * The answer of a command or of opening a room: a `Result` now (a room of this process), or a
 * promise of one (a room of another process). It settles only after the events it caused have
 * reached the room's subscriber.
 */
export type Answer<T = undefined> = Result<T> | Promise<Result<T>>;

/**
 * Calls `then` with the result of `answer`: at once when it is a `Result` (no extra tick), once it
 * settles when it is a promise.
 */
export function whenAnswered<T, U>(answer: Answer<T>, then: (result: Result<T>) => Answer<U>): Answer<U> {
  return answer instanceof Promise ? answer.then(then) : then(answer);
}

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
export type RoomOpener = (request: OpenRoomRequest, subscriber: RoomSubscriber) => Answer<RoomHandle>;

/**
 * The room of one live, as the hub reaches it: the only way the hub reads or changes a room.
 *
 * Queries answer from the room's state now; commands act for one user (`actorId` / `user`) and
 * answer with the reply that user gets (now or later), while their events go to the room's
 * `RoomSubscriber` before the answer is given. See the module's comment for what another implementation must keep.
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
  join(user: UserInfo, options?: JoinOptions): Answer<LiveSnapshot>;
  /** `live.leave`: the member leaves on purpose. The owner leaving ends the live. */
  leave(userId: string): Answer;
  /** `live.end`: the owner ends the live for everyone. */
  end(userId: string): Answer;
  /** Any other command of the room (`guest.*`, `seat.*`, `device.*`, `member.*`, `media.watch`…). */
  submit(actorId: string, command: RoomCommand): Answer<unknown>;
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
