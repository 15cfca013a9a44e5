/**
 * A test double of a room in another process: every answer of a `RoomOpener`'s rooms (opening
 * included) comes later, as a promise, while the events still reach the subscriber before it
 * settles. The queries answer at once, as a replica would.
 */
import type { JoinOptions, RoomCommand } from '../../src/engine/types.js';
import type { Answer, RoomHandle, RoomOpener } from '../../src/hub/room-handle.js';
import type { LiveSummary } from '../../src/protocol/messages.js';
import type { LiveSnapshot, Role, UserInfo } from '../../src/protocol/types.js';

/** How a later answer is given: by default on the next microtask. */
export type Defer = <T>(answer: Answer<T>) => Promise<Awaited<Answer<T>>>;

const nextTick: Defer = (answer) => Promise.resolve(answer);

/** `inner`'s rooms, each answer given later through `defer`. */
export function laterRoomOpener(inner: RoomOpener, defer: Defer = nextTick): RoomOpener {
  return (request, subscriber) => {
    const opened = inner(request, subscriber);
    return defer(opened).then((result) =>
      result.isSuccess ? { ...result, data: new LaterRoom(result.data, defer) } : result,
    );
  };
}

class LaterRoom implements RoomHandle {
  readonly #room: RoomHandle;
  readonly #defer: Defer;

  constructor(room: RoomHandle, defer: Defer) {
    this.#room = room;
    this.#defer = defer;
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

  join(user: UserInfo, options?: JoinOptions): Answer<LiveSnapshot> {
    return this.#defer(this.#room.join(user, options));
  }

  leave(userId: string): Answer {
    return this.#defer(this.#room.leave(userId));
  }

  end(userId: string): Answer {
    return this.#defer(this.#room.end(userId));
  }

  submit(actorId: string, command: RoomCommand): Answer<unknown> {
    return this.#defer(this.#room.submit(actorId, command));
  }

  canSignal(fromId: string, toId: string): boolean {
    return this.#room.canSignal(fromId, toId);
  }

  setOnline(userId: string, online: boolean): void {
    this.#room.setOnline(userId, online);
  }

  close(): void {
    this.#room.close();
  }
}
