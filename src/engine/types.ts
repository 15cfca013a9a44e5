import type { CommandArgs, CommandName, LiveSummary } from '../protocol/messages.js';
import type { Result } from '../protocol/result.js';
import type {
  DeviceStatus,
  EventEnvelope,
  LiveInfo,
  LiveSnapshot,
  RequestOutcome,
  Role,
  SeatApplication,
  SeatInvitation,
  UserInfo,
} from '../protocol/types.js';
import type { Scheduler } from './scheduler.js';

/** Limits of one room. Defaults in `DEFAULT_ROOM_LIMITS`, documented in `docs/protocol.md`. */
export interface RoomLimits {
  /** Members in one live, owner included. Default 10,000. */
  readonly maxMembers: number;
  /** Pending applications in one live. Default 1,000. */
  readonly maxPendingApplications: number;
  /** How long a member who lost its connection keeps its seat and requests, in ms. Default 20,000. */
  readonly graceMs: number;
  /**
   * Viewers one publisher (a seat holder) sends media to, each a peer connection and an upload of
   * its video. Default 8 (about what a 10 Mbit/s home uplink carries at 360p–720p). `0` turns media
   * off.
   */
  readonly maxViewersPerPublisher: number;
  /**
   * Applications one user may make in any 60 seconds (those that wait for a host; a seat taken at
   * once does not count), so that nobody floods the hosts' lists by applying and cancelling.
   * Leaving and joining again does not reset it. Default 10; `0` turns the limit off.
   */
  readonly maxApplicationsPerMinute: number;
}

export const DEFAULT_ROOM_LIMITS: RoomLimits = {
  maxMembers: 10_000,
  maxPendingApplications: 1_000,
  graceMs: 20_000,
  maxViewersPerPublisher: 8,
  maxApplicationsPerMinute: 10,
};

/** The settings of `live.create` after validation. */
export type CreateLiveSettings = CommandArgs<'live.create'>;

/**
 * Commands that act inside an existing room: everything but create, join, leave, end and list,
 * and `media.signal`, which the hub relays outside the room's sequence (see `canSignal`).
 */
export type RoomCommandName = Exclude<
  CommandName,
  'live.create' | 'live.join' | 'live.leave' | 'live.end' | 'live.list' | 'media.signal'
>;

/** One command for `LiveRoom.execute`, with its validated arguments. */
export type RoomCommand = {
  [N in RoomCommandName]: { readonly name: N; readonly args: CommandArgs<N> };
}[RoomCommandName];

export interface LiveRoomOptions {
  readonly owner: UserInfo;
  readonly settings: CreateLiveSettings;
  readonly scheduler: Scheduler;
  readonly limits?: Partial<RoomLimits>;
  /** Receives every event, in sequence order, synchronously, as it happens. */
  readonly emit: (envelope: EventEnvelope) => void;
}

/** How a member joins (`LiveRoomApi.join`). */
export interface JoinOptions {
  /** The client has no state of the live (default `false`: a resume keeps the watch pairs). */
  readonly fresh?: boolean;
}

/**
 * The authoritative state of one live room and the rules that change it. Pure: no I/O; time only
 * through the injected scheduler; every change is reported through `emit`.
 */
export interface LiveRoomApi {
  readonly liveId: string;
  /** Sequence number of the last emitted event (0 before any). */
  readonly seq: number;
  readonly ended: boolean;
  info(): LiveInfo;
  summary(): LiveSummary;
  roleOf(userId: string): Role | null;
  isMember(userId: string): boolean;
  /** What `userId` may see now. For a non-member: the public part (seats, count, live info). */
  snapshotFor(userId: string): LiveSnapshot;
  /**
   * Adds a member (or, for an existing member, marks them online again) and returns their snapshot.
   * `fresh`: the member's client starts with nothing of the live (a new page, a reload: `live.join`
   * without `sinceSeq`), so the peer connections of its previous client are gone; an existing
   * member's watch pairs end and the other side of each is told (`media.viewer` `left`).
   */
  join(user: UserInfo, options?: JoinOptions): Result<LiveSnapshot>;
  /** A member leaves on purpose. The owner leaving ends the live (`endedByHost`). */
  leave(userId: string): Result;
  /** The owner ends the live for everyone. */
  end(userId: string): Result;
  /** Runs one command for `actorId`. The actor is never taken from the arguments. */
  execute(actorId: string, command: RoomCommand): Result<unknown>;
  /**
   * Whether `fromId` may send WebRTC signals to `toId`: only inside a watch pair, in either
   * direction, while the live goes on.
   */
  canSignal(fromId: string, toId: string): boolean;
  /** The viewers of `publisherId`, in the order they started watching (empty for a non-publisher). */
  viewersOf(publisherId: string): readonly string[];
  /** The member's connection dropped (`false`) or came back (`true`); drives the grace period. */
  setOnline(userId: string, online: boolean): void;
  /** Ends the live with `endedByServer` (server shutdown) and clears every timer. */
  dispose(): void;
  /** Everything the room needs to go on in another process, as plain JSON (`LiveRoom.restore` reads it). */
  checkpoint(options?: CheckpointOptions): RoomCheckpoint;
  /**
   * Silently puts back an audience member that `checkpoint({ audience: false })` left out (no event,
   * no `seq`); nothing for an existing member.
   */
  readmit(user: UserInfo, joinedAt: number): Result;
}

