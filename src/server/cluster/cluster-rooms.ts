/**
 * The lives of a cluster, as one process serves them (docs/decisions/0041-cluster-on-redis.md):
 * each live is owned by one process, which holds its lease (`LeaseKeeper`) and runs its room
 * engine; every other process reaches it through a `RemoteRoom`. Given to the hub as its
 * `openRoom` (a new live goes to the least loaded node: opened here, or asked of that node with a
 * `live.create` request) and its `findRoom` (a live not open in this hub: its owner found by its
 * lease). The owner publishes each event envelope once on the event bus; every process with
 * members of the live follows its channel and hands the events to its hub, which fans them out
 * to its own sockets. A `seq` gap is repaired from the owner's recent events (`live.replay`).
 *
 * A WebRTC signal to a member of another process goes to the node that holds the member's claim.
 * Not yet: checkpoints and takeover when an owner dies (they need the engine's checkpoints).
 */
import type { Scheduler } from '../../engine/scheduler.js';
import type { CreateLiveSettings, RoomLimits } from '../../engine/types.js';
import { localRoomOpener } from '../../hub/local-room.js';
import type { Hub, RelayedSignal } from '../../hub/types.js';
import type { Answer, RoomHandle, RoomOpener, RoomSubscriber } from '../../hub/room-handle.js';
import { ErrorCode } from '../../protocol/errors.js';
import { fail, ok, type Result } from '../../protocol/result.js';
import type { LiveListPage } from '../../protocol/messages.js';
import type { EventEnvelope, LiveSnapshot, UserInfo } from '../../protocol/types.js';
import type { ServerLogger } from '../options.js';
import type { ClusterNode } from './cluster-node.js';
import { EventBus, type BusEvent, type RepairOutcome } from './event-bus.js';
import { LiveLeases, type LeaseKeeper } from './lease.js';
import { LiveList } from './live-list.js';
import { NodeRequests, type NodeRequest } from './node-requests.js';
import { ownerUnreachable, RemoteRoom, type RemoteAnswer, type RemoteOp } from './remote-room.js';

/** The events that change a live's line in `live.list`. */
const LISTED_CHANGES: ReadonlySet<string> = new Set([
  'seats',
  'member.joined',
  'member.left',
  'member.count',
]);

/** Events an owner keeps per live for `live.replay`. */
const RECENT_EVENTS = 512;

/** Options of `ClusterRooms.start`. */
export interface ClusterRoomsOptions {
  readonly scheduler: Scheduler;
  readonly limits?: Partial<RoomLimits> | undefined;
  readonly logger: ServerLogger;
}

/** A live this process owns. */
interface OwnedLive {
  readonly room: RoomHandle;
  readonly keeper: LeaseKeeper;
  /** The hub's subscriber, once a member of this process is in the live. */
  local: RoomSubscriber | null;
  /** The last events, for `live.replay`. */
  readonly recent: BusEvent[];
}

/** A live of another process that this process follows: its room, or the events before it. */
interface FollowedLive {
  room: RemoteRoom | null;
  readonly early: BusEvent[];
}

export class ClusterRooms {
  readonly #node: ClusterNode;
  readonly #options: ClusterRoomsOptions;
  readonly #requests: NodeRequests;
  readonly #bus: EventBus;
  readonly #leases: LiveLeases;
  readonly #openLocal: RoomOpener;
  readonly #list: LiveList;
  readonly #owned = new Map<string, OwnedLive>();
  readonly #followed = new Map<string, FollowedLive>();
  readonly #publishing = new Set<Promise<unknown>>();
  #closed = false;

  /** Listens for the node's requests and the lives' events; fails as Redis fails. */
  static async start(node: ClusterNode, options: ClusterRoomsOptions): Promise<ClusterRooms> {
    const requests = await NodeRequests.start(node.redis, node.nodeId);
    if (!requests.isSuccess) throw new Error(`createServer: cluster: ${requests.errorMessage}`);
    return new ClusterRooms(node, options, requests.data);
  }

