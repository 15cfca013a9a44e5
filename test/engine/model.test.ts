/**
 * Model-based property test of the room engine: random sequences of commands from an owner, one or
 * two administrators and several audience members, with clock jumps across timeouts and grace
 * periods (up to hours), random connection drops, both seat modes and few seats to force contention.
 * With network delays on, every member receives its events late, by random amounts, and chooses
 * whom to act on from that stale view (two managers answering the same application, a guest
 * accepting a cancelled invitation). After every step the invariants of docs/rules.md are checked,
 * replicas built only from delivered events are compared with the engine's snapshots once their
 * events have arrived, and seat commands are compared with a small reference model.
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
  MoveSeatPolicy,
  Role,
  SeatApplication,
  SeatInfo,
  SeatInvitation,
  SeatMode,
  UserInfo,
} from '../../src/protocol/types.js';

const LIVE_ID = 'model';
const OWNER = 'owner';
const AUDIENCE = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'] as const;
/** Everyone who may act, plus a user who never joins. */
const USERS = [OWNER, 'admin', 'admin2', ...AUDIENCE, 'ghost'] as const;
type UserId = (typeof USERS)[number];

const info = (userId: string): UserInfo => ({ userId, userName: `Name of ${userId}`, avatarUrl: '' });

// ── the scenario ─────────────────────────────────────────────────────────────────────────────

interface Config {
  readonly seatMode: SeatMode;
  readonly maxSeatCount: number;
  readonly keepOwnerOnSeat: boolean;
  readonly audience: number;
  readonly graceMs: number;
  readonly maxPendingApplications: number;
  readonly maxMembers: number;
  readonly maxViewersPerPublisher: number;
  /** Administrators besides the owner. */
  readonly admins: 1 | 2;
  /** Events reach members late (each `deliver` step hands a member some of its queued events). */
  readonly delays: boolean;
}

/**
 * A user chosen when the step runs, from the room's state at that moment (so that commands often
 * hit a real applicant, invitee or seated user), or a fixed user id.
 */
type Pick =
  | UserId
  | {
      readonly pick: 'manager' | 'audience' | 'member' | 'seated' | 'applicant' | 'invitee' | 'inviter';
      readonly n: number;
    };

/** A command whose user-valued arguments may still be `Pick`s. */
interface CommandTemplate {
  readonly name: RoomCommand['name'];
  readonly args: Readonly<Record<string, unknown>>;
}

type Step =
  | { readonly kind: 'cmd'; readonly actor: Pick; readonly command: CommandTemplate }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'online'; readonly user: Pick; readonly online: boolean }
  | { readonly kind: 'join'; readonly user: UserId }
  | { readonly kind: 'leave'; readonly user: Pick }
  | { readonly kind: 'end'; readonly user: Pick }
  | { readonly kind: 'deliver'; readonly user: Pick; readonly count: number };

const configArb: fc.Arbitrary<Config> = fc.record({
  seatMode: fc.constantFrom<SeatMode>('apply', 'apply', 'free'),
  maxSeatCount: fc.integer({ min: 2, max: 4 }),
  keepOwnerOnSeat: fc.boolean(),
  audience: fc.integer({ min: 4, max: 6 }),
  graceMs: fc.constantFrom(0, 3_000, 3_000, 20_000),
  maxPendingApplications: fc.constantFrom(2, 1_000),
  maxMembers: fc.constantFrom(6, 10_000),
  maxViewersPerPublisher: fc.constantFrom(0, 1, 2, 8),
  admins: fc.constantFrom<1 | 2>(1, 2),
  delays: fc.boolean(),
});

const userArb = fc.constantFrom<UserId>(...USERS);
const pickArb = (...kinds: Exclude<Pick, UserId>['pick'][]): fc.Arbitrary<Pick> =>
  fc.oneof(
    { weight: 1, arbitrary: userArb },
    { weight: 4, arbitrary: fc.record({ pick: fc.constantFrom(...kinds), n: fc.nat(30) }) },
  );
const managerArb = pickArb('manager');
const anyoneArb = pickArb('member', 'audience', 'manager');
const seatedArb = pickArb('seated');
const targetArb = pickArb('seated', 'audience', 'member');
const seatArb = fc.integer({ min: -1, max: 4 });
const indexArb = fc.integer({ min: 0, max: 4 });
const timeoutArb = fc.constantFrom(0, 1, 5, 30);
const deviceArb = fc.constantFrom('microphone' as const, 'camera' as const);
const statusArb = fc.option(fc.constantFrom('on' as const, 'off' as const), { nil: undefined });
const flagArb = fc.option(fc.boolean(), { nil: undefined });
const live = { liveId: LIVE_ID };

function cmd(
  weight: number,
  actor: fc.Arbitrary<Pick>,
  name: RoomCommand['name'],
  args: fc.Arbitrary<Record<string, unknown>>,
) {
  return {
    weight,
    arbitrary: fc.record({
      kind: fc.constant('cmd' as const),
      actor,
      command: args.map((a): CommandTemplate => ({ name, args: { ...live, ...a } })),
    }),
  };
}

