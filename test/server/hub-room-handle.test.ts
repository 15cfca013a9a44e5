/**
 * The seam between the hub and its rooms (`src/hub/room-handle.ts`): what any `RoomOpener` and
 * `RoomHandle` must do for the hub. Written as a contract, run here against the rooms of this
 * process (`localRoomOpener`); another implementation runs the same `roomHandleContract`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import type { CreateLiveSettings, RoomCommand, RoomCommandName } from '../../src/engine/types.js';
import { localRoomOpener } from '../../src/hub/local-room.js';
import { laterRoomOpener } from './later-room.js';
import type { RoomHandle, RoomOpener } from '../../src/hub/room-handle.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { validateArgs, type CommandInput } from '../../src/protocol/messages.js';
import type { Result } from '../../src/protocol/result.js';
import type { EventEnvelope, UserInfo } from '../../src/protocol/types.js';

const LIVE_ID = 'live-1';
const GRACE_MS = 1_000;

function user(userId: string): UserInfo {
  return { userId, userName: userId.toUpperCase(), avatarUrl: '' };
}

const OWNER = user('owner');
const ALICE = user('alice');

function command<N extends RoomCommandName>(name: N, args: Omit<CommandInput<N>, 'liveId'>): RoomCommand {
  const parsed = validateArgs(name, { liveId: LIVE_ID, ...args });
  if (!parsed.isSuccess) throw new Error(parsed.errorMessage);
  return { name, args: parsed.data } as RoomCommand;
}

/** The validated settings of `live.create`, defaults applied. */
function settings(overrides: Partial<CreateLiveSettings> = {}): CreateLiveSettings {
  const parsed = validateArgs('live.create', { liveId: LIVE_ID });
  if (!parsed.isSuccess) throw new Error(parsed.errorMessage);
  return { ...parsed.data, ...overrides };
}

function expectOk<T>(result: Result<T>): T {
  if (!result.isSuccess) assert.fail(`expected success, got ${result.errorCode}: ${result.errorMessage}`);
  return result.data;
}

/** What a contract run needs: an opener whose rooms have a grace of `GRACE_MS`, and its clock. */
interface Fixture {
  readonly open: RoomOpener;
  /** Moves the rooms' clock forward. */
  readonly advance: (ms: number) => void;
}

function roomHandleContract(name: string, fixture: () => Fixture): void {
  describe(name, () => {
    async function opened() {
      const { open, advance } = fixture();
      const events: EventEnvelope[] = [];
      const errors: unknown[] = [];
      let failing: Error | null = null;
      const created = await open(
        { owner: OWNER, settings: settings() },
        {
          onEnvelope: (envelope) => {
            if (failing) throw failing;
            events.push(envelope);
          },
          onError: (error) => errors.push(error),
        },
      );
      const room: RoomHandle = expectOk(created);
      return {
        room,
        events,
        errors,
        advance,
        breakSubscriber: (error: Error) => (failing = error),
      };
    }

    it('opens a room whose owner is its first member, with no event', async () => {
      const { room, events } = await opened();
      assert.equal(room.isMember(OWNER.userId), true);
      assert.equal(room.roleOf(OWNER.userId), 'owner');
      assert.equal(room.roleOf(ALICE.userId), null);
      assert.equal(room.ended, false);
      assert.equal(room.seq, 0);
      assert.deepEqual(events, []);
      assert.equal(room.summary().liveId, LIVE_ID);
    });

    it('fails, without throwing, for settings the room refuses', async () => {
      const { open } = fixture();
      const created = await open(
        { owner: OWNER, settings: settings({ maxSeatCount: 99 }) },
        { onEnvelope: () => undefined, onError: () => undefined },
      );
      assert.equal(created.isSuccess, false);
      if (!created.isSuccess) assert.equal(created.errorCode, ErrorCode.MAX_SEAT_COUNT_LIMIT);
    });

    it('hands every event to the subscriber in seq order, before the command returns', async () => {
      const { room, events } = await opened();
      const snapshot = expectOk(await room.join(ALICE));
      assert.ok(events.length > 0, 'the join was told');
      assert.deepEqual(
        events.map((envelope) => envelope.seq),
        events.map((_, i) => i + 1),
      );
      assert.equal(room.seq, events.at(-1)?.seq);
      assert.equal(snapshot.seq, room.seq, "the join's snapshot covers its own events");
      assert.equal(room.isMember(ALICE.userId), true);
      assert.equal(room.snapshotFor(ALICE.userId).seq, room.seq);
    });

    it('runs a command for its actor and replies with a Result; a broken rule is a failure', async () => {
      const { room } = await opened();
      expectOk(await room.join(ALICE));
      const applied = await room.submit(ALICE.userId, command('guest.apply', {}));
      assert.equal(applied.isSuccess, true);
      const refused = await room.submit(ALICE.userId, command('seat.lock', { seatIndex: 1, lockSeat: true }));
      assert.equal(refused.isSuccess, false);
      const ended = await room.end(ALICE.userId);
      assert.equal(ended.isSuccess, false, 'only the owner ends the live');
      assert.equal(room.ended, false);
    });

    it('lets a member leave', async () => {
      const { room } = await opened();
      expectOk(await room.join(ALICE));
      expectOk(await room.leave(ALICE.userId));
      assert.equal(room.isMember(ALICE.userId), false);
    });

    it('answers canSignal only inside a watch pair', async () => {
      const { room } = await opened();
      expectOk(await room.join(ALICE));
      assert.equal(room.canSignal(ALICE.userId, OWNER.userId), false);
    });

    it('starts the grace period of a member who went offline, and removes them after it', async () => {
      const { room, advance } = await opened();
      expectOk(await room.join(ALICE));
      room.setOnline(ALICE.userId, false);
      assert.equal(room.isMember(ALICE.userId), true, 'kept during the grace period');
      advance(GRACE_MS + 1);
      assert.equal(room.isMember(ALICE.userId), false);
    });

    it('reports to onError what the subscriber throws while the room runs on its own', async () => {
      const { room, errors, advance, breakSubscriber } = await opened();
      expectOk(await room.join(ALICE));
      room.setOnline(ALICE.userId, false);
      const broken = new Error('subscriber failed');
      breakSubscriber(broken);
      assert.doesNotThrow(() => advance(GRACE_MS + 1));
      assert.ok(errors.includes(broken));
    });

    it('close ends the live for everyone, as ended by the server', async () => {
      const { room, events } = await opened();
      room.close();
      assert.equal(room.ended, true);
      const last = events.at(-1)?.event;
      assert.deepEqual(last, { type: 'live.ended', reason: 'endedByServer' });
    });
  });
}

roomHandleContract('hub room handle: localRoomOpener', () => {
  const scheduler = new ManualScheduler();
  return {
    open: localRoomOpener({ scheduler, limits: { graceMs: GRACE_MS } }),
    advance: (ms) => scheduler.advance(ms),
  };
});

roomHandleContract('hub room handle: a room that answers later', () => {
  const scheduler = new ManualScheduler();
  return {
    open: laterRoomOpener(localRoomOpener({ scheduler, limits: { graceMs: GRACE_MS } })),
    advance: (ms) => scheduler.advance(ms),
  };
});
