/**
 * Reading a room's checkpoint: `parseCheckpoint` checks that a value (typically from
 * `JSON.parse`) is a `RoomCheckpoint` this engine can restore, field by field and as a whole (one
 * seat per member, requests only from members, a timer for every deadline…), and returns a fresh,
 * normalised copy. `LiveRoom.restore` builds the room from that copy. Writing is
 * `LiveRoom.checkpoint()`, next to the state it reads.
 */
import { ErrorCode } from '../protocol/errors.js';
import { MAX_SEAT_COUNT } from '../protocol/roles.js';
import { ok, type Failure, type Success } from '../protocol/result.js';
import type {
  DeviceStatus,
  LiveInfo,
  RequestOutcome,
  Role,
  SeatApplication,
  SeatInvitation,
  UserInfo,
} from '../protocol/types.js';
import {
  ROOM_CHECKPOINT_VERSION,
  type CheckpointMember,
  type CheckpointSeat,
  type CheckpointTimer,
  type RoomCheckpoint,
  type RoomLimits,
} from './types.js';

/** Why a checkpoint was refused: written by an engine of another version, or not a valid one. */
export type CheckpointRefusal = 'unknown-version' | 'malformed';

/** A refused checkpoint: `INVALID_ARGUMENT`, a sentence naming the faulty field, and the `reason`. */
export interface CheckpointFailure extends Failure {
  readonly reason: CheckpointRefusal;
}

/** What reading or restoring a checkpoint resolves to. */
export type CheckpointResult<T> = Success<T> | CheckpointFailure;

export function checkpointFailure(reason: CheckpointRefusal, errorMessage: string): CheckpointFailure {
  return { isSuccess: false, errorCode: ErrorCode.INVALID_ARGUMENT, errorMessage, reason };
}

/** Thrown inside this module only; `parseCheckpoint` turns it into a `CheckpointFailure`. */
class Malformed extends Error {}

type Json = Readonly<Record<string, unknown>>;

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Malformed(`${path} must be an object`);
  }
  return value as Json;
}

function array(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new Malformed(`${path} must be an array`);
  return value;
}

function string(value: unknown, path: string, nonEmpty = false): string {
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
    throw new Malformed(`${path} must be a${nonEmpty ? ' non-empty' : ''} string`);
  }
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new Malformed(`${path} must be true or false`);
  return value;
}

function time(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Malformed(`${path} must be a finite number`);
  return value;
}

