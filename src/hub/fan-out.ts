/**
 * Fan-out: a room's event envelopes to the connections of their audience class, each serialised
 * once for all its recipients. A small room sends every envelope at once; a room with more
 * subscribers than `FanOutOptions.coalesceAbove` coalesces them into one `batch` per member and
 * interval (ADR 20), its audience's lone member counts paced by the room's size (ADR 26). See
 * "Fan-out once per audience class" in `docs/architecture.md`.
 */
import type { Scheduler } from '../engine/scheduler.js';
import { toServerEvent, type BatchMessage, type ServerMessage } from '../protocol/messages.js';
import { isManager } from '../protocol/roles.js';
import type { Audience, EventEnvelope, LiveEventType, Role } from '../protocol/types.js';
import type { Connection, PendingEvent, RoomRecord } from './records.js';
import type { RoomHandle } from './room-handle.js';
import { DEFAULT_FAN_OUT, type FanOutOptions } from './types.js';

/** What fan-out needs of the hub. */
export interface FanOutContext {
  /** The hub's clock and timers: a coalesced room's batch timer. */
  readonly scheduler: Scheduler;
  /** The resolved options (every field set). */
  readonly options: FanOutOptions;
  /** The hub's serialiser (`HubOptions.serialize`). */
  readonly text: (message: ServerMessage) => string;
  /**
   * Runs a delivery that starts on its own (a batch timer) the way the hub runs every delivery:
   * incoming messages held back until it is done, a failure reported, never thrown.
   */
  readonly whileBusy: (action: () => void) => void;
}

/** The fan-out of every room of one hub. It keeps nothing of its own: each room's state is in its record. */
export class FanOut {
  readonly #scheduler: Scheduler;
  readonly #options: FanOutOptions;
  readonly #text: (message: ServerMessage) => string;
  readonly #whileBusy: (action: () => void) => void;

  constructor(context: FanOutContext) {
    this.#scheduler = context.scheduler;
    this.#options = context.options;
    this.#text = context.text;
    this.#whileBusy = context.whileBusy;
  }

  /**
   * Sends `envelope` to its audience now (a small room), or keeps it for the room's next batch (a
   * large room, or one that already has events pending: the order of seq is kept).
   */
  publish(record: RoomRecord, envelope: EventEnvelope): void {
    if (record.pending.length > 0 || record.byUser.size > this.#options.coalesceAbove) {
      this.#enqueue(record, envelope);
    } else {
      this.#sendNow(record, envelope);
    }
  }

  /**
   * Sends a coalesced room's pending events: one batch per member. Members whom no pending event
   * names share one text per class (managers, everyone else), serialised once; a member named by
   * an event (an applicant, an invitee) gets its own batch with the broadcasts merged in order.
   * `final` (the live ends): everything goes, a lone member count included.
   */
  flush(record: RoomRecord, final = false): void {
    if (record.flushTimer !== null) {
      this.#scheduler.clearTimer(record.flushTimer);
      record.flushTimer = null;
    }
    const now = this.#scheduler.now();
    record.lastFlush = now;
    let pending = record.pending;
    record.pending = [];
    if (pending.length === 0) return;
    // A member count that would be the audience's only news waits for its own, slower turn: the
    // managers' part of the batch goes now, the count stays pending.
    if (!final && now < this.#countDue(record) && !audienceNews(record, pending)) {
      const counts = pending.filter((item) => item.event.type === 'member.count');
      if (counts.length > 0) {
        pending = pending.filter((item) => item.event.type !== 'member.count');
        record.pending = counts;
        this.#flushAt(record, this.#countDue(record));
      }
    }
    if (pending.length === 0) return;
    if (pending.some((item) => item.event.type === 'member.count')) record.lastCount = now;
    const forOthers = supersede(pending.filter((item) => item.broadcast !== null));
    const forManagers = supersede(pending.filter((item) => item.broadcast === 'all'));
    const personal = new Map<Connection, PendingEvent[]>();
    for (const item of pending) {
      for (const connection of item.targets) {
        const list = personal.get(connection);
        if (list) list.push(item);
        else personal.set(connection, [item]);
      }
    }
    const batch = (items: readonly PendingEvent[]): string =>
      this.#text({
        type: 'batch',
        liveId: record.liveId,
        events: items.map(({ seq, event }) => ({ seq, event })),
      } satisfies BatchMessage);
    if (forOthers.length > 0) {
      const shared = batch(forOthers);
      for (const connection of record.byUser.values()) {
        if (!record.managers.has(connection) && !personal.has(connection)) connection.send(shared);
      }
    }
    if (forManagers.length > 0) {
      let shared: string | undefined;
      for (const connection of record.managers) {
        if (personal.has(connection)) continue;
        shared ??= batch(forManagers);
        connection.send(shared);
      }
    }
    for (const [connection, own] of personal) {
      connection.send(batch(mergeBySeq(record.managers.has(connection) ? forManagers : forOthers, own)));
    }
  }

  /** Forgets a dropped room's pending events and stops its batch timer. */
  cancel(record: RoomRecord): void {
    record.pending = [];
    if (record.flushTimer !== null) {
      this.#scheduler.clearTimer(record.flushTimer);
      record.flushTimer = null;
    }
  }

  /** A small room: the envelope goes out at once, serialised once for all its recipients. */
  #sendNow(record: RoomRecord, envelope: EventEnvelope): void {
    let text: string | undefined;
    forEachRecipient(record, envelope.to, (connection) => {
      text ??= this.#text(toServerEvent(envelope));
      connection.send(text);
    });
  }

  /** A large room: the envelope waits for the room's next batch. */
  #enqueue(record: RoomRecord, envelope: EventEnvelope): void {
    const { kind } = envelope.to;
    const broadcast = kind === 'all' || kind === 'others' ? kind : null;
    const targets: Connection[] = [];
    if (broadcast === null) forEachRecipient(record, envelope.to, (connection) => targets.push(connection));
    record.pending.push({ seq: envelope.seq, event: envelope.event, broadcast, targets });
    const due =
      envelope.event.type === 'member.count'
        ? Math.max(record.lastFlush + this.#options.intervalMs, this.#countDue(record))
        : record.lastFlush + this.#options.intervalMs;
    this.#flushAt(record, due);
  }

  /** When the audience may next be sent a count that travels alone. */
  #countDue(record: RoomRecord): number {
    const spacing = Math.max(
      this.#options.intervalMs,
      (record.byUser.size / this.#options.countFanOutPerSecond) * 1000,
    );
    return record.lastCount + spacing;
  }

  /** Arms the room's batch timer for `due`, unless it is already due no later. */
  #flushAt(record: RoomRecord, due: number): void {
    if (record.flushTimer !== null) {
      if (record.flushAt <= due) return;
      this.#scheduler.clearTimer(record.flushTimer);
    }
    record.flushAt = due;
    record.flushTimer = this.#scheduler.setTimer(Math.max(0, due - this.#scheduler.now()), () => {
      record.flushTimer = null;
      if (!record.dropped) this.#whileBusy(() => this.flush(record));
    });
  }
}

