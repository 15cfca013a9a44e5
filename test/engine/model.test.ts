/**
 * Model-based property test of the room engine: random sequences of commands from an owner, one or
 * two administrators and several audience members, with clock jumps across timeouts and grace
 * periods (up to hours), random connection drops, both seat modes and few seats to force contention.
 * With network delays on, every member receives its events late, by random amounts, and chooses
 * whom to act on from that stale view (two managers answering the same application, a guest
 * accepting a cancelled invitation). After every step the invariants of docs/rules.md are checked,
 * replicas built only from delivered events are compared with the engine's snapshots once their
 * events have arrived, and seat commands are compared with a small reference model. At random
 * points the process dies: the room is replaced by the one restored from its checkpoint (through
 * JSON, on a new scheduler, possibly after a downtime past deadlines), and every invariant must
 * still hold, the event stream going on without a gap or a second outcome.
 *
 * `MODEL_RUNS` sets the number of runs of the main property (default 2,000; `npm run model` runs
 * 10,000), `MODEL_SEED` replays a seed that fast-check printed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LiveRoom } from '../../src/engine/room.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import type { RoomCommand } from '../../src/engine/types.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { Result } from '../../src/protocol/result.js';
import type {
  Audience,
  EventEnvelope,
  LiveMember,
  LiveSnapshot,
  Role,
  SeatApplication,
  SeatInfo,
  SeatInvitation,
  SeatMode,
} from '../../src/protocol/types.js';
import {
  AUDIENCE,
  configArb,
  createOptions,
  info,
  live,
  LIVE_ID,
  OWNER,
  resolveCommand,
  resolvePick,
  stepArb,
  USERS,
  type Config,
  type Step,
} from './model-steps.js';

/** What a member believes from the events it has received (its replica), shaped as a snapshot. */
function staleView(replica: Replica | undefined, now: LiveSnapshot): LiveSnapshot {
  if (!replica) return now;
  return {
    ...now,
    seats: replica.seats,
    members: replica.members,
    applications: replica.applications,
    invitations: replica.invitations,
  };
}

// ── replicas: what a client knows from the events it was sent ────────────────────────────────

interface Replica {
  seats: readonly SeatInfo[];
  members: LiveMember[];
  memberCount: number;
  applications: SeatApplication[];
  invitations: SeatInvitation[];
}

function replicaOf(snapshot: LiveSnapshot): Replica {
  return {
    seats: snapshot.seats,
    members: [...snapshot.members],
    memberCount: snapshot.memberCount,
    applications: [...snapshot.applications],
    invitations: [...snapshot.invitations],
  };
}

function apply(replica: Replica, envelope: EventEnvelope): void {
  const event = envelope.event;
  switch (event.type) {
    case 'seats':
      replica.seats = event.seats;
      break;
    case 'member.joined':
      replica.members.push(event.member);
      replica.memberCount = event.memberCount;
      break;
    case 'member.left':
      replica.members = replica.members.filter((member) => member.userId !== event.userId);
      replica.memberCount = event.memberCount;
      break;
    case 'member.count':
      replica.memberCount = event.memberCount;
      break;
    case 'member.role':
      replica.members = replica.members.map((member) =>
        member.userId === event.userId ? { ...member, role: event.role } : member,
      );
      break;
    case 'application.received':
      replica.applications.push(event.application);
      break;
    case 'application.resolved':
      replica.applications = replica.applications.filter((a) => a.requestId !== event.requestId);
      break;
    case 'invitation.received':
      replica.invitations.push(event.invitation);
      break;
    case 'invitation.resolved':
      replica.invitations = replica.invitations.filter((i) => i.requestId !== event.requestId);
      break;
    case 'snapshot':
      Object.assign(replica, replicaOf(event.snapshot));
      break;
    case 'seat.lost':
    case 'device.admin':
    case 'live.ended':
    case 'media.viewer':
      break;
  }
}