const nothing = fc.constant({});

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  cmd(
    6,
    pickArb('audience', 'member'),
    'guest.apply',
    fc.record({ seatIndex: seatArb, timeout: timeoutArb, extraInfo: fc.constant('') }),
  ),
  cmd(1, pickArb('applicant'), 'guest.cancelApplication', nothing),
  cmd(5, managerArb, 'guest.acceptApplication', fc.record({ userId: pickArb('applicant') })),
  cmd(2, managerArb, 'guest.rejectApplication', fc.record({ userId: pickArb('applicant') })),
  cmd(
    4,
    managerArb,
    'guest.invite',
    fc.record({
      inviteeId: pickArb('audience', 'member'),
      seatIndex: seatArb,
      timeout: timeoutArb,
      extraInfo: fc.constant(''),
    }),
  ),
  cmd(1, managerArb, 'guest.cancelInvitation', fc.record({ inviteeId: pickArb('invitee') })),
  cmd(4, pickArb('invitee'), 'guest.acceptInvitation', fc.record({ inviterId: pickArb('inviter') })),
  cmd(1, pickArb('invitee'), 'guest.rejectInvitation', fc.record({ inviterId: pickArb('inviter') })),
  cmd(4, anyoneArb, 'seat.take', fc.record({ seatIndex: seatArb })),
  cmd(2, seatedArb, 'seat.leave', nothing),
  cmd(
    4,
    pickArb('seated', 'manager'),
    'seat.move',
    fc.record({
      userId: seatedArb,
      targetIndex: indexArb,
      policy: fc.constantFrom<MoveSeatPolicy>('abortWhenOccupied', 'forceReplace', 'swap'),
    }),
  ),
  cmd(2, managerArb, 'seat.kick', fc.record({ userId: targetArb })),
  cmd(
    3,
    managerArb,
    'seat.lock',
    fc.record({ seatIndex: indexArb, lockSeat: flagArb, lockAudio: flagArb, lockVideo: flagArb }),
  ),
  cmd(5, seatedArb, 'device.publish', fc.record({ microphone: statusArb, camera: statusArb })),
  cmd(2, managerArb, 'device.closeRemote', fc.record({ userId: targetArb, device: deviceArb })),
  cmd(
    2,
    managerArb,
    'device.setRemoteAllowed',
    fc.record({ userId: targetArb, device: deviceArb, allowed: fc.boolean() }),
  ),
  cmd(2, pickArb('manager'), 'member.setAdmin', fc.record({ userId: anyoneArb, admin: fc.boolean() })),
  cmd(5, anyoneArb, 'media.watch', fc.record({ publisherId: pickArb('seated', 'member') })),
  cmd(2, anyoneArb, 'media.unwatch', fc.record({ publisherId: pickArb('seated', 'member') })),
  cmd(1, anyoneArb, 'media.viewers', fc.constant({})),
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      // Small steps, jumps across deadlines and grace periods, and rare jumps of hours (a laptop
      // waking up, a clock corrected).
      ms: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 2_000 }) },
        { weight: 3, arbitrary: fc.constantFrom(1_000, 3_000, 5_000, 20_000, 30_000) },
        { weight: 1, arbitrary: fc.constantFrom(600_000, 3_600_000, 86_400_000) },
      ),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('online' as const),
      user: pickArb('audience', 'seated', 'audience', 'member'),
      online: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('join' as const), user: userArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('leave' as const),
      user: pickArb('audience', 'seated', 'member'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('end' as const), user: managerArb }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('deliver' as const),
      user: pickArb('member', 'manager'),
      count: fc.integer({ min: 1, max: 6 }),
    }),
  },
);

/** Turns a `Pick` into a user id, from the owner's view of the room now. */
function resolvePick(pick: Pick, snapshot: LiveSnapshot, actor: string | null): string {
  if (typeof pick === 'string') return pick;
  let candidates: string[];
  switch (pick.pick) {
    case 'manager':
      candidates = snapshot.members.filter((m) => m.role !== 'audience').map((m) => m.userId);
      break;
    case 'audience':
      candidates = snapshot.members.filter((m) => m.role === 'audience').map((m) => m.userId);
      break;
    case 'member':
      candidates = snapshot.members.map((m) => m.userId);
      break;
    case 'seated':
      candidates = snapshot.seats.flatMap((seat) => (seat.userInfo ? [seat.userInfo.userId] : []));
      break;
    case 'applicant':
      candidates = snapshot.applications.map((a) => a.user.userId);
      break;
    case 'invitee':
      candidates = snapshot.invitations.map((i) => i.invitee.userId);
      break;
    case 'inviter':
      candidates = snapshot.invitations
        .filter((i) => i.invitee.userId === actor)
        .map((i) => i.inviter.userId);
      break;
  }
  return candidates[pick.n % candidates.length] ?? USERS[pick.n % USERS.length] ?? OWNER;
}

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

function resolveCommand(template: CommandTemplate, snapshot: LiveSnapshot, actor: string): RoomCommand {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template.args)) {
    args[key] =
      key === 'userId' || key === 'inviteeId' || key === 'inviterId' || key === 'publisherId'
        ? resolvePick(value as Pick, snapshot, actor)
        : value;
  }
  return { name: template.name, args } as RoomCommand;
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
  const scheduler = new ManualScheduler();
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

  const created = LiveRoom.create({
    owner: info(OWNER),
    settings: {
      liveId: LIVE_ID,
      liveName: 'model',
      seatMode: config.seatMode,
      maxSeatCount: config.maxSeatCount,
      keepOwnerOnSeat: config.keepOwnerOnSeat,
    },
    scheduler,
    limits: {
      graceMs: config.graceMs,
      maxPendingApplications: config.maxPendingApplications,
      maxMembers: config.maxMembers,
      maxViewersPerPublisher: config.maxViewersPerPublisher,
    },
    emit,
    onError: (error) => {
      throw error;
    },
  });
  assert.ok(created.isSuccess);
  const liveRoom = created.data;
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