  private constructor(node: ClusterNode, options: ClusterRoomsOptions, requests: NodeRequests) {
    this.#node = node;
    this.#options = options;
    this.#requests = requests;
    this.#leases = new LiveLeases(node.redis, node.nodeId);
    this.#openLocal = localRoomOpener({ scheduler: options.scheduler, limits: options.limits });
    this.#list = new LiveList(node.redis);
    this.#bus = new EventBus(node.redis, {
      deliver: (event) => this.#deliver(event),
      repair: (liveId, fromSeq) => this.#repair(liveId, fromSeq),
      onProblem: (problem) =>
        options.logger.warn(`cluster: events of ${problem.liveId ?? '?'}: ${problem.errorMessage}`),
    });
    requests.handle((request) => this.#answer(request));
  }

  /** Lives this process owns now. */
  get ownedCount(): number {
    return this.#owned.size;
  }

  /** The hub's `openRoom`: the new live on the least loaded node. */
  readonly open: RoomOpener = (request, subscriber) =>
    this.#open(request.owner, request.settings, subscriber);

  /** The hub's `findRoom`: a live not open in the hub, wherever it runs. */
  readonly find = (liveId: string, subscriber: RoomSubscriber): Answer<RoomHandle> => {
    const owned = this.#owned.get(liveId);
    if (owned) {
      owned.local = subscriber;
      return ok(owned.room);
    }
    return this.#follow(liveId, subscriber);
  };

  /** The hub this process's relayed signals go to (set once it exists). */
  hub: Pick<Hub, 'deliverSignal'> | null = null;

  /** The hub's `relaySignal`: a signal to a member connected to another process. */
  readonly signal = async (signal: RelayedSignal): Promise<Result<{ delivered: boolean }>> => {
    const holder = await this.#node.claims.holder(signal.to);
    const nodeId = holder.isSuccess ? holder.data?.nodeId : undefined;
    if (nodeId === undefined || nodeId === this.#node.nodeId) return ok({ delivered: false });
    const sent = await this.#requests.request(nodeId, 'user.signal', signal);
    return ok({ delivered: sent.isSuccess && sent.data === true });
  };

  /** The hub's `listLives`: a page of the cluster's lives. */
  readonly list = (cursor: string, count: number): Answer<LiveListPage> => this.#list.page(cursor, count);

  /** Ends the lives this process owns (told to every process) and stops following the others. */
  async close(): Promise<void> {
    if (this.#closed) return;
    for (const owned of [...this.#owned.values()]) owned.room.close();
    this.#closed = true;
    await Promise.all(this.#publishing);
    await this.#list.close();
    this.#requests.close();
    this.#bus.close();
  }

  // ── owner side ──────────────────────────────────────────────────────────────────────────────

  async #open(
    owner: UserInfo,
    settings: CreateLiveSettings,
    subscriber: RoomSubscriber,
  ): Promise<Result<RoomHandle>> {
    const least = await this.#node.registry.leastLoaded();
    const nodeId = least.isSuccess && least.data ? least.data.nodeId : this.#node.nodeId;
    if (nodeId === this.#node.nodeId) return this.#openOwned(owner, settings, subscriber);
    const created = await this.#requests.request(nodeId, 'live.create', { owner, settings });
    if (!created.isSuccess) return ownerUnreachable(settings.liveId, created.errorMessage);
    const result = created.data as Result<unknown>;
    if (!result.isSuccess) return result;
    return this.#follow(settings.liveId, subscriber, owner.userId);
  }

  /** Opens a live owned by this process, once its lease is this process's. */
  async #openOwned(
    owner: UserInfo,
    settings: CreateLiveSettings,
    subscriber: RoomSubscriber | null,
  ): Promise<Result<RoomHandle>> {
    const { liveId } = settings;
    if (this.#owned.has(liveId) || this.#closed) {
      return fail(ErrorCode.LIVE_ID_OCCUPIED, `a live with id "${liveId}" already exists`);
    }
    const acquired = await this.#leases.acquire(liveId);
    if (!acquired.isSuccess) return ownerUnreachable(liveId, acquired.errorMessage);
    if (!acquired.data.acquired) {
      return fail(ErrorCode.LIVE_ID_OCCUPIED, `a live with id "${liveId}" already exists`);
    }
    const { epoch } = acquired.data;
    const recent: BusEvent[] = [];
    let owned: OwnedLive | null = null;
    const opened = this.#openLocal(
      { owner, settings },
      {
        onEnvelope: (envelope) => this.#emit(owned, recent, epoch, envelope),
        onError: (error) => (owned?.local ?? subscriber)?.onError(error),
      },
    ) as Result<RoomHandle>;
    if (!opened.isSuccess) {
      void this.#leases.release(liveId, epoch);
      return opened;
    }
    const keeper = this.#leases.keep(liveId, epoch, (loss) => {
      this.#options.logger.warn(`cluster: live ${liveId} lost its lease: ${loss.errorMessage}`);
      this.#owned.delete(liveId);
    });
    owned = { room: opened.data, keeper, local: subscriber, recent };
    this.#owned.set(liveId, owned);
    await this.#list.add(opened.data.summary());
    return ok(opened.data);
  }

  /** One event of an owned live: to this process's hub, kept for replay, and published once. */
  #emit(owned: OwnedLive | null, recent: BusEvent[], epoch: number, envelope: EventEnvelope): void {
    owned?.local?.onEnvelope(envelope);
    const { liveId, seq, to } = envelope;
    const event: BusEvent = { liveId, epoch, seq, audience: to, payload: JSON.stringify(envelope.event) };
    recent.push(event);
    if (recent.length > RECENT_EVENTS) recent.shift();
    if (owned?.keeper.holding === false) return;
    const published = this.#bus.publish(event);
    this.#publishing.add(published);
    void published.then(() => this.#publishing.delete(published));
    const { type } = envelope.event;
    if (type === 'live.ended' && owned) {
      owned.keeper.stop();
      this.#owned.delete(liveId);
      void this.#leases.release(liveId, epoch);
      void this.#list.remove(liveId);
    } else if (owned && LISTED_CHANGES.has(type)) {
      const { room } = owned;
      this.#list.changed(liveId, () => room.summary());
    }
  }

  /** A request from another node. */
  async #answer(request: NodeRequest): Promise<unknown> {
    const body = request.body as Record<string, unknown>;
    switch (request.name) {
      case 'live.create': {
        const opened = await this.#openOwned(
          body.owner as UserInfo,
          body.settings as CreateLiveSettings,
          null,
        );
        return opened.isSuccess ? ok() : opened;
      }
      case 'live.command':
        return this.#command(body.liveId as string, body.op as RemoteOp);
      case 'live.snapshot': {
        const owned = this.#owned.get(body.liveId as string);
        return owned && !owned.room.ended ? owned.room.snapshotFor(body.userId as string) : null;
      }
      case 'live.replay':
        return this.#replay(body.liveId as string, body.fromSeq as number);
      case 'user.signal':
        // Allowed by the sender's process, which shares the cluster's credentials.
        return this.hub?.deliverSignal?.(request.body as RelayedSignal) ?? false;
      default:
        throw new Error(`unknown request ${request.name}`);
    }
  }

  /** A command of a member of another process, run here: the reply and the `seq` after it. */
  async #command(liveId: string, op: RemoteOp): Promise<RemoteAnswer> {
    const owned = this.#owned.get(liveId);
    if (!owned || owned.room.ended)
      return { result: fail(ErrorCode.LIVE_NOT_FOUND, `no live "${liveId}"`), seq: 0 };
    const { room } = owned;
    let answer: Answer<unknown>;
    switch (op.op) {
      case 'join':
        answer = room.join(op.user, op.options);
        break;
      case 'leave':
        answer = room.leave(op.userId);
        break;
      case 'end':
        answer = room.end(op.userId);
        break;
      case 'submit':
        answer = room.submit(op.userId, op.command);
        break;
      case 'online':
        room.setOnline(op.userId, op.online);
        answer = ok();
        break;
    }
    const result = await answer;
    return { result, seq: room.seq };
  }

  #replay(liveId: string, fromSeq: number): RepairOutcome | null {
    const owned = this.#owned.get(liveId);
    if (!owned) return null;
    const first = owned.recent[0];
    if (first && first.seq <= fromSeq)
      return { events: owned.recent.filter((event) => event.seq >= fromSeq) };
    return { resumeAfter: owned.room.seq };
  }

  // ── follower side ───────────────────────────────────────────────────────────────────────────

  /**
   * Follows a live of another process: its channel first, then its snapshot, so that no event
   * after the snapshot is missed (those that arrive meanwhile wait in `early`). `memberId`: a user
   * of this process already in the live (the owner of a live created for it).
   */
  async #follow(liveId: string, subscriber: RoomSubscriber, memberId?: string): Promise<Result<RoomHandle>> {
    const known = this.#followed.get(liveId)?.room;
    if (known && !known.ended) return ok(known);
    const lease = await this.#leases.read(liveId);
    if (!lease.isSuccess) return ownerUnreachable(liveId, lease.errorMessage);
    const holder = lease.data.holder;
    if (!holder) return fail(ErrorCode.LIVE_NOT_FOUND, `no live "${liveId}"`);
    const followed: FollowedLive = { room: null, early: [] };
    this.#followed.set(liveId, followed);
    const following = await this.#bus.follow(liveId);
    const snapshot = following.isSuccess
      ? await this.#requests.request(holder.nodeId, 'live.snapshot', { liveId, userId: memberId ?? '' })
      : following;
    if (!snapshot.isSuccess || snapshot.data === null) {
      this.#release(liveId);
      return snapshot.isSuccess
        ? fail(ErrorCode.LIVE_NOT_FOUND, `no live "${liveId}"`)
        : ownerUnreachable(liveId, snapshot.errorMessage);
    }
    const link = {
      command: (id: string, op: RemoteOp) => this.#forward(holder.nodeId, id, op),
      snapshot: (id: string, userId: string) => this.#snapshot(holder.nodeId, id, userId),
      release: (id: string) => this.#release(id),
    };
    const room = new RemoteRoom(link, snapshot.data as LiveSnapshot, subscriber, memberId);
    followed.room = room;
    for (const event of followed.early.splice(0)) room.deliver(event);
    return ok(room);
  }

  async #forward(nodeId: string, liveId: string, op: RemoteOp): Promise<Result<RemoteAnswer>> {
    const answered = await this.#requests.request(nodeId, 'live.command', { liveId, op });
    if (!answered.isSuccess) return ownerUnreachable(liveId, answered.errorMessage);
    return ok(answered.data as RemoteAnswer);
  }

  async #snapshot(nodeId: string, liveId: string, userId: string): Promise<Result<LiveSnapshot>> {
    const answered = await this.#requests.request(nodeId, 'live.snapshot', { liveId, userId });
    if (!answered.isSuccess) return ownerUnreachable(liveId, answered.errorMessage);
    if (answered.data === null) return fail(ErrorCode.LIVE_NOT_FOUND, `no live "${liveId}"`);
    return ok(answered.data as LiveSnapshot);
  }

  #deliver(event: BusEvent): void {
    const followed = this.#followed.get(event.liveId);
    if (!followed) return;
    if (followed.room) followed.room.deliver(event);
    else followed.early.push(event);
  }

  async #repair(liveId: string, fromSeq: number): Promise<RepairOutcome> {
    const room = this.#followed.get(liveId)?.room;
    const lease = await this.#leases.read(liveId);
    const nodeId = lease.isSuccess ? lease.data.holder?.nodeId : undefined;
    const answer = nodeId ? await this.#requests.request(nodeId, 'live.replay', { liveId, fromSeq }) : null;
    if (answer?.isSuccess && answer.data !== null) {
      const outcome = answer.data as RepairOutcome;
      if ('resumeAfter' in outcome) room?.skipTo(outcome.resumeAfter);
      return outcome;
    }
    return { resumeAfter: fromSeq - 1 };
  }

  #release(liveId: string): void {
    if (!this.#followed.delete(liveId)) return;
    void this.#bus.unfollow(liveId);
  }
}
