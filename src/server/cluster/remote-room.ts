/**
 * The room of a live owned by another process of the cluster, as this process's hub reaches it
 * (`RoomHandle`, src/hub/room-handle.ts). Every command goes to the owner as a `live.command`
 * request and its answer comes back with the owner's `seq` after the command; the answer is given
 * only once the live's events up to that `seq` have reached the hub (they come over the event bus,
 * published before the reply), so a reply still covers exactly the events before it. The queries
 * answer from a replica that the live's events keep up to date: the seats, the member count, the
 * roles the events and snapshots told, and the members who joined through this process.
 */
import type { JoinOptions, RoomCommand } from '../../engine/types.js';
import type { Answer, RoomHandle, RoomSubscriber } from '../../hub/room-handle.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { LiveSummary } from '../../protocol/messages.js';
import { fail, type Result } from '../../protocol/result.js';
import type {
  EventEnvelope,
  LiveEvent,
  LiveInfo,
  LiveSnapshot,
  Role,
  SeatInfo,
  UserInfo,
} from '../../protocol/types.js';
import type { BusEvent } from './event-bus.js';

/** What a `live.command` asks the owner to do. */
export type RemoteOp =
  | { readonly op: 'join'; readonly user: UserInfo; readonly options?: JoinOptions | undefined }
  | { readonly op: 'leave' | 'end'; readonly userId: string }
  | { readonly op: 'submit'; readonly userId: string; readonly command: RoomCommand }
  | { readonly op: 'online'; readonly userId: string; readonly online: boolean };

/** The owner's answer to a `live.command`: the room's reply and its `seq` after the command. */
export interface RemoteAnswer {
  readonly result: Result<unknown>;
  readonly seq: number;
}

/** How a remote room reaches the live's owner. */
export interface RemoteLink {
  /** Sends one operation to the owner: its answer, or a failure (the owner did not answer). */
  command(liveId: string, op: RemoteOp): Promise<Result<RemoteAnswer>>;
  /** What `userId` may see of the live now, from the owner: its snapshot, or a failure. */
  snapshot(liveId: string, userId: string): Promise<Result<LiveSnapshot>>;
  /** This process no longer needs the live (it ended, or the hub shut down): stop following it. */
  release(liveId: string): void;
}

/** How many times a join asks the owner for a snapshot that matches the replica's `seq`. */
const SNAPSHOT_TRIES = 3;

/** How long an answer waits for the events it covers before it is given anyway. */
const CATCH_UP_MS = 2_000;

/** A live of another process, behind the hub's `RoomHandle`. */
export class RemoteRoom implements RoomHandle {
  readonly liveId: string;
  readonly #link: RemoteLink;
  readonly #subscriber: RoomSubscriber;
  #info: LiveInfo;
  #seats: readonly SeatInfo[];
  #memberCount: number;
  readonly #roles = new Map<string, Role>();
  /** Members who joined through this process (and have not left). */
  readonly #members = new Set<string>();
  /** The watch pairs told since this process follows the live (`pairKey`). */
  readonly #pairs = new Set<string>();
  #seq: number;
  #ended = false;
  #waiters: { readonly seq: number; readonly resolve: () => void }[] = [];

  /**
   * A replica of the live as of `snapshot`. `memberId`: a user of this process already in the live
   * (the owner of a live created for it).
   */
  constructor(link: RemoteLink, snapshot: LiveSnapshot, subscriber: RoomSubscriber, memberId?: string) {
    this.#link = link;
    this.#subscriber = subscriber;
    this.liveId = snapshot.live.liveId;
    this.#info = snapshot.live;
    this.#seats = snapshot.seats;
    this.#memberCount = snapshot.memberCount;
    this.#seq = snapshot.seq;
    for (const member of snapshot.members) this.#roles.set(member.userId, member.role);
    if (memberId !== undefined) this.#members.add(memberId);
  }

