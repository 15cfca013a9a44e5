/**
 * The room engine: the authoritative state of one live and every rule that changes it (see
 * `docs/rules.md`). Pure: no I/O, time only through the injected scheduler, every change reported
 * through `emit`, synchronously and in sequence order.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { CommandArgs, LiveSummary } from '../protocol/messages.js';
import { fail, ok, type Failure, type Result } from '../protocol/result.js';
import { sameSeat } from '../protocol/same-seat.js';
import type {
  Audience,
  Device,
  DeviceStatus,
  LeaveReason,
  LiveEndReason,
  LiveEvent,
  LiveInfo,
  LiveMember,
  LiveSnapshot,
  MoveSeatPolicy,
  RequestOutcome,
  Role,
  SeatApplication,
  SeatInfo,
  SeatInvitation,
  SeatMode,
  UserInfo,
} from '../protocol/types.js';
import { isManager, MAX_SEAT_COUNT } from '../protocol/roles.js';
import { parseCheckpoint, type CheckpointResult } from './checkpoint.js';
import type { Scheduler, TimerHandle } from './scheduler.js';
import {
  chooseSeat,
  DEFAULT_SEAT_COUNT,
  describeSeatRefusal,
  isSeatIndex,
  type SeatChoice,
} from './seats.js';
import {
  DEFAULT_ROOM_LIMITS,
  ROOM_CHECKPOINT_VERSION,
  type CheckpointMember,
  type CheckpointOptions,
  type CheckpointTimer,
  type JoinOptions,
  type LiveRoomApi,
  type LiveRoomOptions,
  type RoomCheckpoint,
  type RoomCommand,
  type RoomLimits,
} from './types.js';

/** `LiveRoomOptions` plus what only this implementation needs. */
export interface LiveRoomCreateOptions extends LiveRoomOptions {
  /**
   * Receives an exception thrown while a timer of the room ran (a request or a grace period
   * expiring), typically from `emit`. Such exceptions never reach the scheduler. Default: ignored.
   */
  readonly onError?: (error: unknown) => void;
}

/** What `LiveRoom.restore` needs besides the checkpoint: the dependencies of `LiveRoom.create`. */
export type LiveRoomRestoreOptions = Pick<LiveRoomCreateOptions, 'scheduler' | 'emit' | 'onError'>;

/** A running timer of the room: its handle, the instant it is due, and the order it was armed in. */
interface Armed {
  readonly handle: TimerHandle;
  /** Epoch ms of the room's clock. */
  readonly deadline: number;
  /** Arming order within the room (ties at one instant fire in this order); kept by checkpoints. */
  readonly serial: number;
}

interface Member {
  readonly user: UserInfo;
  role: Role;
  readonly joinedAt: number;
  /** Join order within this room (restored members first, in their order). */
  readonly order: number;
  online: boolean;
  /** Running while the member is offline; on expiry the member is removed. */
  graceTimer: Armed | null;
  seatIndex: number | null;
  /** The member's pending application, if any. */
  application: PendingApplication | null;
  /** The pending invitation addressed to the member, if any. */
  invitation: PendingInvitation | null;
  /** How the member's most recent application ended, for "already handled" replies. */
  lastApplication: { readonly outcome: RequestOutcome; readonly by: UserInfo | null } | null;
  /**
   * The member as events and snapshots show it, made on first use and dropped whenever `role`
   * changes (its other fields never do): the `member.joined` event and every snapshot of a
   * member's own view, which the hub keeps as the remembered `live.join` reply, share one object.
   */
  view: LiveMember | null;
}

/** The user on a seat. Devices belong to the occupant and move with them. */
interface Occupant {
  readonly userId: string;
  microphone: DeviceStatus;
  camera: DeviceStatus;
  readonly since: number;
}

interface Seat {
  readonly index: number;
  isLocked: boolean;
  isAudioLocked: boolean;
  isVideoLocked: boolean;
  occupant: Occupant | null;
}

interface PendingApplication {
  readonly application: SeatApplication;
  timer: Armed | null;
}

interface PendingInvitation {
  readonly invitation: SeatInvitation;
  timer: Armed | null;
}

const ALL: Audience = { kind: 'all' };
const MANAGERS: Audience = { kind: 'managers' };
const OTHERS: Audience = { kind: 'others' };
const users = (...userIds: string[]): Audience => ({ kind: 'users', userIds });
const managersAnd = (...userIds: string[]): Audience => ({ kind: 'managersAnd', userIds });

/**
 * The empty list of a snapshot. An audience member's snapshot usually has no application and no
 * invitation, and the hub may keep that snapshot for as long as the member stays (a remembered
 * reply): one shared, frozen array instead of two per member.
 */
const NONE: readonly never[] = Object.freeze([]);

/** The window of `maxApplicationsPerMinute`. */
const APPLICATION_WINDOW_MS = 60_000;

const DEVICE_FIELD = { microphone: 'microphone', camera: 'camera' } as const;
const LOCK_FIELD = { microphone: 'isAudioLocked', camera: 'isVideoLocked' } as const;