/** A publisher's viewers as its `media.viewer` events tell them. */
function applyViewers(viewers: Set<string>, envelope: EventEnvelope): void {
  const event = envelope.event;
  if (event.type !== 'media.viewer') return;
  if (event.action === 'joined') {
    assert.ok(!viewers.has(event.viewerId), `${event.viewerId} joined ${event.publisherId} twice`);
    viewers.add(event.viewerId);
  } else {
    assert.ok(viewers.delete(event.viewerId), `${event.viewerId} left ${event.publisherId} unseen`);
  }
}

const isManager = (role: Role | null): boolean => role === 'owner' || role === 'admin';

function includes(audience: Audience, userId: string, role: Role | null): boolean {
  switch (audience.kind) {
    case 'all':
      return true;
    case 'managers':
      return isManager(role);
    case 'others':
      return !isManager(role);
    case 'users':
      return audience.userIds.includes(userId);
    case 'managersAnd':
      return isManager(role) || audience.userIds.includes(userId);
  }
}

// ── the reference model of seat occupancy ────────────────────────────────────────────────────

interface SeatView {
  readonly user: string | null;
  readonly locked: boolean;
}

function seatViews(snapshot: LiveSnapshot): SeatView[] {
  return snapshot.seats.map((seat) => ({ user: seat.userInfo?.userId ?? null, locked: seat.isLocked }));
}

/** The reference answer of a seat command: an error code, or the seats after it. */
function referenceSeatCommand(
  seats: readonly SeatView[],
  roles: ReadonlyMap<string, Role>,
  seatMode: SeatMode,
  actor: string,
  command: RoomCommand,
): number | (string | null)[] | null {
  const role = roles.get(actor);
  if (role === undefined) return ErrorCode.NOT_IN_LIVE;
  const users = seats.map((seat) => seat.user);
  const seatOf = (userId: string) => users.indexOf(userId);
  const manager = isManager(role);
  /** The seat a request gets: its index, or an error code in `refusal`. */
  const pick = (requested: number): { index: number } | { refusal: number } => {
    if (requested === -1) {
      const index = seats.findIndex((seat) => seat.user === null && !seat.locked);
      return index === -1 ? { refusal: ErrorCode.ALL_SEATS_OCCUPIED } : { index };
    }
    const seat = seats[requested];
    if (seat === undefined) return { refusal: ErrorCode.SEAT_INDEX_NOT_EXIST };
    if (seat.user !== null) return { refusal: ErrorCode.SEAT_OCCUPIED };
    if (seat.locked) return { refusal: ErrorCode.SEAT_LOCKED };
    return { index: requested };
  };
  const outranked = (target: string) =>
    role === 'admin' && target !== actor && roles.get(target) !== 'audience';
  switch (command.name) {
    case 'seat.take': {
      if (seatMode === 'apply' && !manager) return ErrorCode.NO_PERMISSION;
      if (seatOf(actor) !== -1) return ErrorCode.ALREADY_ON_SEAT;
      const choice = pick(command.args.seatIndex);
      if ('refusal' in choice) return choice.refusal;
      users[choice.index] = actor;
      return users;
    }
    case 'seat.leave': {
      const index = seatOf(actor);
      if (index === -1) return ErrorCode.NOT_ON_SEAT;
      users[index] = null;
      return users;
    }
    case 'seat.kick': {
      const target = command.args.userId;
      if (!manager) return ErrorCode.NEED_ADMIN_PERMISSION;
      if (target === actor) return ErrorCode.INVALID_ARGUMENT;
      const index = seatOf(target);
      if (index === -1) return ErrorCode.NOT_ON_SEAT;
      if (roles.get(target) === 'owner') return ErrorCode.NO_PERMISSION;
      if (outranked(target)) return ErrorCode.NEED_OWNER_PERMISSION;
      users[index] = null;
      return users;
    }
    case 'seat.move': {
      const { userId: target, targetIndex, policy } = command.args;
      if (!(target === actor && policy === 'abortWhenOccupied') && !manager)
        return ErrorCode.NEED_ADMIN_PERMISSION;
      const from = seatOf(target);
      if (from === -1) return ErrorCode.NOT_ON_SEAT;
      if (outranked(target)) return ErrorCode.NEED_OWNER_PERMISSION;
      const to = seats[targetIndex];
      if (to === undefined) return ErrorCode.SEAT_INDEX_NOT_EXIST;
      if (from === targetIndex) return users;
      if (to.locked) return ErrorCode.SEAT_LOCKED;
      if (to.user !== null) {
        if (policy === 'abortWhenOccupied') return ErrorCode.SEAT_OCCUPIED;
        if (outranked(to.user)) return ErrorCode.NEED_OWNER_PERMISSION;
        if (policy === 'swap' && seats[from]?.locked) return ErrorCode.SEAT_LOCKED;
      }
      users[from] = policy === 'swap' ? to.user : null;
      users[targetIndex] = target;
      return users;
    }
    default:
      return null;
  }
}