  get seq(): number {
    return this.#seq;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** One event of the live from the bus, in `seq` order: into the replica, then to the hub. */
  deliver(event: BusEvent): void {
    if (this.#ended || event.seq <= this.#seq) return;
    let parsed: LiveEvent;
    try {
      parsed = JSON.parse(event.payload) as LiveEvent;
    } catch (error) {
      this.#subscriber.onError(error);
      return;
    }
    this.#seq = event.seq;
    this.#apply(parsed);
    const envelope: EventEnvelope = {
      liveId: this.liveId,
      seq: event.seq,
      to: event.audience,
      event: parsed,
    };
    try {
      this.#subscriber.onEnvelope(envelope);
    } catch (error) {
      this.#subscriber.onError(error);
    }
    this.#wake();
    if (this.#ended) this.#link.release(this.liveId);
  }

  /** The bus skipped to `seq` (a gap nobody filled): the replica goes on from there. */
  skipTo(seq: number): void {
    if (seq > this.#seq) this.#seq = seq;
    this.#wake();
  }

  summary(): LiveSummary {
    const { liveId, liveName, owner, seatMode, maxSeatCount, createdAt } = this.#info;
    const seatedCount = this.#seats.filter((seat) => seat.userInfo !== null).length;
    return {
      liveId,
      liveName,
      owner,
      seatMode,
      maxSeatCount,
      seatedCount,
      memberCount: this.#memberCount,
      createdAt,
    };
  }

  roleOf(userId: string): Role | null {
    if (userId === this.#info.owner.userId) return 'owner';
    const role = this.#roles.get(userId);
    if (role !== undefined) return role;
    return this.#members.has(userId) ? 'audience' : null;
  }

  isMember(userId: string): boolean {
    return this.#members.has(userId) || userId === this.#info.owner.userId;
  }

  /** The public part (seats, count, the live's info) as of `seq`; the owner's join reply has the rest. */
  snapshotFor(): LiveSnapshot {
    return {
      live: this.#info,
      seats: this.#seats,
      members: [],
      memberCount: this.#memberCount,
      applications: [],
      invitations: [],
      seq: this.#seq,
    };
  }

  /**
   * Joins through the owner. When more events than the join's own reached this process meanwhile,
   * a fresh snapshot of the member is asked for (a few times), so that the hub answers with the
   * member's full view as of the replica's `seq` rather than the replica's public part.
   */
  async join(user: UserInfo, options?: JoinOptions): Promise<Result<LiveSnapshot>> {
    let answer = (await this.#forward({ op: 'join', user, options }, (result) => {
      if (!result.isSuccess) return;
      this.#members.add(user.userId);
      const snapshot = result.data as LiveSnapshot;
      for (const member of snapshot.members) this.#roles.set(member.userId, member.role);
    })) as Result<LiveSnapshot>;
    for (let tries = 0; answer.isSuccess && answer.data.seq < this.#seq && tries < SNAPSHOT_TRIES; tries++) {
      const fresh = await this.#link.snapshot(this.liveId, user.userId);
      if (!fresh.isSuccess) break;
      await this.#caughtUp(fresh.data.seq);
      answer = fresh;
    }
    return answer;
  }

  leave(userId: string): Answer {
    return this.#forward({ op: 'leave', userId }, (result) => {
      if (result.isSuccess) this.#members.delete(userId);
    }) as Promise<Result>;
  }

  end(userId: string): Answer {
    return this.#forward({ op: 'end', userId }) as Promise<Result>;
  }

  submit(actorId: string, command: RoomCommand): Answer<unknown> {
    return this.#forward({ op: 'submit', userId: actorId, command });
  }

  /** Inside a watch pair that the live's `media.viewer` events told, in either direction. */
  canSignal(fromId: string, toId: string): boolean {
    if (this.#ended || fromId === toId) return false;
    return this.#pairs.has(pairKey(fromId, toId)) || this.#pairs.has(pairKey(toId, fromId));
  }

  setOnline(userId: string, online: boolean): void {
    void this.#link.command(this.liveId, { op: 'online', userId, online });
  }

  /** This process lets go of the live; the live goes on at its owner. */
  close(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#wake();
    this.#link.release(this.liveId);
  }

  async #forward(op: RemoteOp, then?: (result: Result<unknown>) => void): Promise<Result<unknown>> {
    const answered = await this.#link.command(this.liveId, op);
    if (!answered.isSuccess) return answered;
    const { result, seq } = answered.data;
    await this.#caughtUp(seq);
    then?.(result);
    return result;
  }

  /** Resolves once the events up to `seq` have been delivered (or the live ended, or after `CATCH_UP_MS`). */
  #caughtUp(seq: number): Promise<void> {
    if (this.#seq >= seq || this.#ended) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter.resolve !== done);
        resolve();
      }, CATCH_UP_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#waiters.push({ seq, resolve: done });
    });
  }

  #wake(): void {
    if (this.#waiters.length === 0) return;
    const ready = this.#waiters.filter((waiter) => this.#ended || waiter.seq <= this.#seq);
    this.#waiters = this.#waiters.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) waiter.resolve();
  }

  #apply(event: LiveEvent): void {
    switch (event.type) {
      case 'seats':
        this.#seats = event.seats;
        return;
      case 'member.joined':
        this.#memberCount = event.memberCount;
        this.#roles.set(event.member.userId, event.member.role);
        return;
      case 'member.left':
        this.#memberCount = event.memberCount;
        this.#roles.delete(event.userId);
        this.#members.delete(event.userId);
        return;
      case 'member.count':
        this.#memberCount = event.memberCount;
        return;
      case 'member.role':
        this.#roles.set(event.userId, event.role);
        return;
      case 'snapshot':
        this.#info = event.snapshot.live;
        this.#seats = event.snapshot.seats;
        this.#memberCount = event.snapshot.memberCount;
        return;
      case 'media.viewer':
        if (event.action === 'joined') this.#pairs.add(pairKey(event.publisherId, event.viewerId));
        else this.#pairs.delete(pairKey(event.publisherId, event.viewerId));
        return;
      case 'live.ended':
        this.#ended = true;
        return;
      default:
        return;
    }
  }
}

/** A watch pair's key: the publisher, then the viewer. */
function pairKey(publisherId: string, viewerId: string): string {
  return `${publisherId}\n${viewerId}`;
}

/** The reply to a command whose live's owner did not answer. */
export function ownerUnreachable(liveId: string, why: string): Result<never> {
  return fail(
    ErrorCode.SERVER_ERROR,
    `the process that runs live "${liveId}" did not answer (${why}); try again`,
  );
}
