/**
 * Property test of checkpoints: for random command sequences (the model test's scenario), a
 * checkpoint taken at a random point and restored into a new room, through JSON and on its own
 * clock, behaves exactly as the original from there on. The remaining steps go to both rooms: the
 * same results, the same events (type, payload, audience, seq), the same snapshots for every user,
 * the same checkpoints. A `die` step restores the copy once more, from its own checkpoint. After
 * every step, a checkpoint without the plain audience keeps exactly the members it should.
 *
 * `MODEL_RUNS` sets the number of runs (default 1,000), `MODEL_SEED` replays a seed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LiveRoom } from '../../src/engine/room.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import type { RoomCheckpoint } from '../../src/engine/types.js';
import type { Result } from '../../src/protocol/result.js';
import type { EventEnvelope, LiveSnapshot } from '../../src/protocol/types.js';
import {
  AUDIENCE,
  configArb,
  createOptions,
  info,
  live,
  OWNER,
  resolveCommand,
  resolvePick,
  stepArb,
  USERS,
  type Config,
  type Step,
} from './model-steps.js';

const onError = (error: unknown) => {
  throw error;
};

/** One room and what it emitted. */
interface Copy {
  room: LiveRoom;
  scheduler: ManualScheduler;
  readonly events: EventEnvelope[];
}

function create(config: Config): Copy {
  const scheduler = new ManualScheduler();
  const events: EventEnvelope[] = [];
  const created = LiveRoom.create(
    createOptions(
      config,
      { scheduler, emit: (envelope) => events.push(envelope), onError },
      { maxApplicationsPerMinute: 3 },
    ),
  );
  if (!created.isSuccess) assert.fail(created.errorMessage);
  const room = created.data;
  for (const admin of config.admins === 2 ? ['admin', 'admin2'] : ['admin']) {
    room.join(info(admin));
    room.execute(OWNER, { name: 'member.setAdmin', args: { ...live, userId: admin, admin: true } });
  }
  for (const userId of AUDIENCE.slice(0, config.audience)) room.join(info(userId));
  return { room, scheduler, events };
}

/**
 * A new room from `copy`'s checkpoint, through JSON, on a new scheduler at the same instant,
 * emitting into `events`.
 */
function restore(copy: Copy, events: EventEnvelope[]): Copy {
  const checkpoint: unknown = JSON.parse(JSON.stringify(copy.room.checkpoint()));
  const scheduler = new ManualScheduler(copy.scheduler.now());
  const restored = LiveRoom.restore(checkpoint, {
    scheduler,
    emit: (envelope) => events.push(envelope),
    onError,
  });
  if (!restored.isSuccess) assert.fail(restored.errorMessage);
  assert.equal(scheduler.pending, copy.scheduler.pending, 'every timer armed again');
  return { room: restored.data, scheduler, events };
}

/** Runs one step on `copy`, its picks resolved from `before` (an owner's view). */
function step(copy: Copy, current: Step, before: LiveSnapshot): Result<unknown> | null {
  const { room } = copy;
  switch (current.kind) {
    case 'cmd': {
      const actor = resolvePick(current.actor, before, null);
      return room.execute(actor, resolveCommand(current.command, before, actor));
    }
    case 'advance':
      copy.scheduler.advance(current.ms);
      return null;
    case 'online':
      room.setOnline(resolvePick(current.user, before, null), current.online);
      return null;
    case 'join':
      return room.join(info(current.user));
    case 'leave':
      return room.leave(resolvePick(current.user, before, null));
    case 'end':
      return room.end(resolvePick(current.user, before, null));
    case 'deliver':
    case 'die':
      return null;
  }
}

function sameRooms(original: Copy, restored: Copy, where: string): void {
  assert.equal(restored.room.seq, original.room.seq, `seq ${where}`);
  assert.equal(restored.room.ended, original.room.ended, `ended ${where}`);
  assert.deepEqual(restored.room.summary(), original.room.summary(), `summary ${where}`);
  for (const userId of USERS) {
    assert.deepEqual(
      restored.room.snapshotFor(userId),
      original.room.snapshotFor(userId),
      `snapshot of ${userId} ${where}`,
    );
    assert.deepEqual(restored.room.viewersOf(userId), original.room.viewersOf(userId));
  }
  const expected: RoomCheckpoint = original.room.checkpoint();
  assert.deepEqual(restored.room.checkpoint(), expected, `checkpoint ${where}`);
}

/**
 * `checkpoint({ audience: false })` keeps exactly the members who are more than plain audience, in
 * join order, and is otherwise the full checkpoint.
 */
function assertAudienceLeftOut(room: LiveRoom): void {
  const full = room.checkpoint();
  const partial = room.checkpoint({ audience: false });
  const seated = new Set(full.seats.flatMap((seat) => (seat.occupant ? [seat.occupant.userId] : [])));
  const requesting = new Set([
    ...full.applications.map((application) => application.user.userId),
    ...full.invitations.map((invitation) => invitation.invitee.userId),
  ]);
  const watching = new Set(full.viewers.flatMap((pair) => pair.viewerIds));
  const expected = full.members.filter(
    ({ user, role, online, lastApplication }) =>
      role !== 'audience' ||
      !online ||
      lastApplication !== null ||
      seated.has(user.userId) ||
      requesting.has(user.userId) ||
      watching.has(user.userId),
  );
  assert.deepEqual(partial.members, expected, 'the members kept');
  assert.equal(partial.omittedAudience, full.members.length - expected.length);
  assert.deepEqual({ ...partial, members: full.members, omittedAudience: 0 }, full);
}

function run(config: Config, steps: readonly Step[], cut: number): void {
  const original = create(config);
  const at = cut % (steps.length + 1);
  for (const current of steps.slice(0, at)) step(original, current, original.room.snapshotFor(OWNER));
  original.events.length = 0;
  let restored = restore(original, []);
  sameRooms(original, restored, 'right after the restore');
  for (const [i, current] of steps.slice(at).entries()) {
    if (current.kind === 'die') restored = restore(restored, restored.events);
    // Both copies pick whom to act on from the original before the step: the same command to both.
    const before = original.room.snapshotFor(OWNER);
    const expected = step(original, current, before);
    const actual = step(restored, current, before);
    assert.deepEqual(actual, expected, `result of step ${at + i} (${current.kind})`);
    assert.deepEqual(restored.events, original.events, `events after step ${at + i} (${current.kind})`);
    assertAudienceLeftOut(restored.room);
  }
  assert.ok(original.room.seq >= restored.events.length);
  sameRooms(original, restored, 'at the end');
}

const RUNS = Number(process.env.MODEL_RUNS ?? 1_000);
const SEED = process.env.MODEL_SEED === undefined ? undefined : Number(process.env.MODEL_SEED);

describe('LiveRoom checkpoints (property)', () => {
  it('a room restored at any point behaves as the original from there on', () => {
    fc.assert(
      fc.property(
        configArb,
        fc.array(stepArb, { minLength: 1, maxLength: 60, size: 'max' }),
        fc.nat(),
        (config, steps, cut) => {
          run(config, steps, cut);
        },
      ),
      { numRuns: RUNS, includeErrorInReport: true, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  });
});
