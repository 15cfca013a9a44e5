/**
 * Rooms of this process: the `RoomHandle` of a `LiveRoom` of the engine. The only module of the
 * hub that imports the engine's room; the rest of the hub sees `room-handle.ts` only.
 */
import { LiveRoom } from '../engine/room.js';
import type { Scheduler } from '../engine/scheduler.js';
import type { JoinOptions, RoomCommand, RoomLimits } from '../engine/types.js';
import type { LiveSummary } from '../protocol/messages.js';
import { ok, type Result } from '../protocol/result.js';
import type { LiveSnapshot, Role, UserInfo } from '../protocol/types.js';
import type { RoomHandle, RoomOpener } from './room-handle.js';

/** Options of `localRoomOpener`. */
export interface LocalRoomOptions {
  /** The clock and timers of every room (grace periods, request deadlines). */
  readonly scheduler: Scheduler;
  /** Limits of each room; missing fields take the engine's `DEFAULT_ROOM_LIMITS`. */
  readonly limits?: Partial<RoomLimits> | undefined;
}

/** Opens each room as a `LiveRoom` of this process, with one scheduler and one set of limits. */
export function localRoomOpener(options: LocalRoomOptions): RoomOpener {
  const { scheduler } = options;
  const limits = definedLimits(options.limits);
  return (request, subscriber) => {
    const created = LiveRoom.create({
      owner: request.owner,
      settings: request.settings,
      scheduler,
      ...(limits ? { limits } : {}),
      emit: (envelope) => subscriber.onEnvelope(envelope),
      onError: (error) => subscriber.onError(error),
    });
    if (!created.isSuccess) return created;
    return ok(new LocalRoom(created.data));
  };
}

/** A `LiveRoom` behind the hub's `RoomHandle`: every call goes straight to the room. */
class LocalRoom implements RoomHandle {
  readonly #room: LiveRoom;

  constructor(room: LiveRoom) {
    this.#room = room;
  }

  get seq(): number {
    return this.#room.seq;
  }

  get ended(): boolean {
    return this.#room.ended;
  }

  summary(): LiveSummary {
    return this.#room.summary();
  }

  roleOf(userId: string): Role | null {
    return this.#room.roleOf(userId);
  }

  isMember(userId: string): boolean {
    return this.#room.isMember(userId);
  }

  snapshotFor(userId: string): LiveSnapshot {
    return this.#room.snapshotFor(userId);
  }

  join(user: UserInfo, options?: JoinOptions): Result<LiveSnapshot> {
    return this.#room.join(user, options);
  }

  leave(userId: string): Result {
    return this.#room.leave(userId);
  }

  end(userId: string): Result {
    return this.#room.end(userId);
  }

  submit(actorId: string, command: RoomCommand): Result<unknown> {
    return this.#room.execute(actorId, command);
  }

  canSignal(fromId: string, toId: string): boolean {
    return this.#room.canSignal(fromId, toId);
  }

  setOnline(userId: string, online: boolean): void {
    this.#room.setOnline(userId, online);
  }

  close(): void {
    this.#room.dispose();
  }
}

/** The limits that were given (a field set to `undefined` takes the engine's default). */
function definedLimits(limits: Partial<RoomLimits> | undefined): Partial<RoomLimits> | undefined {
  if (!limits) return undefined;
  const out: { -readonly [K in keyof RoomLimits]?: RoomLimits[K] } = {};
  for (const key of [
    'maxMembers',
    'maxPendingApplications',
    'graceMs',
    'maxViewersPerPublisher',
    'maxApplicationsPerMinute',
  ] as const) {
    if (limits[key] !== undefined) out[key] = limits[key];
  }
  return out;
}
