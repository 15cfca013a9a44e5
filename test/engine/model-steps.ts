/**
 * The scenario of the engine's model-based tests (`model.test.ts`, `checkpoint-property.test.ts`):
 * the users, random room configurations, random steps (commands whose user arguments are picked
 * from the room's state when the step runs, clock jumps, connection drops, joins, leaves, the end,
 * deliveries of delayed events, and process deaths) and how a step's picks become a command. Not a
 * test file itself (the runner only picks up `*.test.ts`).
 */
import fc from 'fast-check';
import type { LiveRoomCreateOptions } from '../../src/engine/room.js';
import type { RoomCommand, RoomLimits } from '../../src/engine/types.js';
import type { LiveSnapshot, MoveSeatPolicy, SeatMode, UserInfo } from '../../src/protocol/types.js';

export const LIVE_ID = 'model';
export const OWNER = 'owner';
export const AUDIENCE = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'] as const;
/** Everyone who may act, plus a user who never joins. */
export const USERS = [OWNER, 'admin', 'admin2', ...AUDIENCE, 'ghost'] as const;
export type UserId = (typeof USERS)[number];

export const info = (userId: string): UserInfo => ({ userId, userName: `Name of ${userId}`, avatarUrl: '' });

// ── the scenario ─────────────────────────────────────────────────────────────────────────────

export interface Config {
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

/** What `LiveRoom.create` takes for a room of `config` (limits not in `config` may be added). */
export function createOptions(
  config: Config,
  deps: Omit<LiveRoomCreateOptions, 'owner' | 'settings' | 'limits'>,
  limits: Partial<RoomLimits> = {},
): LiveRoomCreateOptions {
  return {
    owner: info(OWNER),
    settings: {
      liveId: LIVE_ID,
      liveName: 'model',
      seatMode: config.seatMode,
      maxSeatCount: config.maxSeatCount,
      keepOwnerOnSeat: config.keepOwnerOnSeat,
    },
    limits: {
      graceMs: config.graceMs,
      maxPendingApplications: config.maxPendingApplications,
      maxMembers: config.maxMembers,
      maxViewersPerPublisher: config.maxViewersPerPublisher,
      ...limits,
    },
    ...deps,
  };
}

/**
 * A user chosen when the step runs, from the room's state at that moment (so that commands often
 * hit a real applicant, invitee or seated user), or a fixed user id.
 */
export type Pick =
  | UserId
  | {
      readonly pick: 'manager' | 'audience' | 'member' | 'seated' | 'applicant' | 'invitee' | 'inviter';
      readonly n: number;
    };

/** A command whose user-valued arguments may still be `Pick`s. */
export interface CommandTemplate {
  readonly name: RoomCommand['name'];
  readonly args: Readonly<Record<string, unknown>>;
}

export type Step =
  | { readonly kind: 'cmd'; readonly actor: Pick; readonly command: CommandTemplate }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'online'; readonly user: Pick; readonly online: boolean }
  | { readonly kind: 'join'; readonly user: UserId }
  | { readonly kind: 'leave'; readonly user: Pick }
  | { readonly kind: 'end'; readonly user: Pick }
  | { readonly kind: 'deliver'; readonly user: Pick; readonly count: number }
  /**
   * The process running the room dies: the room goes on from its checkpoint (through JSON) in another
   * one, with its own scheduler, `downtime` ms later (a timer already due then fires at once).
   */
  | { readonly kind: 'die'; readonly downtime: number };

export const configArb: fc.Arbitrary<Config> = fc.record({
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
export const live = { liveId: LIVE_ID };

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

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
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
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('die' as const),
      // A takeover within the lease (about 3 s), or after a long outage past deadlines and graces.
      downtime: fc.constantFrom(0, 0, 1, 2_600, 30_000),
    }),
  },
);

/** Turns a `Pick` into a user id, from the owner's view of the room now. */
export function resolvePick(pick: Pick, snapshot: LiveSnapshot, actor: string | null): string {
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

export function resolveCommand(
  template: CommandTemplate,
  snapshot: LiveSnapshot,
  actor: string,
): RoomCommand {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template.args)) {
    args[key] =
      key === 'userId' || key === 'inviteeId' || key === 'inviterId' || key === 'publisherId'
        ? resolvePick(value as Pick, snapshot, actor)
        : value;
  }
  return { name: template.name, args } as RoomCommand;
}
