/**
 * Shared set-up for the engine tests: a room on a `ManualScheduler`, the envelopes it emitted, and
 * small assertion helpers. Not a test file itself (the runner only picks up `*.test.ts`).
 */
import assert from 'node:assert/strict';
import { LiveRoom } from '../../src/engine/room.js';
import { ManualScheduler } from '../../src/engine/scheduler.js';
import type { RoomCommand, RoomCommandName, RoomLimits } from '../../src/engine/types.js';
import type { ErrorCode } from '../../src/protocol/errors.js';
import { validateArgs, type CommandInput } from '../../src/protocol/messages.js';
import type { Result } from '../../src/protocol/result.js';
import type { Audience, EventEnvelope, LiveEvent, SeatMode, UserInfo } from '../../src/protocol/types.js';

export const LIVE_ID = 'live-1';

export function user(userId: string, userName = userId.charAt(0).toUpperCase() + userId.slice(1)): UserInfo {
  return { userId, userName, avatarUrl: '' };
}

export const OWNER = user('owner', 'Olivia');
export const ADMIN = user('admin', 'Adam');
export const ADMIN2 = user('admin2', 'Ada');
export const ALICE = user('alice');
export const BOB = user('bob');
export const CAROL = user('carol');

export const ALL: Audience = { kind: 'all' };
export const MANAGERS: Audience = { kind: 'managers' };
export const OTHERS: Audience = { kind: 'others' };
export const to = (...userIds: string[]): Audience => ({ kind: 'users', userIds });
export const managersAnd = (...userIds: string[]): Audience => ({ kind: 'managersAnd', userIds });

export interface SetupOptions {
  readonly seatMode?: SeatMode;
  readonly maxSeatCount?: number;
  readonly keepOwnerOnSeat?: boolean;
  readonly limits?: Partial<RoomLimits>;
  /** Joined after the owner, in order. Default: admin, alice, bob, carol. */
  readonly members?: readonly UserInfo[];
  /** Promoted by the owner. Default: ['admin']. */
  readonly admins?: readonly string[];
  readonly onError?: (error: unknown) => void;
}

/** A room with the owner, one admin and three audience members; the events of the set-up are dropped. */
export function setup(options: SetupOptions = {}) {
  const scheduler = new ManualScheduler();
  const events: EventEnvelope[] = [];
  let failEmit: Error | null = null;
  const created = LiveRoom.create({
    owner: OWNER,
    settings: {
      liveId: LIVE_ID,
      liveName: 'Test live',
      seatMode: options.seatMode ?? 'apply',
      maxSeatCount: options.maxSeatCount ?? 9,
      keepOwnerOnSeat: options.keepOwnerOnSeat ?? true,
    },
    scheduler,
    limits: options.limits,
    onError: options.onError,
    emit: (envelope) => {
      if (failEmit) throw failEmit;
      events.push(envelope);
    },
  });
  if (!created.isSuccess) throw new Error(created.errorMessage);
  const room = created.data;
  for (const member of options.members ?? [ADMIN, ALICE, BOB, CAROL]) expectOk(room.join(member));
  for (const userId of options.admins ?? ['admin']) {
    expectOk(room.execute(OWNER.userId, command('member.setAdmin', { userId, admin: true })));
  }
  events.length = 0;

  return {
    room,
    scheduler,
    events,
    /** Returns the events emitted since the last call and forgets them. */
    take(): EventEnvelope[] {
      return events.splice(0, events.length);
    },
    /** `[type, audience]` of the events since the last call. */
    takeShape(): [LiveEvent['type'], Audience][] {
      return events.splice(0, events.length).map((envelope) => [envelope.event.type, envelope.to]);
    },
    run<N extends RoomCommandName>(
      actorId: string,
      name: N,
      args: Omit<CommandInput<N>, 'liveId'>,
    ): Result<unknown> {
      return room.execute(actorId, command(name, args));
    },
    /** Makes the next `emit` calls throw `error` (or stop throwing with `null`). */
    breakEmit(error: Error | null): void {
      failEmit = error;
    },
    /** The user id on each seat (or null), from the owner's snapshot. */
    seatUsers(): (string | null)[] {
      return room.snapshotFor(OWNER.userId).seats.map((seat) => seat.userInfo?.userId ?? null);
    },
  };
}

export type Harness = ReturnType<typeof setup>;

/** A validated command, defaults applied, as the server would hand it to the engine. */
export function command<N extends RoomCommandName>(
  name: N,
  args: Omit<CommandInput<N>, 'liveId'>,
): RoomCommand {
  const parsed = validateArgs(name, { liveId: LIVE_ID, ...args });
  if (!parsed.isSuccess) throw new Error(parsed.errorMessage);
  return { name, args: parsed.data } as RoomCommand;
}

export function expectOk<T>(result: Result<T>): T {
  if (!result.isSuccess) assert.fail(`expected success, got ${result.errorCode}: ${result.errorMessage}`);
  return result.data;
}

export function expectFail(
  result: Result<unknown>,
  code: ErrorCode,
  messageIncludes?: string | RegExp,
): string {
  assert.equal(result.isSuccess, false, 'expected a failure');
  if (result.isSuccess) throw new Error('unreachable');
  assert.equal(result.errorCode, code, `wrong code; message: ${result.errorMessage}`);
  assert.match(result.errorMessage, /^[A-Z0-9"].{8,}[.!]$/s, 'a readable English sentence');
  if (typeof messageIncludes === 'string')
    assert.ok(result.errorMessage.includes(messageIncludes), result.errorMessage);
  else if (messageIncludes) assert.match(result.errorMessage, messageIncludes);
  return result.errorMessage;
}

/** The single event of `type` in `envelopes`, asserted to exist exactly once. */
export function only<T extends LiveEvent['type']>(
  envelopes: readonly EventEnvelope[],
  type: T,
): { to: Audience; event: Extract<LiveEvent, { type: T }> } {
  const found = envelopes.filter((envelope) => envelope.event.type === type);
  assert.equal(found.length, 1, `expected exactly one ${type}, got ${found.length}`);
  const envelope = found[0]!;
  return { to: envelope.to, event: envelope.event as Extract<LiveEvent, { type: T }> };
}
