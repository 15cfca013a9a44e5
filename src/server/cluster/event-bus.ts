/**
 * The events of the lives, across processes: Redis pub/sub, one channel per live (`ev:<liveId>`).
 *
 * The owner of a live publishes each event envelope **once**, encoded once, with its audience class
 * (`all`, `managers`, `others`, `users`, `managersAnd`), its `seq` and the owner's epoch; every
 * process that has members of the live follows its channel and fans the event out to its own
 * sockets by class, as a single process does. A message is a JSON header line and the payload as
 * it was given (never parsed or escaped again):
 *
 *     {"liveId":"…","epoch":3,"seq":42,"audience":{"kind":"all"}}\n<payload>
 *
 * Pub/sub is at-most-once: a message can be lost (a reconnect, a slow subscriber cut off). The bus
 * delivers each live's events in `seq` order, exactly once, and notices a loss by the gap in `seq`:
 * later events are held back and `repair(liveId, fromSeq)` is asked for the missing ones (the owner's
 * replay buffer), or for the `seq` of a snapshot to resume after. It asks too after the subscriber
 * reconnects, since what was published meanwhile is gone. A gap that the repair does not fill is
 * reported (`gap-unrepaired`) and skipped, so the consumer can resync from a snapshot. Events of an
 * epoch older than one already seen (a fenced-out former owner) are dropped.
 */
import type { Audience } from '../../protocol/types.js';
import { clusterKeys, type ClusterKeys } from './keys.js';
import type { RedisConnection } from './redis.js';
import {
  attempt,
  clusterFail,
  ClusterErrorCode,
  ok,
  type ClusterErrorCode as Code,
  type ClusterFailure,
  type ClusterResult,
} from './result.js';

/** One event of a live on the bus. */
export interface BusEvent {
  readonly liveId: string;
  /** The epoch of the owner that published it. */
  readonly epoch: number;
  /** The live's sequence number: `1, 2, 3, …` without gaps. */
  readonly seq: number;
  /** Who receives it, as the room addressed it. */
  readonly audience: Audience;
  /** The event, encoded once by the owner (the wire text the sockets get). */
  readonly payload: string;
}

/** What a repair gives back: the missing events (from `fromSeq` on), or the `seq` of a snapshot to go on after. */
export type RepairOutcome = { readonly events: readonly BusEvent[] } | { readonly resumeAfter: number };

/** A problem the bus met and went on from. */
export interface BusProblem {
  readonly liveId?: string;
  readonly errorCode: Code;
  readonly errorMessage: string;
}

/** Options of `EventBus`. */
export interface EventBusOptions {
  /** Each event of a followed live, in `seq` order, exactly once. */
  deliver(event: BusEvent): void;
  /** The events of `liveId` from `fromSeq` on, or a snapshot's `seq` to go on after. */
  repair(liveId: string, fromSeq: number): Promise<RepairOutcome>;
  /** A message dropped, a gap not repaired, a callback that threw. Default: ignored. */
  onProblem?(problem: BusProblem): void;
}

interface FollowedLive {
  readonly liveId: string;
  /** The last `seq` delivered; `null` until the first event (or the `afterSeq` given). */
  lastSeq: number | null;
  /** The highest epoch seen. */
  epoch: number;
  /** Events past a gap, in `seq` order, waiting for the repair. */
  held: BusEvent[];
  repairing: boolean;
}

/** The event bus of one process: publishes for the lives it owns, follows those it has members of. */
export class EventBus {
  readonly #redis: RedisConnection;
  readonly #keys: ClusterKeys;
  readonly #options: EventBusOptions;
  readonly #lives = new Map<string, FollowedLive>();
  readonly #onMessage = (channel: string, message: string) => this.#receive(channel, message);
  readonly #onReady = () => void this.#reconnected();
  #closed = false;