function label(user: UserInfo): string {
  return user.userName && user.userName !== user.userId ? `${user.userName} (${user.userId})` : user.userId;
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * One live room. Create it with `LiveRoom.create`; drive it with `join`, `leave`, `end`, `execute`
 * and `setOnline`; read it with `snapshotFor` and `summary`.
 */
export class LiveRoom implements LiveRoomApi {
  /**
   * Validates the settings and creates the room. The owner is its first member, online, and sits on
   * seat 0 when `keepOwnerOnSeat` (default `true`). No event is emitted.
   */
  static create(options: LiveRoomCreateOptions): Result<LiveRoom> {
    // Callers outside TypeScript may omit defaulted settings; apply the protocol's defaults.
    const settings = options.settings as Partial<LiveRoomOptions['settings']>;
    const maxSeatCount = settings.maxSeatCount ?? DEFAULT_SEAT_COUNT;
    const seatMode: SeatMode = settings.seatMode ?? 'apply';
    if (typeof settings.liveId !== 'string' || settings.liveId.length === 0) {
      return fail(ErrorCode.INVALID_ARGUMENT, 'A live needs a non-empty liveId.');
    }
    if (typeof options.owner.userId !== 'string' || options.owner.userId.length === 0) {
      return fail(ErrorCode.INVALID_ARGUMENT, 'The owner needs a non-empty userId.');
    }
    if (!Number.isInteger(maxSeatCount) || maxSeatCount < 1 || maxSeatCount > MAX_SEAT_COUNT) {
      return fail(
        ErrorCode.MAX_SEAT_COUNT_LIMIT,
        `The maxSeatCount must be an integer from 1 to ${MAX_SEAT_COUNT}; got ${String(maxSeatCount)}.`,
      );
    }
    if (seatMode !== 'apply' && seatMode !== 'free') {
      return fail(
        ErrorCode.INVALID_ARGUMENT,
        `The seatMode must be "apply" or "free"; got ${String(seatMode)}.`,
      );
    }
    const limits: RoomLimits = { ...DEFAULT_ROOM_LIMITS, ...options.limits };
    if (!isNonNegativeInteger(limits.maxMembers) || limits.maxMembers < 1) {
      return fail(ErrorCode.INVALID_ARGUMENT, 'The limit maxMembers must be an integer of at least 1.');
    }
    if (!isNonNegativeInteger(limits.maxPendingApplications)) {
      return fail(
        ErrorCode.INVALID_ARGUMENT,
        'The limit maxPendingApplications must be a non-negative integer.',
      );
    }
    if (typeof limits.graceMs !== 'number' || !Number.isFinite(limits.graceMs) || limits.graceMs < 0) {
      return fail(
        ErrorCode.INVALID_ARGUMENT,
        'The limit graceMs must be a non-negative number of milliseconds.',
      );
    }
    if (!isNonNegativeInteger(limits.maxViewersPerPublisher)) {
      return fail(
        ErrorCode.INVALID_ARGUMENT,
        'The limit maxViewersPerPublisher must be a non-negative integer.',
      );
    }
    if (!isNonNegativeInteger(limits.maxApplicationsPerMinute)) {
      return fail(
        ErrorCode.INVALID_ARGUMENT,
        'The limit maxApplicationsPerMinute must be a non-negative integer.',
      );
    }
    const live: LiveInfo = {
      liveId: settings.liveId,
      liveName: settings.liveName ?? '',
      owner: {
        userId: options.owner.userId,
        userName: options.owner.userName,
        avatarUrl: options.owner.avatarUrl,
      },
      seatMode,
      maxSeatCount,
      keepOwnerOnSeat: settings.keepOwnerOnSeat ?? true,
      createdAt: options.scheduler.now(),
    };
    return ok(new LiveRoom(live, limits, options, null));
  }

  /**
   * A room that goes on from `checkpoint` (from `checkpoint()`, typically through JSON and another
   * process), with new dependencies. Emits nothing: the next event is `checkpoint.seq + 1`. Every
   * timer is armed again for its absolute deadline; one already past fires at the scheduler's next
   * turn (a `ManualScheduler`'s next `advance`), once. A checkpoint of another version or a
   * malformed one is refused (`INVALID_ARGUMENT`, with `reason` `unknown-version` or `malformed`).
   */
  static restore(checkpoint: unknown, options: LiveRoomRestoreOptions): CheckpointResult<LiveRoom> {
    const parsed = parseCheckpoint(checkpoint);
    if (!parsed.isSuccess) return parsed;
    return ok(new LiveRoom(parsed.data.live, parsed.data.limits, options, parsed.data));
  }

  readonly #live: LiveInfo;
  readonly #limits: RoomLimits;
  readonly #scheduler: Scheduler;
  readonly #emitEnvelope: LiveRoomOptions['emit'];
  readonly #onError: (error: unknown) => void;
  /** In join order; the owner first. */
  readonly #members = new Map<string, Member>();
  readonly #seats: Seat[];
  /** Pending applications in arrival order. */
  readonly #applications = new Map<string, PendingApplication>();
  /** Pending invitations in creation order. */
  readonly #invitations = new Map<string, PendingInvitation>();
  /** Watch pairs: publisher id → viewer ids, in the order they started watching. */
  readonly #viewers = new Map<string, Set<string>>();
  /** When each user's recent applications were made (server ms), for `maxApplicationsPerMinute`. */
  readonly #applicationTimes = new Map<string, number[]>();
  /** The last array `#seatInfos` handed out. */
  #lastSeatInfos: SeatInfo[] | null = null;
  #seq = 0;
  #ended = false;
  #nextApplicationId = 1;
  #nextInvitationId = 1;
  /** The `serial` of the next timer armed. */
  #timerSerial = 0;
  /** The `order` of the next member. */
  #memberSerial = 0;
  /**
   * Members who were ever an administrator, offline or an applicant: with the seats, requests and
   * watch pairs, where `checkpoint({ audience: false })` looks for what to keep without going
   * through every member of a large room. May hold members who are plain audience again.
   */
  readonly #marked = new Set<Member>();

  private constructor(
    live: LiveInfo,
    limits: RoomLimits,
    options: LiveRoomRestoreOptions,
    checkpoint: RoomCheckpoint | null,
  ) {
    this.#live = live;
    this.#limits = limits;
    this.#scheduler = options.scheduler;
    this.#emitEnvelope = options.emit;
    this.#onError = options.onError ?? (() => undefined);
    this.#seats = Array.from({ length: live.maxSeatCount }, (_, index) => ({
      index,
      isLocked: false,
      isAudioLocked: false,
      isVideoLocked: false,
      occupant: null,
    }));
    if (checkpoint !== null) {
      this.#load(checkpoint);
      return;
    }
    const owner = this.#newMember(live.owner, 'owner');
    this.#members.set(owner.user.userId, owner);
    if (live.keepOwnerOnSeat) this.#place(owner, 0);
  }

  get liveId(): string {
    return this.#live.liveId;
  }

  get seq(): number {
    return this.#seq;
  }

  get ended(): boolean {
    return this.#ended;
  }

  info(): LiveInfo {
    return this.#live;
  }

  summary(): LiveSummary {
    const live = this.#live;
    const seatedCount = this.#seats.reduce((count, seat) => count + (seat.occupant === null ? 0 : 1), 0);
    return {
      liveId: live.liveId,
      liveName: live.liveName,
      owner: live.owner,
      seatMode: live.seatMode,
      maxSeatCount: live.maxSeatCount,
      seatedCount,
      memberCount: this.#members.size,
      createdAt: live.createdAt,
    };
  }

  roleOf(userId: string): Role | null {
    return this.#members.get(userId)?.role ?? null;
  }

  isMember(userId: string): boolean {
    return this.#members.has(userId);
  }

  canSignal(fromId: string, toId: string): boolean {
    if (this.#ended || fromId === toId) return false;
    return this.#viewers.get(fromId)?.has(toId) === true || this.#viewers.get(toId)?.has(fromId) === true;
  }

  viewersOf(publisherId: string): readonly string[] {
    return [...(this.#viewers.get(publisherId) ?? [])];
  }

  snapshotFor(userId: string): LiveSnapshot {
    const viewer = this.#members.get(userId);
    const manager = viewer !== undefined && isManager(viewer.role);
    let members: readonly LiveMember[] = NONE;
    let applications: readonly SeatApplication[] = NONE;
    let invitations: readonly SeatInvitation[] = NONE;
    if (manager) {
      members = Array.from(this.#members.values(), (member) => this.#toLiveMember(member));
      applications = Array.from(this.#applications.values(), (pending) => pending.application);
      invitations = Array.from(this.#invitations.values(), (pending) => pending.invitation);
    } else if (viewer !== undefined) {
      members = [this.#toLiveMember(viewer)];
      if (viewer.application !== null) applications = [viewer.application.application];
      if (viewer.invitation !== null) invitations = [viewer.invitation.invitation];
    }
    return {
      live: this.#live,
      seats: this.#seatInfos(),
      members,
      memberCount: this.#members.size,
      applications,
      invitations,
      seq: this.#seq,
    };
  }

  join(user: UserInfo, options: JoinOptions = {}): Result<LiveSnapshot> {
    return this.#guard('live.join', () => {
      if (this.#ended) return this.#endedFailure();
      if (typeof user.userId !== 'string' || user.userId.length === 0) {
        return fail(ErrorCode.INVALID_ARGUMENT, 'A member needs a non-empty userId.');
      }
      const existing = this.#members.get(user.userId);
      if (existing !== undefined) {
        if (options.fresh === true) this.#restartPairs(existing);
        this.#markOnline(existing);
        return ok(this.snapshotFor(user.userId));
      }
      if (this.#members.size >= this.#limits.maxMembers) {
        return fail(
          ErrorCode.LIVE_FULL,
          `The live is full: it has reached its limit of ${this.#limits.maxMembers} members.`,
        );
      }
      const member = this.#newMember(user, 'audience');
      this.#members.set(user.userId, member);
      const memberCount = this.#members.size;
      this.#emit(MANAGERS, { type: 'member.joined', member: this.#toLiveMember(member), memberCount });
      this.#emit(OTHERS, { type: 'member.count', memberCount });
      return ok(this.snapshotFor(user.userId));
    });
  }

  leave(userId: string): Result {
    return this.#guard('live.leave', () => {
      if (this.#ended) return this.#endedFailure();
      const member = this.#members.get(userId);
      if (member === undefined) return this.#notInLive();
      if (member.role === 'owner') this.#end('endedByHost');
      else this.#remove(member, 'left');
      return ok();
    });
  }

  end(userId: string): Result {
    return this.#guard('live.end', () => {
      if (this.#ended) return this.#endedFailure();
      const member = this.#members.get(userId);
      if (member === undefined) return this.#notInLive();
      if (member.role !== 'owner') {
        return fail(ErrorCode.NEED_OWNER_PERMISSION, 'Only the owner may end the live.');
      }
      this.#end('endedByHost');
      return ok();
    });
  }

  execute(actorId: string, command: RoomCommand): Result<unknown> {
    return this.#guard<unknown>(String((command as { name?: unknown } | null)?.name), () => {
      if (this.#ended) return this.#endedFailure();
      const actor = this.#members.get(actorId);
      if (actor === undefined) return this.#notInLive();
      if (typeof command !== 'object' || command === null || typeof command.args !== 'object') {
        return fail(ErrorCode.INVALID_ARGUMENT, 'A command needs a name and an arguments object.');
      }
      switch (command.name) {
        case 'member.setAdmin':
          return this.#setAdmin(actor, command.args);
        case 'guest.apply':
          return this.#apply(actor, command.args);
        case 'guest.cancelApplication':
          return this.#cancelApplication(actor);
        case 'guest.acceptApplication':
          return this.#acceptApplication(actor, command.args);
        case 'guest.rejectApplication':
          return this.#rejectApplication(actor, command.args);
        case 'guest.invite':
          return this.#invite(actor, command.args);
        case 'guest.cancelInvitation':
          return this.#cancelInvitation(actor, command.args);
        case 'guest.acceptInvitation':
          return this.#acceptInvitation(actor, command.args);
        case 'guest.rejectInvitation':
          return this.#rejectInvitation(actor, command.args);
        case 'seat.take':
          return this.#takeSeat(actor, command.args);
        case 'seat.leave':
          return this.#leaveSeat(actor);
        case 'seat.move':
          return this.#moveSeat(actor, command.args);
        case 'seat.kick':
          return this.#kick(actor, command.args);
        case 'seat.lock':
          return this.#lockSeat(actor, command.args);
        case 'device.publish':
          return this.#publish(actor, command.args);
        case 'device.closeRemote':
          return this.#closeRemote(actor, command.args);
        case 'device.setRemoteAllowed':
          return this.#setRemoteAllowed(actor, command.args);
        case 'media.watch':
          return this.#watch(actor, command.args);
        case 'media.unwatch':
          return this.#unwatch(actor, command.args);
        case 'media.viewers':
          return ok({ viewers: this.viewersOf(actor.user.userId) });
        default: {
          const name = String((command as { name?: unknown }).name);
          return fail(ErrorCode.INVALID_ARGUMENT, `Unknown command "${name.slice(0, 64)}".`);
        }
      }
    });
  }

  setOnline(userId: string, online: boolean): void {
    try {
      if (this.#ended) return;
      const member = this.#members.get(userId);
      if (member === undefined) return;
      if (online) this.#markOnline(member);
      else this.#markOffline(member);
    } catch (error) {
      this.#onError(error);
    }
  }

  dispose(): void {
    try {
      if (!this.#ended) this.#end('endedByServer');
    } catch (error) {
      this.#onError(error);
    }
  }

  // ── checkpoints ────────────────────────────────────────────────────────────────────────────

  /**
   * Everything the room needs to go on elsewhere, as plain JSON (see `RoomCheckpoint`); restore it
   * with `LiveRoom.restore`. Emits nothing and changes nothing. The value shares the room's
   * immutable objects (users, requests, live info): serialise it, never change it.
   */
  checkpoint(options: CheckpointOptions = {}): RoomCheckpoint {
    const now = this.#scheduler.now();
    const watching = new Set<string>();
    for (const viewers of this.#viewers.values()) for (const viewerId of viewers) watching.add(viewerId);
    const leaveOut = options.audience === false;
    const kept: Member[] = [];
    const members: CheckpointMember[] = [];
    for (const member of leaveOut ? this.#notableMembers() : this.#members.values()) {
      if (leaveOut && this.#isPlainAudience(member, watching)) continue;
      kept.push(member);
      members.push({
        user: member.user,
        role: member.role,
        joinedAt: member.joinedAt,
        online: member.online,
        graceDeadline: member.graceTimer?.deadline ?? null,
        lastApplication: member.lastApplication,
      });
    }
    const omittedAudience = this.#members.size - kept.length;
    const timers: (CheckpointTimer & { serial: number })[] = [];
    // A member in grace is offline, so never left out.
    for (const member of kept) {
      if (member.graceTimer)
        timers.push({ kind: 'grace', userId: member.user.userId, serial: member.graceTimer.serial });
    }
    for (const [requestId, pending] of this.#applications) {
      if (pending.timer) timers.push({ kind: 'application', requestId, serial: pending.timer.serial });
    }
    for (const [requestId, pending] of this.#invitations) {
      if (pending.timer) timers.push({ kind: 'invitation', requestId, serial: pending.timer.serial });
    }
    const since = now - APPLICATION_WINDOW_MS;
    const applicationTimes: { userId: string; times: number[] }[] = [];
    for (const [userId, times] of this.#applicationTimes) {
      const recent = times.filter((at) => at > since);
      if (recent.length > 0) applicationTimes.push({ userId, times: recent });
    }
    return {
      version: ROOM_CHECKPOINT_VERSION,
      live: this.#live,
      limits: { ...this.#limits },
      seq: this.#seq,
      ended: this.#ended,
      takenAt: now,
      nextApplicationId: this.#nextApplicationId,
      nextInvitationId: this.#nextInvitationId,
      members,
      omittedAudience,
      seats: this.#seats.map((seat) => ({
        index: seat.index,
        isLocked: seat.isLocked,
        isAudioLocked: seat.isAudioLocked,
        isVideoLocked: seat.isVideoLocked,
        occupant: seat.occupant === null ? null : { ...seat.occupant },
      })),
      applications: Array.from(this.#applications.values(), (pending) => pending.application),
      invitations: Array.from(this.#invitations.values(), (pending) => pending.invitation),
      timers: timers
        .sort((a, b) => a.serial - b.serial)
        .map((timer): CheckpointTimer =>
          timer.kind === 'grace'
            ? { kind: timer.kind, userId: timer.userId }
            : { kind: timer.kind, requestId: timer.requestId },
        ),
      viewers: Array.from(this.#viewers, ([publisherId, viewers]) => ({
        publisherId,
        viewerIds: [...viewers],
      })),
      // By user id: the room's map keeps no order worth keeping, and equal rooms write equal values.
      applicationTimes: applicationTimes.sort((a, b) =>
        a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0,
      ),
    };
  }

  /**
   * Puts back, silently, a member that `checkpoint({ audience: false })` left out: an online audience
   * member with nothing pending, who joined at `joinedAt`. Emits nothing and leaves `seq` as it is:
   * the clients saw this member before the checkpoint, so nothing changed for them. The member comes
   * last in the member lists (after those restored with the checkpoint). Already a member: nothing
   * happens. Refused once the live has ended or when it is full.
   */
  readmit(user: UserInfo, joinedAt: number): Result {
    return this.#guard('readmit', () => {
      if (this.#ended) return this.#endedFailure();
      if (typeof user.userId !== 'string' || user.userId.length === 0) {
        return fail(ErrorCode.INVALID_ARGUMENT, 'A member needs a non-empty userId.');
      }
      if (this.#members.has(user.userId)) return ok();
      if (this.#members.size >= this.#limits.maxMembers) {
        return fail(
          ErrorCode.LIVE_FULL,
          `The live is full: it has reached its limit of ${this.#limits.maxMembers} members.`,
        );
      }
      this.#members.set(user.userId, this.#newMember(user, 'audience', joinedAt));
      return ok();
    });
  }

  /**
   * Every member who may be more than plain audience, in join order: the owner, the seated, the
   * requests' users, both sides of each watch pair and the marked (administrators, offline,
   * applicants). Goes through the room's small structures, not through every member.
   */
  #notableMembers(): Member[] {
    const found = new Set<Member>(this.#marked);
    const add = (userId: string) => {
      const member = this.#members.get(userId);
      if (member !== undefined) found.add(member);
    };
    add(this.#live.owner.userId);
    for (const seat of this.#seats) if (seat.occupant !== null) add(seat.occupant.userId);
    for (const pending of this.#applications.values()) add(pending.application.user.userId);
    for (const pending of this.#invitations.values()) add(pending.invitation.invitee.userId);
    for (const [publisherId, viewers] of this.#viewers) {
      add(publisherId);
      for (const viewerId of viewers) add(viewerId);
    }
    return [...found].sort((a, b) => a.order - b.order);
  }

  /** A member `checkpoint({ audience: false })` leaves out: nothing about them but their presence. */
  #isPlainAudience(member: Member, watching: ReadonlySet<string>): boolean {
    return (
      member.role === 'audience' &&
      member.online &&
      member.seatIndex === null &&
      member.application === null &&
      member.invitation === null &&
      member.lastApplication === null &&
      !watching.has(member.user.userId)
    );
  }

  /** Fills a new room from a validated checkpoint and arms its timers again. Emits nothing. */
  #load(checkpoint: RoomCheckpoint): void {
    this.#seq = checkpoint.seq;
    this.#ended = checkpoint.ended;
    this.#nextApplicationId = checkpoint.nextApplicationId;
    this.#nextInvitationId = checkpoint.nextInvitationId;
    for (const saved of checkpoint.members) {
      const member = this.#newMember(saved.user, saved.role, saved.joinedAt);
      member.online = saved.online;
      member.lastApplication = saved.lastApplication;
      if (member.role === 'admin' || !member.online || member.lastApplication !== null)
        this.#marked.add(member);
      this.#members.set(member.user.userId, member);
    }
    const memberOf = (userId: string): Member => {
      const member = this.#members.get(userId);
      if (member === undefined) throw new Error(`no member ${userId}`);
      return member;
    };
    for (const saved of checkpoint.seats) {
      const seat = this.#seatAt(saved.index);
      seat.isLocked = saved.isLocked;
      seat.isAudioLocked = saved.isAudioLocked;
      seat.isVideoLocked = saved.isVideoLocked;
      if (saved.occupant === null) continue;
      seat.occupant = { ...saved.occupant };
      memberOf(saved.occupant.userId).seatIndex = saved.index;
    }
    for (const application of checkpoint.applications) {
      const pending: PendingApplication = { application, timer: null };
      this.#applications.set(application.requestId, pending);
      memberOf(application.user.userId).application = pending;
    }
    for (const invitation of checkpoint.invitations) {
      const pending: PendingInvitation = { invitation, timer: null };
      this.#invitations.set(invitation.requestId, pending);
      memberOf(invitation.invitee.userId).invitation = pending;
    }
    for (const { publisherId, viewerIds } of checkpoint.viewers)
      this.#viewers.set(publisherId, new Set(viewerIds));
    for (const { userId, times } of checkpoint.applicationTimes)
      this.#applicationTimes.set(userId, [...times]);
    const graceOf = new Map(checkpoint.members.map((saved) => [saved.user.userId, saved.graceDeadline]));
    for (const timer of checkpoint.timers) {
      if (timer.kind === 'grace') {
        const member = memberOf(timer.userId);
        member.graceTimer = this.#setTimerAt(graceOf.get(timer.userId) ?? 0, this.#graceExpiry(member));
      } else if (timer.kind === 'application') {
        const pending = this.#applications.get(timer.requestId);
        if (pending?.application.deadline == null) throw new Error(`no deadline for ${timer.requestId}`);
        pending.timer = this.#setTimerAt(pending.application.deadline, this.#applicationExpiry(pending));
      } else {
        const pending = this.#invitations.get(timer.requestId);
        if (pending?.invitation.deadline == null) throw new Error(`no deadline for ${timer.requestId}`);
        pending.timer = this.#setTimerAt(pending.invitation.deadline, this.#invitationExpiry(pending));
      }
    }
  }

  // ── roles ──────────────────────────────────────────────────────────────────────────────────

  #setAdmin(actor: Member, args: CommandArgs<'member.setAdmin'>): Result {
    if (actor.role !== 'owner') {
      return fail(ErrorCode.NEED_OWNER_PERMISSION, 'Only the owner may appoint or dismiss administrators.');
    }
    const target = this.#members.get(args.userId);
    if (target === undefined) return this.#userNotInLive(args.userId);
    if (target.role === 'owner') {
      return fail(ErrorCode.INVALID_ARGUMENT, "The owner's role cannot be changed.");
    }
    const role: Role = args.admin ? 'admin' : 'audience';
    if (target.role === role) return ok();
    target.role = role;
    this.#marked.add(target);
    target.view = null;
    this.#emit(ALL, { type: 'member.role', userId: target.user.userId, role });
    if (target.seatIndex !== null) this.#emitSeats();
    this.#emit(users(target.user.userId), {
      type: 'snapshot',
      snapshot: this.snapshotFor(target.user.userId),
    });
    return ok();
  }

  // ── applications ───────────────────────────────────────────────────────────────────────────

  #apply(actor: Member, args: CommandArgs<'guest.apply'>): Result<{ requestId: string }> {
    const seatIndex = args.seatIndex ?? -1;
    const timeout = args.timeout ?? 0;
    if (actor.seatIndex !== null) return this.#alreadyOnSeat(actor);
    if (actor.application !== null) {
      return fail(
        ErrorCode.ALREADY_APPLIED,
        'You already have a pending application; cancel it before applying again.',
      );
    }
    if (actor.invitation !== null) {
      return fail(
        ErrorCode.ALREADY_INVITED,
        `You have a pending invitation from ${label(actor.invitation.invitation.inviter)}; accept or reject it instead.`,
      );
    }
    const timeoutRefusal = this.#checkTimeout(timeout);
    if (timeoutRefusal) return timeoutRefusal;
    const choice = this.#choose(seatIndex);
    if (!choice.ok) return this.#seatRefusal(choice, seatIndex);
    const immediate = this.#live.seatMode === 'free' || isManager(actor.role);
    if (!immediate && this.#applications.size >= this.#limits.maxPendingApplications) {
      return fail(
        ErrorCode.LIMIT_EXCEEDED,
        `The live already has ${this.#limits.maxPendingApplications} pending applications; try again later.`,
      );
    }
    if (!immediate) {
      const refusal = this.#countApplication(actor.user.userId);
      if (refusal) return refusal;
    }
    const requestId = `app-${this.#nextApplicationId++}`;
    const now = this.#scheduler.now();
    const application: SeatApplication = {
      requestId,
      user: actor.user,
      seatIndex,
      extraInfo: args.extraInfo ?? '',
      createdAt: now,
      deadline: timeout > 0 ? now + timeout * 1000 : null,
    };
    if (immediate) {
      this.#place(actor, choice.index);
      this.#emitSeats();
      actor.lastApplication = { outcome: 'accepted', by: null };
      this.#marked.add(actor);
      this.#emit(managersAnd(actor.user.userId), {
        type: 'application.resolved',
        requestId,
        user: actor.user,
        outcome: 'accepted',
        by: null,
        code: 0,
        seatIndex: choice.index,
      });
      return ok({ requestId });
    }
    const pending: PendingApplication = { application, timer: null };
    this.#applications.set(requestId, pending);
    actor.application = pending;
    if (timeout > 0) pending.timer = this.#setTimer(timeout * 1000, this.#applicationExpiry(pending));
    this.#emit(managersAnd(actor.user.userId), { type: 'application.received', application });
    return ok({ requestId });
  }

  /**
   * Counts one application of `userId` in the last minute, or refuses it past
   * `maxApplicationsPerMinute`.
   */
  #countApplication(userId: string): Failure | null {
    const limit = this.#limits.maxApplicationsPerMinute;
    if (limit === 0) return null;
    const now = this.#scheduler.now();
    const since = now - APPLICATION_WINDOW_MS;
    const recent = (this.#applicationTimes.get(userId) ?? []).filter((time) => time > since);
    if (recent.length >= limit) {
      const first = recent[0] ?? now;
      const wait = Math.max(1, Math.ceil((first + APPLICATION_WINDOW_MS - now) / 1000));
      this.#applicationTimes.set(userId, recent);
      return fail(
        ErrorCode.LIMIT_EXCEEDED,
        `You applied ${limit} times in the last minute, the most this live allows; try again in ${wait} s.`,
      );
    }
    recent.push(now);
    this.#applicationTimes.set(userId, recent);
    // Forget users whose applications are all older than the window (bounded by the members).
    if (this.#applicationTimes.size > this.#members.size + 64) {
      for (const [id, times] of this.#applicationTimes) {
        if ((times[times.length - 1] ?? 0) <= since) this.#applicationTimes.delete(id);
      }
    }
    return null;
  }

  #cancelApplication(actor: Member): Result {
    if (actor.application === null) {
      return fail(ErrorCode.NOT_APPLIED, 'You have no pending application to cancel.');
    }
    this.#resolveApplication(actor.application, 'cancelled', null, 0);
    return ok();
  }

  #acceptApplication(actor: Member, args: CommandArgs<'guest.acceptApplication'>): Result {
    const found = this.#pendingApplicationOf(actor, args.userId);
    if (!found.isSuccess) return found;
    const { member, pending } = found.data;
    const asked = pending.application.seatIndex;
    const choice = this.#choose(asked);
    if (!choice.ok) {
      this.#resolveApplication(pending, 'failed', null, choice.code);
      return this.#seatRefusal(choice, asked);
    }
    this.#place(member, choice.index);
    this.#emitSeats();
    this.#resolveApplication(pending, 'accepted', actor.user, 0, choice.index);
    this.#dropRequestsOfSeated(member);
    return ok();
  }

  #rejectApplication(actor: Member, args: CommandArgs<'guest.rejectApplication'>): Result {
    const found = this.#pendingApplicationOf(actor, args.userId);
    if (!found.isSuccess) return found;
    this.#resolveApplication(found.data.pending, 'rejected', actor.user, 0);
    return ok();
  }

  /** The pending application a manager wants to answer, or why there is none. */
  #pendingApplicationOf(
    actor: Member,
    userId: string,
  ): Result<{ member: Member; pending: PendingApplication }> {
    if (!isManager(actor.role)) return this.#needAdmin('answer applications');
    const member = this.#members.get(userId);
    if (member?.application) return ok({ member, pending: member.application });
    const last = member?.lastApplication;
    if (last && last.by !== null && (last.outcome === 'accepted' || last.outcome === 'rejected')) {
      return fail(
        ErrorCode.REQUEST_ALREADY_HANDLED,
        `The application of ${userId} was already ${last.outcome} by ${label(last.by)}.`,
      );
    }
    return fail(ErrorCode.REQUEST_NOT_FOUND, `There is no pending application from ${userId}.`);
  }

  #applicationExpiry(pending: PendingApplication): () => void {
    return () => {
      pending.timer = null;
      this.#resolveApplication(pending, 'timeout', null, 0);
    };
  }

  #resolveApplication(
    pending: PendingApplication,
    outcome: RequestOutcome,
    by: UserInfo | null,
    code: number,
    seatIndex = pending.application.seatIndex,
  ): void {
    const { requestId, user } = pending.application;
    if (this.#applications.get(requestId) !== pending) return;
    this.#applications.delete(requestId);
    this.#clearTimer(pending.timer);
    pending.timer = null;
    const member = this.#members.get(user.userId);
    if (member?.application === pending) {
      member.application = null;
      member.lastApplication = { outcome, by };
      this.#marked.add(member);
    }
    this.#emit(managersAnd(user.userId), {
      type: 'application.resolved',
      requestId,
      user,
      outcome,
      by,
      code,
      seatIndex,
    });
  }

  // ── invitations ────────────────────────────────────────────────────────────────────────────

  #invite(actor: Member, args: CommandArgs<'guest.invite'>): Result<{ requestId: string }> {
    const seatIndex = args.seatIndex ?? -1;
    const timeout = args.timeout ?? 0;
    if (!isManager(actor.role)) return this.#needAdmin('invite users to a seat');
    if (args.inviteeId === actor.user.userId) {
      return fail(ErrorCode.INVALID_ARGUMENT, 'You cannot invite yourself; take a seat instead.');
    }
    const invitee = this.#members.get(args.inviteeId);
    if (invitee === undefined) return this.#userNotInLive(args.inviteeId);
    if (invitee.seatIndex !== null) {
      return fail(
        ErrorCode.ALREADY_ON_SEAT,
        `User ${args.inviteeId} is already on seat ${invitee.seatIndex}.`,
      );
    }
    if (invitee.invitation !== null) {
      return fail(
        ErrorCode.ALREADY_INVITED,
        `User ${args.inviteeId} already has a pending invitation from ${label(invitee.invitation.invitation.inviter)}.`,
      );
    }
    if (invitee.application !== null) {
      return fail(
        ErrorCode.ALREADY_APPLIED,
        `User ${args.inviteeId} has a pending application; accept it instead of inviting.`,
      );
    }
    const timeoutRefusal = this.#checkTimeout(timeout);
    if (timeoutRefusal) return timeoutRefusal;
    const choice = this.#choose(seatIndex);
    if (!choice.ok) return this.#seatRefusal(choice, seatIndex);
    const requestId = `inv-${this.#nextInvitationId++}`;
    const now = this.#scheduler.now();
    const invitation: SeatInvitation = {
      requestId,
      inviter: actor.user,
      invitee: invitee.user,
      seatIndex,
      extraInfo: args.extraInfo ?? '',
      createdAt: now,
      deadline: timeout > 0 ? now + timeout * 1000 : null,
    };
    const pending: PendingInvitation = { invitation, timer: null };
    this.#invitations.set(requestId, pending);
    invitee.invitation = pending;
    if (timeout > 0) pending.timer = this.#setTimer(timeout * 1000, this.#invitationExpiry(pending));
    this.#emit(managersAnd(invitee.user.userId), { type: 'invitation.received', invitation });
    return ok({ requestId });
  }

  #acceptInvitation(actor: Member, args: CommandArgs<'guest.acceptInvitation'>): Result {
    const pending = this.#invitationFrom(actor, args.inviterId);
    if (!pending.isSuccess) return pending;
    const asked = pending.data.invitation.seatIndex;
    const choice = this.#choose(asked);
    if (!choice.ok) {
      this.#resolveInvitation(pending.data, 'failed', choice.code);
      return this.#seatRefusal(choice, asked);
    }
    this.#place(actor, choice.index);
    this.#emitSeats();
    this.#resolveInvitation(pending.data, 'accepted', 0, choice.index);
    this.#dropRequestsOfSeated(actor);
    return ok();
  }

  #rejectInvitation(actor: Member, args: CommandArgs<'guest.rejectInvitation'>): Result {
    const pending = this.#invitationFrom(actor, args.inviterId);
    if (!pending.isSuccess) return pending;
    this.#resolveInvitation(pending.data, 'rejected', 0);
    return ok();
  }

  #invitationFrom(actor: Member, inviterId: string): Result<PendingInvitation> {
    const pending = actor.invitation;
    if (pending?.invitation.inviter.userId !== inviterId) {
      return fail(ErrorCode.REQUEST_NOT_FOUND, `You have no pending invitation from ${inviterId}.`);
    }
    return ok(pending);
  }

  #cancelInvitation(actor: Member, args: CommandArgs<'guest.cancelInvitation'>): Result {
    if (!isManager(actor.role)) return this.#needAdmin('cancel invitations');
    const pending = this.#members.get(args.inviteeId)?.invitation;
    if (!pending) {
      return fail(ErrorCode.REQUEST_NOT_FOUND, `There is no pending invitation for ${args.inviteeId}.`);
    }
    const inviter = pending.invitation.inviter;
    if (inviter.userId !== actor.user.userId && actor.role !== 'owner') {
      return fail(
        ErrorCode.REQUEST_NO_PERMISSION,
        `Only ${label(inviter)}, who sent this invitation, or the owner may cancel it.`,
      );
    }
    this.#resolveInvitation(pending, 'cancelled', 0);
    return ok();
  }

  #invitationExpiry(pending: PendingInvitation): () => void {
    return () => {
      pending.timer = null;
      this.#resolveInvitation(pending, 'timeout', 0);
    };
  }

  #resolveInvitation(
    pending: PendingInvitation,
    outcome: RequestOutcome,
    code: number,
    seatIndex = pending.invitation.seatIndex,
  ): void {
    const { requestId, inviter, invitee } = pending.invitation;
    if (this.#invitations.get(requestId) !== pending) return;
    this.#invitations.delete(requestId);
    this.#clearTimer(pending.timer);
    pending.timer = null;
    const member = this.#members.get(invitee.userId);
    if (member?.invitation === pending) member.invitation = null;
    this.#emit(managersAnd(invitee.userId), {
      type: 'invitation.resolved',
      requestId,
      inviter,
      invitee,
      outcome,
      code,
      seatIndex,
    });
  }

  /** Keeps "a seated user has no pending request": whatever else they asked for fails now. */
  #dropRequestsOfSeated(member: Member): void {
    if (member.application !== null) {
      this.#resolveApplication(member.application, 'failed', null, ErrorCode.ALREADY_ON_SEAT);
    }
    if (member.invitation !== null) {
      this.#resolveInvitation(member.invitation, 'failed', ErrorCode.ALREADY_ON_SEAT);
    }
  }

  // ── seats ──────────────────────────────────────────────────────────────────────────────────

  #takeSeat(actor: Member, args: CommandArgs<'seat.take'>): Result {
    if (this.#live.seatMode === 'apply' && !isManager(actor.role)) {
      return fail(
        ErrorCode.NO_PERMISSION,
        'This live requires the host to accept you on a seat: use applyForSeat instead of takeSeat.',
      );
    }
    if (actor.seatIndex !== null) return this.#alreadyOnSeat(actor);
    const choice = this.#choose(args.seatIndex);
    if (!choice.ok) return this.#seatRefusal(choice, args.seatIndex);
    this.#place(actor, choice.index);
    this.#emitSeats();
    this.#dropRequestsOfSeated(actor);
    return ok();
  }

  #leaveSeat(actor: Member): Result {
    if (actor.seatIndex === null) return this.#notOnSeat(actor, actor.user.userId);
    this.#unplace(actor);
    this.#emitSeats();
    this.#endPublishing(actor, true);
    return ok();
  }

  #kick(actor: Member, args: CommandArgs<'seat.kick'>): Result {
    if (!isManager(actor.role)) return this.#needAdmin('kick users off seats');
    if (args.userId === actor.user.userId) {
      return fail(ErrorCode.INVALID_ARGUMENT, 'You cannot kick yourself; leave the seat instead.');
    }
    const target = this.#members.get(args.userId);
    if (target === undefined || target.seatIndex === null) return this.#notOnSeat(actor, args.userId);
    if (target.role === 'owner') {
      return fail(ErrorCode.NO_PERMISSION, 'The owner cannot be kicked off a seat.');
    }
    const authority = this.#checkAuthority(actor, target, 'kick');
    if (authority) return authority;
    const seatIndex = this.#unplace(target);
    this.#emitSeats();
    this.#emit(managersAnd(target.user.userId), {
      type: 'seat.lost',
      userId: target.user.userId,
      seatIndex,
      reason: 'kicked',
      by: actor.user,
    });
    this.#endPublishing(target, true);
    return ok();
  }

  #lockSeat(actor: Member, args: CommandArgs<'seat.lock'>): Result {
    if (!isManager(actor.role)) return this.#needAdmin('lock seats');
    if (!isSeatIndex(args.seatIndex, this.#seats.length)) {
      return this.#seatRefusal({ ok: false, code: ErrorCode.SEAT_INDEX_NOT_EXIST }, args.seatIndex);
    }
    const seat = this.#seatAt(args.seatIndex);
    const notices: LiveEvent[] = [];
    let changed = false;
    if (args.lockSeat !== undefined && args.lockSeat !== seat.isLocked) {
      seat.isLocked = args.lockSeat;
      changed = true;
    }
    for (const [device, lock] of [
      ['microphone', args.lockAudio],
      ['camera', args.lockVideo],
    ] as const) {
      if (lock === undefined || seat[LOCK_FIELD[device]] === lock) continue;
      changed = true;
      const notice = this.#setDeviceLock(seat, device, lock, actor.user);
      if (notice) notices.push(notice);
    }
    if (changed) this.#emitSeats();
    for (const notice of notices) this.#emitNotice(notice);
    return ok();
  }

  #moveSeat(actor: Member, args: CommandArgs<'seat.move'>): Result {
    const policy: MoveSeatPolicy = args.policy ?? 'abortWhenOccupied';
    const self = args.userId === actor.user.userId;
    if (!(self && policy === 'abortWhenOccupied') && !isManager(actor.role)) {
      return this.#needAdmin(self ? `move with the "${policy}" policy` : 'move other users');
    }
    const target = this.#members.get(args.userId);
    if (target === undefined || target.seatIndex === null) return this.#notOnSeat(actor, args.userId);
    const authority = this.#checkAuthority(actor, target, 'move');
    if (authority) return authority;
    if (!isSeatIndex(args.targetIndex, this.#seats.length)) {
      return this.#seatRefusal({ ok: false, code: ErrorCode.SEAT_INDEX_NOT_EXIST }, args.targetIndex);
    }
    const from = this.#seatAt(target.seatIndex);
    const to = this.#seatAt(args.targetIndex);
    if (from === to) return ok();
    if (to.isLocked) return this.#seatRefusal({ ok: false, code: ErrorCode.SEAT_LOCKED }, to.index);
    const occupant = to.occupant === null ? undefined : this.#members.get(to.occupant.userId);
    let replaced: Member | null = null;
    if (occupant !== undefined) {
      if (policy === 'abortWhenOccupied') {
        return this.#seatRefusal({ ok: false, code: ErrorCode.SEAT_OCCUPIED }, to.index);
      }
      const occupantAuthority = this.#checkAuthority(actor, occupant, policy === 'swap' ? 'move' : 'replace');
      if (occupantAuthority) return occupantAuthority;
      if (policy === 'swap' && from.isLocked) {
        return fail(
          ErrorCode.SEAT_LOCKED,
          `Seat ${from.index} is locked, so ${occupant.user.userId} cannot be swapped onto it.`,
        );
      }
      if (policy === 'forceReplace') {
        this.#unplace(occupant);
        replaced = occupant;
      }
    }
    // Move (or swap) the occupants; devices go with their users.
    const moving = from.occupant;
    from.occupant = to.occupant;
    to.occupant = moving;
    target.seatIndex = to.index;
    if (from.occupant !== null && occupant !== undefined) occupant.seatIndex = from.index;
    const notices = [...this.#enforceLocks(to, actor.user), ...this.#enforceLocks(from, actor.user)];
    this.#emitSeats();
    if (replaced !== null) {
      this.#emit(managersAnd(replaced.user.userId), {
        type: 'seat.lost',
        userId: replaced.user.userId,
        seatIndex: to.index,
        reason: 'replaced',
        by: actor.user,
      });
    }
    for (const notice of notices) this.#emitNotice(notice);
    if (replaced !== null) this.#endPublishing(replaced, true);
    return ok();
  }

  // ── devices ────────────────────────────────────────────────────────────────────────────────

  #publish(actor: Member, args: CommandArgs<'device.publish'>): Result {
    if (actor.seatIndex === null) return this.#notOnSeat(actor, actor.user.userId);
    const seat = this.#seatAt(actor.seatIndex);
    const occupant = this.#occupantOf(seat);
    if (args.microphone === 'on' && seat.isAudioLocked) {
      return fail(
        ErrorCode.MICROPHONE_LOCKED,
        'The host does not allow you to open your microphone on this seat.',
      );
    }
    if (args.camera === 'on' && seat.isVideoLocked) {
      return fail(ErrorCode.CAMERA_LOCKED, 'The host does not allow you to open your camera on this seat.');
    }
    let changed = false;
    if (args.microphone !== undefined && args.microphone !== occupant.microphone) {
      occupant.microphone = args.microphone;
      changed = true;
    }
    if (args.camera !== undefined && args.camera !== occupant.camera) {
      occupant.camera = args.camera;
      changed = true;
    }
    if (changed) this.#emitSeats();
    return ok();
  }

  #closeRemote(actor: Member, args: CommandArgs<'device.closeRemote'>): Result {
    const found = this.#seatedTarget(actor, args.userId, `close the ${args.device} of others`);
    if (!found.isSuccess) return found;
    const occupant = this.#occupantOf(found.data.seat);
    const field = DEVICE_FIELD[args.device];
    if (occupant[field] === 'off') return ok();
    occupant[field] = 'off';
    this.#emitSeats();
    this.#emitNotice({
      type: 'device.admin',
      userId: args.userId,
      device: args.device,
      action: 'closed',
      by: actor.user,
    });
    return ok();
  }

  #setRemoteAllowed(actor: Member, args: CommandArgs<'device.setRemoteAllowed'>): Result {
    const found = this.#seatedTarget(actor, args.userId, `allow or forbid the ${args.device} of others`);
    if (!found.isSuccess) return found;
    const seat = found.data.seat;
    const lock = !args.allowed;
    if (seat[LOCK_FIELD[args.device]] === lock) return ok();
    const notice = this.#setDeviceLock(seat, args.device, lock, actor.user);
    this.#emitSeats();
    if (notice) this.#emitNotice(notice);
    return ok();
  }

  /** For the manager-only commands aimed at a seated user's devices. */
  #seatedTarget(actor: Member, userId: string, what: string): Result<{ target: Member; seat: Seat }> {
    if (!isManager(actor.role)) return this.#needAdmin(what);
    const target = this.#members.get(userId);
    if (target === undefined || target.seatIndex === null) return this.#notOnSeat(actor, userId);
    const authority = this.#checkAuthority(actor, target, 'control the devices of');
    if (authority) return authority;
    return ok({ target, seat: this.#seatAt(target.seatIndex) });
  }

  /** Sets a seat's audio or video lock; locking forces the device off. Returns the notice for the occupant. */
  #setDeviceLock(seat: Seat, device: Device, lock: boolean, by: UserInfo): LiveEvent | null {
    seat[LOCK_FIELD[device]] = lock;
    if (seat.occupant === null) return null;
    if (lock) seat.occupant[DEVICE_FIELD[device]] = 'off';
    return {
      type: 'device.admin',
      userId: seat.occupant.userId,
      device,
      action: lock ? 'forbidden' : 'allowed',
      by,
    };
  }

  /** After a move: a device that is on where the seat forbids it goes off. */
  #enforceLocks(seat: Seat, by: UserInfo): LiveEvent[] {
    const occupant = seat.occupant;
    if (occupant === null) return [];
    const notices: LiveEvent[] = [];
    for (const device of ['microphone', 'camera'] as const) {
      if (seat[LOCK_FIELD[device]] && occupant[DEVICE_FIELD[device]] === 'on') {
        occupant[DEVICE_FIELD[device]] = 'off';
        notices.push({ type: 'device.admin', userId: occupant.userId, device, action: 'closed', by });
      }
    }
    return notices;
  }

  // ── media: watch pairs ─────────────────────────────────────────────────────────────────────

  #watch(actor: Member, args: CommandArgs<'media.watch'>): Result<{ viewers: number }> {
    if (args.publisherId === actor.user.userId) {
      return fail(
        ErrorCode.INVALID_ARGUMENT,
        'You cannot watch yourself: your own camera is shown from your device.',
      );
    }
    const publisher = this.#members.get(args.publisherId);
    if (publisher === undefined || publisher.seatIndex === null) {
      return this.#notOnSeat(actor, args.publisherId);
    }
    const viewers = this.#viewers.get(args.publisherId) ?? new Set<string>();
    if (viewers.has(actor.user.userId)) return ok({ viewers: viewers.size });
    const cap = this.#limits.maxViewersPerPublisher;
    if (viewers.size >= cap) {
      return fail(
        ErrorCode.VIEWER_LIMIT,
        `User ${args.publisherId} already sends media to ${cap} viewers, the most this live allows; try again when one stops watching.`,
      );
    }
    viewers.add(actor.user.userId);
    this.#viewers.set(args.publisherId, viewers);
    this.#emitViewer(args.publisherId, actor.user.userId, 'joined');
    return ok({ viewers: viewers.size });
  }

  #unwatch(actor: Member, args: CommandArgs<'media.unwatch'>): Result {
    const viewers = this.#viewers.get(args.publisherId);
    if (viewers?.delete(actor.user.userId) !== true) return ok();
    if (viewers.size === 0) this.#viewers.delete(args.publisherId);
    this.#emitViewer(args.publisherId, actor.user.userId, 'left');
    return ok();
  }

  /** The member stopped publishing (lost the seat or left): its pairs end, in watch order. */
  #endPublishing(member: Member, notify: boolean): void {
    const publisherId = member.user.userId;
    const viewers = this.#viewers.get(publisherId);
    if (viewers === undefined) return;
    this.#viewers.delete(publisherId);
    if (notify) for (const viewerId of viewers) this.#emitViewer(publisherId, viewerId, 'left');
  }

  /** The member left: every pair it watched ends, and its publisher is told. */
  #endWatching(member: Member): void {
    const viewerId = member.user.userId;
    for (const [publisherId, viewers] of [...this.#viewers]) {
      if (!viewers.delete(viewerId)) continue;
      if (viewers.size === 0) this.#viewers.delete(publisherId);
      this.#emitViewer(publisherId, viewerId, 'left');
    }
  }

  /**
   * A new client of the member took over (a reload): the old one's peer connections went with it,
   * and a peer left behind on the other side may never notice. Every pair of the member ends: each
   * publisher it watched is told as when a viewer leaves, and each of its viewers gets `left` too,
   * the one case a viewer is told: its cue to watch again.
   */
  #restartPairs(member: Member): void {
    const publisherId = member.user.userId;
    const viewers = this.#viewers.get(publisherId);
    this.#viewers.delete(publisherId);
    for (const viewerId of viewers ?? []) {
      this.#emit(users(viewerId), { type: 'media.viewer', publisherId, viewerId, action: 'left' });
    }
    this.#endWatching(member);
  }

  #emitViewer(publisherId: string, viewerId: string, action: 'joined' | 'left'): void {
    this.#emit(users(publisherId), { type: 'media.viewer', publisherId, viewerId, action });
  }

  // ── presence and lifecycle ─────────────────────────────────────────────────────────────────

  #markOffline(member: Member): void {
    if (!member.online) return;
    member.online = false;
    this.#marked.add(member);
    member.graceTimer = this.#setTimer(this.#limits.graceMs, this.#graceExpiry(member));
    if (member.seatIndex !== null) this.#emitSeats();
  }

  #graceExpiry(member: Member): () => void {
    return () => {
      member.graceTimer = null;
      if (this.#ended || this.#members.get(member.user.userId) !== member) return;
      if (member.role === 'owner') this.#end('hostLost');
      else this.#remove(member, 'connectionLost');
    };
  }

  #markOnline(member: Member): void {
    if (member.online) return;
    member.online = true;
    this.#clearTimer(member.graceTimer);
    member.graceTimer = null;
    if (member.seatIndex !== null) this.#emitSeats();
  }

  /** Removes a member who is not the owner: requests end as `left`, the seat is freed. */
  #remove(member: Member, reason: LeaveReason): void {
    const userId = member.user.userId;
    this.#clearTimer(member.graceTimer);
    member.graceTimer = null;
    if (member.application !== null) this.#resolveApplication(member.application, 'left', null, 0);
    if (member.invitation !== null) this.#resolveInvitation(member.invitation, 'left', 0);
    const seatIndex = member.seatIndex === null ? null : this.#unplace(member);
    this.#members.delete(userId);
    this.#marked.delete(member);
    if (seatIndex !== null) {
      this.#emitSeats();
      if (reason === 'connectionLost') {
        this.#emit(ALL, { type: 'seat.lost', userId, seatIndex, reason: 'connectionLost', by: null });
      }
    }
    // The pairs it published end silently (it is gone); the publishers it watched are told.
    this.#endPublishing(member, false);
    this.#endWatching(member);
    const memberCount = this.#members.size;
    this.#emit(MANAGERS, { type: 'member.left', userId, reason, memberCount });
    this.#emit(OTHERS, { type: 'member.count', memberCount });
  }

  #end(reason: LiveEndReason): void {
    this.#ended = true;
    // Every pair ends with the live; `live.ended` tells both sides.
    this.#viewers.clear();
    for (const member of this.#members.values()) {
      this.#clearTimer(member.graceTimer);
      member.graceTimer = null;
    }
    for (const pending of [...this.#applications.values()]) {
      this.#resolveApplication(pending, 'failed', null, ErrorCode.LIVE_ENDED);
    }
    for (const pending of [...this.#invitations.values()]) {
      this.#resolveInvitation(pending, 'failed', ErrorCode.LIVE_ENDED);
    }
    this.#emit(ALL, { type: 'live.ended', reason });
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────

  #newMember(user: UserInfo, role: Role, joinedAt = this.#scheduler.now()): Member {
    return {
      user: { userId: user.userId, userName: user.userName, avatarUrl: user.avatarUrl },
      role,
      joinedAt,
      order: this.#memberSerial++,
      online: true,
      graceTimer: null,
      seatIndex: null,
      application: null,
      invitation: null,
      lastApplication: null,
      view: null,
    };
  }

  #toLiveMember(member: Member): LiveMember {
    // Spelled out rather than `{ ...member.user, … }`: the objects a spread made here had hidden
    // classes of their own in V8 (a map and a descriptor array, some 200 bytes in B3), and these
    // objects are kept per member (see `Member.view`).
    member.view ??= {
      userId: member.user.userId,
      userName: member.user.userName,
      avatarUrl: member.user.avatarUrl,
      role: member.role,
      joinedAt: member.joinedAt,
    };
    return member.view;
  }

  #seatAt(index: number): Seat {
    const seat = this.#seats[index];
    if (seat === undefined) throw new Error(`no seat ${index}`);
    return seat;
  }

  #occupantOf(seat: Seat): Occupant {
    if (seat.occupant === null) throw new Error(`seat ${seat.index} is empty`);
    return seat.occupant;
  }

  #choose(seatIndex: number): SeatChoice {
    return chooseSeat(this.#seats, seatIndex);
  }

  /** Seats `member` on the free seat `index` with both devices off. Emits nothing. */
  #place(member: Member, index: number): void {
    const seat = this.#seatAt(index);
    if (seat.occupant !== null || member.seatIndex !== null) throw new Error(`cannot place on seat ${index}`);
    seat.occupant = {
      userId: member.user.userId,
      microphone: 'off',
      camera: 'off',
      since: this.#scheduler.now(),
    };
    member.seatIndex = index;
  }

  /** Frees the member's seat; their device state goes with them. Emits nothing. */
  #unplace(member: Member): number {
    if (member.seatIndex === null) throw new Error(`${member.user.userId} is not seated`);
    const index = member.seatIndex;
    this.#seatAt(index).occupant = null;
    member.seatIndex = null;
    return index;
  }

  /**
   * The seats as members see them. While they have not changed, the same (never mutated) array is
   * handed out again: the snapshots and replies that a large room's joins keep share one copy.
   */
  #seatInfos(): SeatInfo[] {
    const fresh = this.#buildSeatInfos();
    const last = this.#lastSeatInfos;
    if (
      last !== null &&
      last.length === fresh.length &&
      fresh.every((seat, i) => {
        const before = last[i];
        return before !== undefined && sameSeat(seat, before);
      })
    ) {
      return last;
    }
    this.#lastSeatInfos = fresh;
    return fresh;
  }

  #buildSeatInfos(): SeatInfo[] {
    return this.#seats.map((seat) => {
      const occupant = seat.occupant;
      const member = occupant === null ? undefined : this.#members.get(occupant.userId);
      return {
        index: seat.index,
        isLocked: seat.isLocked,
        isAudioLocked: seat.isAudioLocked,
        isVideoLocked: seat.isVideoLocked,
        userInfo:
          occupant === null || member === undefined
            ? null
            : {
                // Spelled out, not spread: see `#toLiveMember`.
                userId: member.user.userId,
                userName: member.user.userName,
                avatarUrl: member.user.avatarUrl,
                liveId: this.#live.liveId,
                role: member.role,
                microphoneStatus: occupant.microphone,
                cameraStatus: occupant.camera,
                allowOpenMicrophone: !seat.isAudioLocked,
                allowOpenCamera: !seat.isVideoLocked,
                connection: member.online ? 'online' : 'lost',
                onSeatTimestamp: occupant.since,
              },
      };
    });
  }

  #emit(to: Audience, event: LiveEvent): void {
    this.#seq += 1;
    this.#emitEnvelope({ liveId: this.#live.liveId, seq: this.#seq, to, event });
  }

  #emitSeats(): void {
    this.#emit(ALL, { type: 'seats', seats: this.#seatInfos() });
  }

  /** A `device.admin` notice goes to the user it concerns. */
  #emitNotice(notice: LiveEvent): void {
    if (notice.type !== 'device.admin') throw new Error(`not a notice: ${notice.type}`);
    this.#emit(users(notice.userId), notice);
  }

  #setTimer(delayMs: number, callback: () => void): Armed {
    return this.#arm(delayMs, this.#scheduler.now() + delayMs, callback);
  }

  /** Arms a timer for an absolute `deadline` (a restored one); past deadlines fire at the next turn. */
  #setTimerAt(deadline: number, callback: () => void): Armed {
    return this.#arm(Math.max(0, deadline - this.#scheduler.now()), deadline, callback);
  }

  #arm(delayMs: number, deadline: number, callback: () => void): Armed {
    const handle = this.#scheduler.setTimer(delayMs, () => {
      try {
        callback();
      } catch (error) {
        this.#onError(error);
      }
    });
    return { handle, deadline, serial: this.#timerSerial++ };
  }

  #clearTimer(timer: Armed | null): void {
    if (timer !== null) this.#scheduler.clearTimer(timer.handle);
  }

  /** Runs a public operation; an unexpected exception becomes `SERVER_ERROR` instead of escaping. */
  #guard<T>(name: string, run: () => Result<T>): Result<T> {
    try {
      return run();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return fail(ErrorCode.SERVER_ERROR, `The server failed to process ${name}: ${reason}.`);
    }
  }

  /** An administrator may not act on the owner or on another administrator. */
  #checkAuthority(actor: Member, target: Member, what: string): Failure | null {
    if (actor.role !== 'admin' || target === actor || target.role === 'audience') return null;
    return fail(
      ErrorCode.NEED_OWNER_PERMISSION,
      `Only the owner may ${what} ${target.role === 'owner' ? 'the owner' : 'another administrator'}.`,
    );
  }

  #checkTimeout(timeout: number): Failure | null {
    return typeof timeout === 'number' && Number.isFinite(timeout) && timeout >= 0
      ? null
      : fail(
          ErrorCode.INVALID_ARGUMENT,
          `The timeout must be a non-negative number of seconds; got ${String(timeout)}.`,
        );
  }

  #seatRefusal(choice: Extract<SeatChoice, { ok: false }>, requested: number): Failure {
    return fail(choice.code, describeSeatRefusal(choice.code, requested, this.#seats.length));
  }

  #endedFailure(): Failure {
    return fail(ErrorCode.LIVE_ENDED, `The live ${this.#live.liveId} has ended.`);
  }

  #notInLive(): Failure {
    return fail(ErrorCode.NOT_IN_LIVE, `Join the live ${this.#live.liveId} first.`);
  }

  #userNotInLive(userId: string): Failure {
    return fail(ErrorCode.USER_NOT_IN_LIVE, `User ${userId} is not a member of this live.`);
  }

  #needAdmin(what: string): Failure {
    return fail(ErrorCode.NEED_ADMIN_PERMISSION, `Only the owner or an administrator may ${what}.`);
  }

  #alreadyOnSeat(actor: Member): Failure {
    return fail(ErrorCode.ALREADY_ON_SEAT, `You are already on seat ${String(actor.seatIndex)}.`);
  }

  #notOnSeat(actor: Member, userId: string): Failure {
    return fail(
      ErrorCode.NOT_ON_SEAT,
      userId === actor.user.userId ? 'You are not on a seat.' : `User ${userId} is not on a seat.`,
    );
  }
}