/** The `version` of the checkpoints `LiveRoom.checkpoint()` writes and `LiveRoom.restore()` reads. */
export const ROOM_CHECKPOINT_VERSION = 1;

/**
 * Everything a room needs to go on in another process, as plain JSON (`JSON.parse(JSON.stringify(c))`
 * restores to the same room). Every time in it is an **absolute** instant of the room's clock (epoch
 * ms of its scheduler), never a remaining duration, so that a room restored later re-arms each timer
 * for the instant it was due. Written by `LiveRoom.checkpoint()`, read (and validated) by
 * `LiveRoom.restore()`; see `docs/architecture.md`, "The pure engine".
 *
 * What it does not hold: caches (the objects shared between snapshots), the scheduler's handles, and
 * with `{ audience: false }` the plain audience members (see `omittedAudience`).
 */
export interface RoomCheckpoint {
  /** `ROOM_CHECKPOINT_VERSION` when written; a reader refuses a version it does not know. */
  readonly version: typeof ROOM_CHECKPOINT_VERSION;
  /** The live's settings as created (`liveId`, owner, seat mode, seat count, `createdAt`…). */
  readonly live: LiveInfo;
  /** The limits the room was created with; a restored room keeps them. */
  readonly limits: RoomLimits;
  /** The `seq` of the last event emitted; the restored room's next event is `seq + 1`. */
  readonly seq: number;
  readonly ended: boolean;
  /** The room's clock when the checkpoint was taken (epoch ms). Informative: restoring does not use it. */
  readonly takenAt: number;
  /** The number in the next application's `requestId` (`app-<n>`). */
  readonly nextApplicationId: number;
  /** The number in the next invitation's `requestId` (`inv-<n>`). */
  readonly nextInvitationId: number;
  /** Members in join order, the owner first. */
  readonly members: readonly CheckpointMember[];
  /**
   * How many plain audience members `checkpoint({ audience: false })` left out (0 otherwise): online,
   * unseated, without a pending request, a past application or a watch pair. Put them back with
   * `LiveRoom.readmit`.
   */
  readonly omittedAudience: number;
  /** Every seat, by index: locks and the occupant with their devices. */
  readonly seats: readonly CheckpointSeat[];
  /** Pending applications in arrival order; a timed one times out at `deadline`. */
  readonly applications: readonly SeatApplication[];
  /** Pending invitations in creation order; a timed one times out at `deadline`. */
  readonly invitations: readonly SeatInvitation[];
  /** The room's running timers in the order they were armed (ties at one instant fire in this order). */
  readonly timers: readonly CheckpointTimer[];
  /** Watch pairs: each publisher's viewers in the order they started watching. */
  readonly viewers: readonly { readonly publisherId: string; readonly viewerIds: readonly string[] }[];
  /**
   * The applications each user made within the last minute (epoch ms), for
   * `maxApplicationsPerMinute`; by user id.
   */
  readonly applicationTimes: readonly { readonly userId: string; readonly times: readonly number[] }[];
}

/** One member in a `RoomCheckpoint`. Their seat and requests are found in `seats`, `applications`, `invitations`. */
export interface CheckpointMember {
  readonly user: UserInfo;
  readonly role: Role;
  /** Epoch ms. */
  readonly joinedAt: number;
  readonly online: boolean;
  /** While the member is offline in a live that goes on: when their grace period ends (epoch ms). */
  readonly graceDeadline: number | null;
  /** How the member's most recent application ended, for "already handled" replies. */
  readonly lastApplication: { readonly outcome: RequestOutcome; readonly by: UserInfo | null } | null;
}

/** One seat in a `RoomCheckpoint`. */
export interface CheckpointSeat {
  readonly index: number;
  readonly isLocked: boolean;
  readonly isAudioLocked: boolean;
  readonly isVideoLocked: boolean;
  readonly occupant: {
    readonly userId: string;
    readonly microphone: DeviceStatus;
    readonly camera: DeviceStatus;
    /** Epoch ms when they sat down. */
    readonly since: number;
  } | null;
}

/** A running timer of a `RoomCheckpoint`; its deadline is the request's `deadline` or the member's `graceDeadline`. */
export type CheckpointTimer =
  | { readonly kind: 'application' | 'invitation'; readonly requestId: string }
  | { readonly kind: 'grace'; readonly userId: string };

/** What `LiveRoom.checkpoint` takes. */
export interface CheckpointOptions {
  /**
   * `false` leaves out the plain audience members (see `RoomCheckpoint.omittedAudience`), so that a
   * large room's checkpoint does not grow with every viewer who joins. Default `true`.
   */
  readonly audience?: boolean;
}