// ── one run ──────────────────────────────────────────────────────────────────────────────────

function canonical(value: unknown): string {
  return JSON.stringify(value);
}

function run(config: Config, steps: readonly Step[]): void {
  let scheduler = new ManualScheduler();
  const envelopes: EventEnvelope[] = [];
  const replicas = new Map<string, Replica>();
  /** Each member's viewers, from the `media.viewer` events delivered to it. */
  const viewerReplicas = new Map<string, Set<string>>();
  /** requestId → resolved events seen. */
  const resolvedCount = new Map<string, number>();
  /** Every pending request as the event stream tells it, in arrival order. */
  const pendingApplications = new Map<string, SeatApplication>();
  const pendingInvitations = new Map<string, SeatInvitation>();
  const issued = new Set<string>();
  const online = new Map<string, boolean>();
  /** With delays: each member's events sent but not yet received, in order. */
  const inFlight = new Map<string, EventEnvelope[]>();
  const receive = (userId: string, envelope: EventEnvelope) => {
    const replica = replicas.get(userId);
    if (replica) apply(replica, envelope);
    const viewers = viewerReplicas.get(userId);
    if (viewers) applyViewers(viewers, envelope);
  };
  const deliver = (userId: string, count: number) => {
    const queue = inFlight.get(userId) ?? [];
    for (const envelope of queue.splice(0, count)) receive(userId, envelope);
  };
  /** Set once the room exists (it emits nothing while being created). */
  const roomRef: { current?: LiveRoom } = {};

  const emit = (envelope: EventEnvelope) => {
    assert.equal(envelope.seq, envelopes.length + 1, 'seq goes up by exactly 1');
    assert.equal(envelope.liveId, LIVE_ID);
    envelopes.push(envelope);
    const event = envelope.event;
    if (event.type === 'application.received') {
      assert.ok(!pendingApplications.has(event.application.requestId));
      pendingApplications.set(event.application.requestId, event.application);
    } else if (event.type === 'invitation.received') {
      pendingInvitations.set(event.invitation.requestId, event.invitation);
    } else if (event.type === 'application.resolved' || event.type === 'invitation.resolved') {
      const count = (resolvedCount.get(event.requestId) ?? 0) + 1;
      assert.equal(count, 1, `one outcome for ${event.requestId}`);
      resolvedCount.set(event.requestId, count);
      pendingApplications.delete(event.requestId);
      pendingInvitations.delete(event.requestId);
      assert.equal(event.code !== 0, event.outcome === 'failed', 'a code exactly for failures');
    }
    const room = roomRef.current;
    if (room === undefined) return;
    // Who receives an event is decided when it is sent (as the hub does), whenever it arrives.
    for (const userId of replicas.keys()) {
      if (!room.isMember(userId) || !includes(envelope.to, userId, room.roleOf(userId))) continue;
      if (config.delays) inFlight.get(userId)?.push(envelope);
      else receive(userId, envelope);
    }
    if (event.type === 'media.viewer') {
      assert.deepEqual(envelope.to, { kind: 'users', userIds: [event.publisherId] }, 'to the publisher');
      assert.ok(room.isMember(event.publisherId), 'only a publisher still in the live is told');
    }
  };

  const onError = (error: unknown) => {
    throw error;
  };
  const created = LiveRoom.create(createOptions(config, { scheduler, emit, onError }));
  assert.ok(created.isSuccess);
  let liveRoom = created.data;
  roomRef.current = liveRoom;
  replicas.set(OWNER, replicaOf(liveRoom.snapshotFor(OWNER)));
  viewerReplicas.set(OWNER, new Set());
  inFlight.set(OWNER, []);
  online.set(OWNER, true);

  const join = (userId: string) => {
    const result = liveRoom.join(info(userId));
    if (result.isSuccess) {
      online.set(userId, true);
      if (!replicas.has(userId)) {
        replicas.set(userId, replicaOf(result.data));
        viewerReplicas.set(userId, new Set());
        inFlight.set(userId, []);
      }
      assert.equal(result.data.seq, liveRoom.seq);
    }
    return result;
  };
  const forgetDeparted = () => {
    for (const userId of [...replicas.keys()]) {
      if (!liveRoom.isMember(userId)) {
        replicas.delete(userId);
        viewerReplicas.delete(userId);
        inFlight.delete(userId);
        online.delete(userId);
      }
    }
  };

  for (const admin of config.admins === 2 ? ['admin', 'admin2'] : ['admin']) {
    join(admin);
    liveRoom.execute(OWNER, { name: 'member.setAdmin', args: { ...live, userId: admin, admin: true } });
  }
  for (const userId of AUDIENCE.slice(0, config.audience)) join(userId);

  let stepsAfterEnd = 0;
  for (const step of steps) {
    const wasEnded = liveRoom.ended;
    // A few steps after the end prove that everything answers LIVE_ENDED; more would add nothing.
    if (wasEnded && ++stepsAfterEnd > 3) break;
    const before = liveRoom.snapshotFor(OWNER);
    const roles = new Map<string, Role>();
    for (const member of before.members) roles.set(member.userId, member.role);
    let result: Result<unknown> | null = null;
    let actor = '';
    let command: RoomCommand | null = null;
    switch (step.kind) {
      case 'cmd': {
        actor = resolvePick(step.actor, before, null);
        // With delays, the actor picks whom to act on from what it has received so far.
        const view = config.delays ? staleView(replicas.get(actor), before) : before;
        command = resolveCommand(step.command, view, actor);
        result = liveRoom.execute(actor, command);
        if (result.isSuccess && (command.name === 'guest.apply' || command.name === 'guest.invite')) {
          const { requestId } = result.data as { requestId: string };
          assert.ok(!issued.has(requestId), 'request ids are unique');
          issued.add(requestId);
        }
        break;
      }
      case 'deliver':
        deliver(resolvePick(step.user, before, null), step.count);
        break;
      case 'advance':
        scheduler.advance(step.ms);
        break;
      case 'online': {
        const userId = resolvePick(step.user, before, null);
        liveRoom.setOnline(userId, step.online);
        if (liveRoom.isMember(userId) && !liveRoom.ended) online.set(userId, step.online);
        break;
      }
      case 'join':
        result = join(step.user);
        break;
      case 'leave':
        result = liveRoom.leave(resolvePick(step.user, before, null));
        break;
      case 'end':
        result = liveRoom.end(resolvePick(step.user, before, null));
        break;
      case 'die': {
        // The process dies with its timers; another restores the room from its checkpoint (as
        // JSON, as Redis holds it), on its own clock, `downtime` ms later.
        const dead = liveRoom;
        const checkpoint: unknown = JSON.parse(JSON.stringify(dead.checkpoint()));
        scheduler = new ManualScheduler(scheduler.now() + step.downtime);
        const restored = LiveRoom.restore(checkpoint, { scheduler, emit, onError });
        if (!restored.isSuccess) assert.fail(restored.errorMessage);
        liveRoom = restored.data;
        roomRef.current = liveRoom;
        assert.equal(liveRoom.seq, dead.seq, 'the restored room goes on from the same seq');
        assert.equal(liveRoom.ended, dead.ended);
        for (const userId of USERS) {
          assert.deepEqual(liveRoom.snapshotFor(userId), dead.snapshotFor(userId), `snapshot of ${userId}`);
          assert.equal(liveRoom.roleOf(userId), dead.roleOf(userId));
          assert.deepEqual(liveRoom.viewersOf(userId), dead.viewersOf(userId));
        }
        // Deadlines that passed while no process ran the room fire now, each once.
        scheduler.advance(0);
        break;
      }
    }
    forgetDeparted();
    if (result !== null) {
      assert.equal(typeof result.isSuccess, 'boolean');
      if (!result.isSuccess) {
        assert.notEqual(result.errorCode, ErrorCode.SERVER_ERROR, result.errorMessage);
        assert.ok(result.errorMessage.length > 10, 'a readable message');
      }
      if (wasEnded) assert.equal(result.isSuccess ? 0 : result.errorCode, ErrorCode.LIVE_ENDED);
    }
    if (command !== null && !wasEnded) {
      const expected = referenceSeatCommand(seatViews(before), roles, config.seatMode, actor, command);
      if (expected !== null && result !== null) {
        if (typeof expected === 'number') {
          assert.equal(result.isSuccess ? 0 : result.errorCode, expected, `${command.name} by ${actor}`);
        } else {
          assert.equal(result.isSuccess, true, `${command.name} by ${actor} should succeed`);
          assert.deepEqual(
            seatViews(liveRoom.snapshotFor(OWNER)).map((seat) => seat.user),
            expected,
            `${command.name} by ${actor}`,
          );
        }
      }
    }
    checkInvariants();
  }
  // Everything sent arrives in the end: every replica then equals the engine's view.
  for (const userId of [...inFlight.keys()]) deliver(userId, Number.MAX_SAFE_INTEGER);
  checkInvariants();

  function checkInvariants(): void {
    const snapshot = liveRoom.snapshotFor(OWNER);
    assert.equal(snapshot.seq, envelopes.length);
    // Seats: one user per seat, one seat per user, only members, locks respected.
    const seated = new Map<string, number>();
    for (const seat of snapshot.seats) {
      const user = seat.userInfo;
      if (user === null) continue;
      assert.ok(!seated.has(user.userId), `${user.userId} sits on two seats`);
      seated.set(user.userId, seat.index);
      assert.ok(liveRoom.isMember(user.userId), `${user.userId} is seated but not a member`);
      assert.equal(user.role, liveRoom.roleOf(user.userId));
      assert.equal(user.allowOpenMicrophone, !seat.isAudioLocked);
      assert.equal(user.allowOpenCamera, !seat.isVideoLocked);
      if (seat.isAudioLocked) assert.equal(user.microphoneStatus, 'off');
      if (seat.isVideoLocked) assert.equal(user.cameraStatus, 'off');
      if (!liveRoom.ended) {
        assert.equal(user.connection, online.get(user.userId) === false ? 'lost' : 'online', user.userId);
      }
    }
    assert.equal(liveRoom.summary().seatedCount, seated.size);
    assert.equal(liveRoom.summary().memberCount, snapshot.memberCount);
    // Requests: the managers' view is exactly the pending set, in arrival order.
    assert.deepEqual(
      snapshot.applications.map((a) => a.requestId),
      [...pendingApplications.keys()],
    );
    assert.deepEqual(
      snapshot.invitations.map((i) => i.requestId),
      [...pendingInvitations.keys()],
    );
    const applicants = new Set<string>();
    for (const application of snapshot.applications) {
      assert.ok(!applicants.has(application.user.userId), 'one pending application per user');
      applicants.add(application.user.userId);
      assert.ok(!seated.has(application.user.userId), 'a seated user has no pending application');
      assert.ok(liveRoom.isMember(application.user.userId));
    }
    const invitees = new Set<string>();
    for (const invitation of snapshot.invitations) {
      assert.ok(!invitees.has(invitation.invitee.userId), 'one pending invitation per user');
      invitees.add(invitation.invitee.userId);
      assert.ok(!seated.has(invitation.invitee.userId), 'a seated user has no pending invitation');
      assert.ok(liveRoom.isMember(invitation.invitee.userId), 'an invitee is a member');
      assert.ok(!applicants.has(invitation.invitee.userId), 'never both an application and an invitation');
    }
    for (const requestId of issued) {
      const pending = pendingApplications.has(requestId) || pendingInvitations.has(requestId);
      assert.equal(resolvedCount.get(requestId) ?? 0, pending ? 0 : 1, `outcomes of ${requestId}`);
    }
    for (const requestId of resolvedCount.keys()) assert.ok(issued.has(requestId), `unknown ${requestId}`);
    // Timers: one per request with a deadline and one per member in grace; none after the end.
    if (liveRoom.ended) {
      assert.equal(scheduler.pending, 0);
      assert.equal(pendingApplications.size + pendingInvitations.size, 0);
    } else {
      const deadlines =
        snapshot.applications.filter((a) => a.deadline !== null).length +
        snapshot.invitations.filter((i) => i.deadline !== null).length;
      const inGrace = [...online.values()].filter((value) => !value).length;
      assert.equal(scheduler.pending, deadlines + inGrace, 'no leaked or missing timer');
      for (const application of snapshot.applications) {
        if (application.deadline !== null) assert.ok(application.deadline > scheduler.now());
      }
    }
    // Watch pairs: a seated publisher, at most the cap of viewers, all members, never itself; none
    // after the end; signals exactly inside pairs; the publisher's events tell it its viewers.
    const pairs = new Map(USERS.map((userId) => [userId as string, liveRoom.viewersOf(userId)]));
    for (const publisherId of USERS) {
      const viewers = pairs.get(publisherId) ?? [];
      if (liveRoom.ended) {
        assert.deepEqual(viewers, [], 'no pair after the end');
        continue;
      }
      if (viewers.length > 0) {
        assert.ok(seated.has(publisherId), `${publisherId} publishes without a seat`);
        assert.ok(viewers.length <= config.maxViewersPerPublisher, `over the cap for ${publisherId}`);
      }
      for (const viewerId of viewers) {
        assert.ok(liveRoom.isMember(viewerId), `${viewerId} watches after leaving`);
        assert.notEqual(viewerId, publisherId);
      }
      for (const otherId of USERS) {
        const paired = viewers.includes(otherId) || (pairs.get(otherId) ?? []).includes(publisherId);
        assert.equal(liveRoom.canSignal(publisherId, otherId), paired, `${publisherId} → ${otherId}`);
      }
      const told =
        (inFlight.get(publisherId)?.length ?? 0) === 0 ? viewerReplicas.get(publisherId) : undefined;
      if (told) assert.deepEqual([...told].sort(), [...viewers].sort(), `viewers of ${publisherId}`);
    }
    // Replicas from delivered events equal what the engine would show each member now.
    for (const [userId, replica] of replicas) {
      if ((inFlight.get(userId)?.length ?? 0) > 0) continue;
      const expected = replicaOf(liveRoom.snapshotFor(userId));
      if (canonical(replica) !== canonical(expected)) {
        assert.deepEqual(replica, expected, `replica of ${userId} (${liveRoom.roleOf(userId) ?? 'gone'})`);
      }
    }
  }
}

const RUNS = Number(process.env.MODEL_RUNS ?? 2_000);
const SEED = process.env.MODEL_SEED === undefined ? undefined : Number(process.env.MODEL_SEED);

describe('LiveRoom model', () => {
  it('keeps every invariant over random command sequences', () => {
    fc.assert(
      fc.property(
        configArb,
        fc.array(stepArb, { minLength: 1, maxLength: 60, size: 'max' }),
        (config, steps) => {
          run(config, steps);
        },
      ),
      {
        numRuns: RUNS,
        includeErrorInReport: true,
        ...(SEED === undefined ? {} : { seed: SEED }),
      },
    );
  });

  it('keeps every invariant in long sessions with small rooms', () => {
    fc.assert(
      fc.property(
        configArb.map((config) => ({ ...config, maxSeatCount: 2 })),
        fc.array(stepArb, { minLength: 100, maxLength: 250, size: 'max' }),
        (config, steps) => {
          run(config, steps);
        },
      ),
      { numRuns: 200, includeErrorInReport: true },
    );
  });
});