  constructor(redis: RedisConnection, options: EventBusOptions) {
    this.#redis = redis;
    this.#keys = clusterKeys(redis.prefix);
    this.#options = options;
    redis.subscriber.on('message', this.#onMessage);
    redis.subscriber.on('ready', this.#onReady);
  }

  /** Publishes one event: the number of processes that received it, or a failure as Redis fails. */
  async publish(event: BusEvent): Promise<ClusterResult<number>> {
    if (this.#closed) return closed();
    return attempt('event publish', () =>
      this.#redis.command.publish(this.#keys.events(event.liveId), encode(event)),
    );
  }

  /**
   * Follows a live's events. `afterSeq`: the `seq` this process's copy is at (its snapshot), so a
   * loss right after it is noticed; without it the first event received sets the start. When Redis
   * is unreachable it fails, and the live stays followed: its channel is subscribed when the
   * subscriber is back (and a repair asked for from `afterSeq`).
   */
  async follow(liveId: string, afterSeq?: number): Promise<ClusterResult> {
    if (this.#closed) return closed();
    if (!this.#lives.has(liveId)) {
      this.#lives.set(liveId, { liveId, lastSeq: afterSeq ?? null, epoch: 0, held: [], repairing: false });
    }
    const subscribed = await attempt('event follow', () =>
      this.#redis.subscriber.subscribe(this.#keys.events(liveId)),
    );
    return subscribed.isSuccess ? ok() : subscribed;
  }

  /** Stops following a live (its held events are dropped). */
  async unfollow(liveId: string): Promise<ClusterResult> {
    if (!this.#lives.delete(liveId)) return ok();
    const done = await attempt('event unfollow', () =>
      this.#redis.subscriber.unsubscribe(this.#keys.events(liveId)),
    );
    return done.isSuccess ? ok() : done;
  }

  /** The last `seq` delivered for `liveId`, or `null` (not followed, or nothing yet). */
  lastSeq(liveId: string): number | null {
    return this.#lives.get(liveId)?.lastSeq ?? null;
  }

  /** Stops every delivery and forgets the lives (the connection stays open: its owner closes it). */
  close(): void {
    this.#closed = true;
    this.#redis.subscriber.off('message', this.#onMessage);
    this.#redis.subscriber.off('ready', this.#onReady);
    const channels = [...this.#lives.keys()].map((liveId) => this.#keys.events(liveId));
    this.#lives.clear();
    if (channels.length > 0) this.#redis.subscriber.unsubscribe(...channels).catch(() => undefined);
  }

  #receive(channel: string, message: string): void {
    if (!channel.startsWith(this.#keys.eventsPrefix)) return;
    const event = decode(message);
    if (!event || this.#keys.events(event.liveId) !== channel) {
      this.#problem(undefined, ClusterErrorCode.INVALID_MESSAGE, `a message on ${channel} is not an event`);
      return;
    }
    const live = this.#lives.get(event.liveId);
    if (live) this.#accept(live, event);
  }

  #accept(live: FollowedLive, event: BusEvent): void {
    if (event.epoch < live.epoch) return; // a fenced-out owner
    live.epoch = event.epoch;
    live.lastSeq ??= event.seq - 1;
    if (event.seq <= live.lastSeq) return; // already delivered
    if (!live.repairing && event.seq === live.lastSeq + 1) {
      this.#deliver(live, event);
      return;
    }
    hold(live, event);
    if (!live.repairing) void this.#repair(live, live.lastSeq + 1);
  }

  async #repair(live: FollowedLive, fromSeq: number): Promise<void> {
    live.repairing = true;
    let outcome: RepairOutcome | null = null;
    try {
      outcome = await this.#options.repair(live.liveId, fromSeq);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#problem(
        live.liveId,
        ClusterErrorCode.CALLBACK_FAILED,
        `repair from seq ${fromSeq} failed: ${reason}`,
      );
    }
    if (this.#lives.get(live.liveId) !== live) return; // unfollowed meanwhile
    live.repairing = false;
    if (outcome && 'resumeAfter' in outcome) {
      live.lastSeq = Math.max(live.lastSeq ?? 0, outcome.resumeAfter);
    } else if (outcome) {
      for (const event of outcome.events) {
        if (event.liveId === live.liveId) hold(live, event);
      }
    }
    this.#drain(live);
  }

  /** Delivers the held events that follow on; a gap left after a repair is reported and skipped. */
  #drain(live: FollowedLive): void {
    for (let next = live.held.shift(); next !== undefined; next = live.held.shift()) {
      const last = live.lastSeq ?? next.seq - 1;
      if (next.seq <= last) continue;
      if (next.seq > last + 1) {
        this.#problem(
          live.liveId,
          ClusterErrorCode.GAP_UNREPAIRED,
          `events ${last + 1}..${next.seq - 1} of live ${live.liveId} were lost and not repaired`,
        );
      }
      live.epoch = Math.max(live.epoch, next.epoch);
      this.#deliver(live, next);
    }
  }

  #deliver(live: FollowedLive, event: BusEvent): void {
    live.lastSeq = event.seq;
    try {
      this.#options.deliver(event);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#problem(
        live.liveId,
        ClusterErrorCode.CALLBACK_FAILED,
        `delivering seq ${event.seq} threw: ${reason}`,
      );
    }
  }

  /** The subscriber is back: subscribe again, and ask what was published meanwhile. */
  async #reconnected(): Promise<void> {
    if (this.#closed || this.#lives.size === 0) return;
    const channels = [...this.#lives.keys()].map((liveId) => this.#keys.events(liveId));
    const subscribed = await attempt('event resubscribe', () =>
      this.#redis.subscriber.subscribe(...channels),
    );
    if (!subscribed.isSuccess) {
      this.#problem(undefined, subscribed.errorCode, subscribed.errorMessage);
      return;
    }
    for (const live of this.#lives.values()) {
      if (live.lastSeq !== null && !live.repairing) void this.#repair(live, live.lastSeq + 1);
    }
  }

  #problem(liveId: string | undefined, errorCode: Code, errorMessage: string): void {
    this.#options.onProblem?.({ ...(liveId === undefined ? {} : { liveId }), errorCode, errorMessage });
  }
}

/** Puts `event` among the held ones, in `seq` order, once. */
function hold(live: FollowedLive, event: BusEvent): void {
  if (live.lastSeq !== null && event.seq <= live.lastSeq) return;
  const at = live.held.findIndex((held) => held.seq >= event.seq);
  if (at === -1) live.held.push(event);
  else if (live.held[at]?.seq !== event.seq) live.held.splice(at, 0, event);
}

/** The message of `event`: its header as one JSON line, then the payload as it is. */
export function encode(event: BusEvent): string {
  const { liveId, epoch, seq, audience } = event;
  return `${JSON.stringify({ liveId, epoch, seq, audience })}\n${event.payload}`;
}

/** The event of a message, or `null` when it is not one. */
export function decode(message: string): BusEvent | null {
  const newline = message.indexOf('\n');
  if (newline === -1) return null;
  let header: unknown;
  try {
    header = JSON.parse(message.slice(0, newline));
  } catch {
    return null;
  }
  if (typeof header !== 'object' || header === null) return null;
  const { liveId, epoch, seq, audience } = header as Record<string, unknown>;
  if (typeof liveId !== 'string' || !isCount(epoch) || !isCount(seq) || !isAudience(audience)) return null;
  return { liveId, epoch, seq, audience, payload: message.slice(newline + 1) };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isAudience(value: unknown): value is Audience {
  if (typeof value !== 'object' || value === null) return false;
  const { kind, userIds } = value as { kind?: unknown; userIds?: unknown };
  if (kind === 'all' || kind === 'managers' || kind === 'others') return true;
  return (
    (kind === 'users' || kind === 'managersAnd') &&
    Array.isArray(userIds) &&
    userIds.every((id) => typeof id === 'string')
  );
}

function closed(): ClusterFailure {
  return clusterFail(ClusterErrorCode.CLOSED, 'the event bus is closed');
}