/** Keeps the room's set of managers in step with a `member.role` event. */
export function trackRole(record: RoomRecord, userId: string, role: Role): void {
  const connection = record.byUser.get(userId);
  if (!connection) return;
  if (isManager(role)) record.managers.add(connection);
  else record.managers.delete(connection);
}

/**
 * Whether `audience` includes `userId`, whose role is asked of `room` only when the class depends
 * on it. For replays: a missed event goes only to whom it was addressed.
 */
export function inAudience(audience: Audience, userId: string, room: Pick<RoomHandle, 'roleOf'>): boolean {
  switch (audience.kind) {
    case 'all':
      return true;
    case 'users':
      return audience.userIds.includes(userId);
    case 'managers':
      return isManager(room.roleOf(userId));
    case 'others':
      return !isManager(room.roleOf(userId));
    case 'managersAnd':
      return audience.userIds.includes(userId) || isManager(room.roleOf(userId));
    default:
      return false;
  }
}

/**
 * Calls `visit` once for each subscribed connection in `audience`. Broadcasts walk the room;
 * targeted audiences cost one lookup per named user plus the managers, whatever the room's size.
 */
function forEachRecipient(
  record: RoomRecord,
  audience: Audience,
  visit: (connection: Connection) => void,
): void {
  switch (audience.kind) {
    case 'all':
      for (const connection of record.byUser.values()) visit(connection);
      return;
    case 'others':
      for (const connection of record.byUser.values())
        if (!record.managers.has(connection)) visit(connection);
      return;
    case 'managers':
      for (const connection of record.managers) visit(connection);
      return;
    case 'users':
    case 'managersAnd': {
      const seen = new Set<Connection>();
      if (audience.kind === 'managersAnd') {
        for (const connection of record.managers) {
          seen.add(connection);
          visit(connection);
        }
      }
      for (const userId of audience.userIds) {
        const connection = record.byUser.get(userId);
        if (!connection || seen.has(connection)) continue;
        seen.add(connection);
        visit(connection);
      }
      return;
    }
    default:
      return;
  }
}

/** Whether a pending event other than a member count goes to someone who is not a manager. */
function audienceNews(record: RoomRecord, pending: readonly PendingEvent[]): boolean {
  return pending.some(
    (item) =>
      item.event.type !== 'member.count' &&
      (item.broadcast !== null || item.targets.some((connection) => !record.managers.has(connection))),
  );
}

/** Events a later one of the same type makes useless: the newest state is what counts. */
const SUPERSEDED: ReadonlySet<LiveEventType> = new Set<LiveEventType>(['seats', 'member.count']);

/**
 * Drops each `seats` or `member.count` that a later one of the same type replaces. A `seats` is
 * kept when another event lies between it and the next `seats`, so a listener of that event sees
 * the seats as they were when it happened.
 */
export function supersede(items: readonly PendingEvent[]): PendingEvent[] {
  const kept: PendingEvent[] = [];
  let laterCount = false;
  let laterSeats = false;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item === undefined) continue;
    const type = item.event.type;
    if (type === 'member.count') {
      if (laterCount) continue;
      laterCount = true;
    } else if (type === 'seats') {
      if (laterSeats) continue;
      laterSeats = true;
    } else if (!SUPERSEDED.has(type)) {
      laterSeats = false;
    }
    kept.push(item);
  }
  return kept.reverse();
}

/** Two lists in seq order merged into one, each event once. */
export function mergeBySeq(a: readonly PendingEvent[], b: readonly PendingEvent[]): PendingEvent[] {
  const out: PendingEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.seq < y.seq)) {
      if (x !== undefined) out.push(x);
      i++;
    } else if (x === undefined || y.seq < x.seq) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

/** `HubOptions.fanOut` with the defaults applied and out-of-range values clamped. */
export function fanOutOptions(given: Partial<FanOutOptions> | undefined): FanOutOptions {
  return {
    coalesceAbove: Math.max(0, given?.coalesceAbove ?? DEFAULT_FAN_OUT.coalesceAbove),
    intervalMs: Math.max(0, given?.intervalMs ?? DEFAULT_FAN_OUT.intervalMs),
    countFanOutPerSecond: Math.max(1, given?.countFanOutPerSecond ?? DEFAULT_FAN_OUT.countFanOutPerSecond),
  };
}