function integer(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new Malformed(`${path} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new Malformed(`${path} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function nullable<T>(value: unknown, read: (value: unknown) => T): T | null {
  return value === null ? null : read(value);
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Malformed(message);
}

function userInfo(value: unknown, path: string): UserInfo {
  const user = object(value, path);
  return {
    userId: string(user.userId, `${path}.userId`, true),
    userName: string(user.userName, `${path}.userName`),
    avatarUrl: string(user.avatarUrl, `${path}.avatarUrl`),
  };
}

function live(value: unknown): LiveInfo {
  const info = object(value, 'live');
  return {
    liveId: string(info.liveId, 'live.liveId', true),
    liveName: string(info.liveName, 'live.liveName'),
    owner: userInfo(info.owner, 'live.owner'),
    seatMode: oneOf(info.seatMode, 'live.seatMode', ['apply', 'free']),
    maxSeatCount: integer(info.maxSeatCount, 'live.maxSeatCount', 1, MAX_SEAT_COUNT),
    keepOwnerOnSeat: boolean(info.keepOwnerOnSeat, 'live.keepOwnerOnSeat'),
    createdAt: time(info.createdAt, 'live.createdAt'),
  };
}

function limits(value: unknown): RoomLimits {
  const given = object(value, 'limits');
  const graceMs = time(given.graceMs, 'limits.graceMs');
  check(graceMs >= 0, 'limits.graceMs must not be negative');
  return {
    maxMembers: integer(given.maxMembers, 'limits.maxMembers', 1),
    maxPendingApplications: integer(given.maxPendingApplications, 'limits.maxPendingApplications', 0),
    graceMs,
    maxViewersPerPublisher: integer(given.maxViewersPerPublisher, 'limits.maxViewersPerPublisher', 0),
    maxApplicationsPerMinute: integer(given.maxApplicationsPerMinute, 'limits.maxApplicationsPerMinute', 0),
  };
}

const ROLES: readonly Role[] = ['owner', 'admin', 'audience'];
const OUTCOMES: readonly RequestOutcome[] = [
  'accepted',
  'rejected',
  'cancelled',
  'timeout',
  'failed',
  'left',
];
const STATUSES: readonly DeviceStatus[] = ['on', 'off'];

function member(value: unknown, path: string): CheckpointMember {
  const given = object(value, path);
  return {
    user: userInfo(given.user, `${path}.user`),
    role: oneOf(given.role, `${path}.role`, ROLES),
    joinedAt: time(given.joinedAt, `${path}.joinedAt`),
    online: boolean(given.online, `${path}.online`),
    graceDeadline: nullable(given.graceDeadline, (v) => time(v, `${path}.graceDeadline`)),
    lastApplication: nullable(given.lastApplication, (v) => {
      const last = object(v, `${path}.lastApplication`);
      return {
        outcome: oneOf(last.outcome, `${path}.lastApplication.outcome`, OUTCOMES),
        by: nullable(last.by, (by) => userInfo(by, `${path}.lastApplication.by`)),
      };
    }),
  };
}

function seat(value: unknown, path: string, index: number): CheckpointSeat {
  const given = object(value, path);
  check(given.index === index, `${path}.index must be ${index}`);
  const occupant = nullable(given.occupant, (v) => {
    const occ = object(v, `${path}.occupant`);
    return {
      userId: string(occ.userId, `${path}.occupant.userId`, true),
      microphone: oneOf(occ.microphone, `${path}.occupant.microphone`, STATUSES),
      camera: oneOf(occ.camera, `${path}.occupant.camera`, STATUSES),
      since: time(occ.since, `${path}.occupant.since`),
    };
  });
  const result: CheckpointSeat = {
    index,
    isLocked: boolean(given.isLocked, `${path}.isLocked`),
    isAudioLocked: boolean(given.isAudioLocked, `${path}.isAudioLocked`),
    isVideoLocked: boolean(given.isVideoLocked, `${path}.isVideoLocked`),
    occupant,
  };
  check(
    !(result.isAudioLocked && occupant?.microphone === 'on') &&
      !(result.isVideoLocked && occupant?.camera === 'on'),
    `${path} has a device on that its lock forbids`,
  );
  return result;
}

function requestFields(given: Json, path: string, seatCount: number) {
  return {
    requestId: string(given.requestId, `${path}.requestId`, true),
    seatIndex: integer(given.seatIndex, `${path}.seatIndex`, -1, seatCount - 1),
    extraInfo: string(given.extraInfo, `${path}.extraInfo`),
    createdAt: time(given.createdAt, `${path}.createdAt`),
    deadline: nullable(given.deadline, (v) => time(v, `${path}.deadline`)),
  };
}

function application(value: unknown, path: string, seatCount: number): SeatApplication {
  const given = object(value, path);
  const fields = requestFields(given, path, seatCount);
  return {
    requestId: fields.requestId,
    user: userInfo(given.user, `${path}.user`),
    seatIndex: fields.seatIndex,
    extraInfo: fields.extraInfo,
    createdAt: fields.createdAt,
    deadline: fields.deadline,
  };
}

function invitation(value: unknown, path: string, seatCount: number): SeatInvitation {
  const given = object(value, path);
  const fields = requestFields(given, path, seatCount);
  return {
    requestId: fields.requestId,
    inviter: userInfo(given.inviter, `${path}.inviter`),
    invitee: userInfo(given.invitee, `${path}.invitee`),
    seatIndex: fields.seatIndex,
    extraInfo: fields.extraInfo,
    createdAt: fields.createdAt,
    deadline: fields.deadline,
  };
}

function timer(value: unknown, path: string): CheckpointTimer {
  const given = object(value, path);
  const kind = oneOf(given.kind, `${path}.kind`, ['application', 'invitation', 'grace'] as const);
  return kind === 'grace'
    ? { kind, userId: string(given.userId, `${path}.userId`, true) }
    : { kind, requestId: string(given.requestId, `${path}.requestId`, true) };
}

/** Ids of `items` must be distinct; returns them as a set. */
function distinct(ids: readonly string[], what: string): Set<string> {
  const set = new Set<string>();
  for (const id of ids) {
    check(!set.has(id), `${what} ${id} appears twice`);
    set.add(id);
  }
  return set;
}

function read(value: unknown): RoomCheckpoint {
  const given = object(value, 'the checkpoint');
  const info = live(given.live);
  const seatCount = info.maxSeatCount;
  const ended = boolean(given.ended, 'ended');
  const members = array(given.members, 'members').map((m, i) => member(m, `members[${i}]`));
  const seats = array(given.seats, 'seats').map((s, i) => seat(s, `seats[${i}]`, i));
  const applications = array(given.applications, 'applications').map((a, i) =>
    application(a, `applications[${i}]`, seatCount),
  );
  const invitations = array(given.invitations, 'invitations').map((v, i) =>
    invitation(v, `invitations[${i}]`, seatCount),
  );
  const checkpoint: RoomCheckpoint = {
    version: ROOM_CHECKPOINT_VERSION,
    live: info,
    limits: limits(given.limits),
    seq: integer(given.seq, 'seq', 0),
    ended,
    takenAt: time(given.takenAt, 'takenAt'),
    nextApplicationId: integer(given.nextApplicationId, 'nextApplicationId', 1),
    nextInvitationId: integer(given.nextInvitationId, 'nextInvitationId', 1),
    members,
    omittedAudience: integer(given.omittedAudience, 'omittedAudience', 0),
    seats,
    applications,
    invitations,
    timers: array(given.timers, 'timers').map((t, i) => timer(t, `timers[${i}]`)),
    viewers: array(given.viewers, 'viewers').map((v, i) => {
      const pair = object(v, `viewers[${i}]`);
      return {
        publisherId: string(pair.publisherId, `viewers[${i}].publisherId`, true),
        viewerIds: array(pair.viewerIds, `viewers[${i}].viewerIds`).map((id, j) =>
          string(id, `viewers[${i}].viewerIds[${j}]`, true),
        ),
      };
    }),
    applicationTimes: array(given.applicationTimes, 'applicationTimes').map((v, i) => {
      const entry = object(v, `applicationTimes[${i}]`);
      return {
        userId: string(entry.userId, `applicationTimes[${i}].userId`, true),
        times: array(entry.times, `applicationTimes[${i}].times`).map((t, j) =>
          time(t, `applicationTimes[${i}].times[${j}]`),
        ),
      };
    }),
  };
  checkWhole(checkpoint);
  return checkpoint;
}

/** The rules that tie the parts together, as the room keeps them. */
function checkWhole(checkpoint: RoomCheckpoint): void {
  const { live: info, members, seats, applications, invitations, ended } = checkpoint;
  const memberIds = distinct(
    members.map((m) => m.user.userId),
    'member',
  );
  const owner = members[0];
  check(owner?.role === 'owner' && owner.user.userId === info.owner.userId, 'members[0] must be the owner');
  check(members.filter((m) => m.role === 'owner').length === 1, 'members must hold exactly one owner');
  for (const [i, m] of members.entries()) {
    const offlineInLive = !m.online && !ended;
    check(
      (m.graceDeadline !== null) === offlineInLive,
      `members[${i}].graceDeadline must be set exactly while offline`,
    );
  }
  check(seats.length === info.maxSeatCount, `seats must hold ${info.maxSeatCount} seats`);
  const seated = distinct(
    seats.flatMap((s) => (s.occupant === null ? [] : [s.occupant.userId])),
    'seated user',
  );
  for (const userId of seated) check(memberIds.has(userId), `seated user ${userId} is not a member`);
  const applicants = distinct(
    applications.map((a) => a.user.userId),
    'applicant',
  );
  const invitees = distinct(
    invitations.map((v) => v.invitee.userId),
    'invitee',
  );
  distinct(
    [...applications, ...invitations].map((r) => r.requestId),
    'request',
  );
  for (const userId of [...applicants, ...invitees]) {
    check(memberIds.has(userId), `the request of ${userId} belongs to no member`);
    check(!seated.has(userId), `seated user ${userId} has a pending request`);
  }
  for (const userId of applicants)
    check(!invitees.has(userId), `${userId} has both an application and an invitation`);
  check(!ended || applicants.size + invitees.size === 0, 'an ended live has no pending request');
  // Exactly one timer for every deadline, and none without one.
  const due = new Set<string>([
    ...applications.filter((a) => a.deadline !== null).map((a) => `application:${a.requestId}`),
    ...invitations.filter((v) => v.deadline !== null).map((v) => `invitation:${v.requestId}`),
    ...members.filter((m) => m.graceDeadline !== null).map((m) => `grace:${m.user.userId}`),
  ]);
  const armed = distinct(
    checkpoint.timers.map((t) => (t.kind === 'grace' ? `grace:${t.userId}` : `${t.kind}:${t.requestId}`)),
    'timer',
  );
  check(
    armed.size === due.size && [...armed].every((key) => due.has(key)),
    'timers must name each deadline once',
  );
  const publishers = distinct(
    checkpoint.viewers.map((pair) => pair.publisherId),
    'publisher',
  );
  check(!ended || publishers.size === 0, 'an ended live has no watch pair');
  for (const pair of checkpoint.viewers) {
    check(seated.has(pair.publisherId), `publisher ${pair.publisherId} is not seated`);
    check(pair.viewerIds.length > 0, `publisher ${pair.publisherId} has an empty list of viewers`);
    for (const viewerId of distinct(pair.viewerIds, `viewer of ${pair.publisherId}`)) {
      check(
        memberIds.has(viewerId) && viewerId !== pair.publisherId,
        `viewer ${viewerId} cannot watch ${pair.publisherId}`,
      );
    }
  }
  distinct(
    checkpoint.applicationTimes.map((entry) => entry.userId),
    'applicationTimes user',
  );
}

/**
 * Checks that `value` is a checkpoint of this engine's version and returns a normalised copy (only
 * the known fields, fresh objects), or why it cannot be restored.
 */
export function parseCheckpoint(value: unknown): CheckpointResult<RoomCheckpoint> {
  try {
    const version = object(value, 'the checkpoint').version;
    if (typeof version !== 'number') throw new Malformed('version must be a number');
    if (version !== ROOM_CHECKPOINT_VERSION) {
      return checkpointFailure(
        'unknown-version',
        `This engine restores checkpoints of version ${ROOM_CHECKPOINT_VERSION}; got version ${version}.`,
      );
    }
    return ok(read(value));
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    return checkpointFailure('malformed', `The checkpoint is malformed: ${error.message}.`);
  }
}
