/**
 * The hub: every live room of one process and the connections of the users in them. It turns wire
 * text into room commands and room events into wire text. Browser-safe: it runs inside the Node
 * server (behind `ws`) and inside a page for the local/offline mode (behind an in-page transport).
 *
 * See `docs/protocol.md` for the messages it speaks.
 */
import { LiveRoom } from '../engine/room.js';
import { realScheduler, type Scheduler, type TimerHandle } from '../engine/scheduler.js';
import type { LiveRoomApi, RoomCommand, RoomLimits } from '../engine/types.js';
import { CloseCode, ErrorCode } from '../protocol/errors.js';
import {
  createMessageParser,
  DEFAULT_PROTOCOL_LIMITS,
  toServerEvent,
  type BatchMessage,
  type ByeMessage,
  type CommandMessage,
  type ErrorMessage,
  type JoinData,
  type ProtocolLimits,
  type ReplyMessage,
  type ServerEvent,
  type ServerMessage,
  type SignalMessage,
  type WelcomeMessage,
} from '../protocol/messages.js';
import { fail, ok, type Result } from '../protocol/result.js';
import type {
  Audience,
  EventEnvelope,
  LiveEvent,
  LiveEventType,
  LiveSnapshot,
  Role,
  UserInfo,
} from '../protocol/types.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';

/** Options of `createHub`. Every one is optional. */
export interface HubOptions {
  /** The clock and timers of every room. Default `realScheduler`; tests pass a `ManualScheduler`. */
  scheduler?: Scheduler;
  /** Limits of each room; missing fields take `DEFAULT_ROOM_LIMITS` (10,000 members, 1,000 pending applications, 20,000 ms grace, 8 viewers per publisher). */
  roomLimits?: Partial<RoomLimits>;
  /** Limits on strings in commands; missing fields take `DEFAULT_PROTOCOL_LIMITS` (extraInfo 256, liveName 64, timeout 600 s). */
  protocolLimits?: Partial<ProtocolLimits>;
  /** Events kept per room for `live.join {sinceSeq}` resume. Default 512. */
  replayBufferSize?: number;
  /** Replies remembered per user for repeated command ids. Default 256. */
  replyCacheSize?: number;
  /** How a large room's events are coalesced; missing fields take `DEFAULT_FAN_OUT`. */
  fanOut?: Partial<FanOutOptions>;
  /**
   * Turns a server message into wire text. Default `JSON.stringify`. Called once per reply, once
   * per event envelope whatever the number of recipients, and in a coalesced room once per batch
   * shared by a class of recipients (plus one per member that a batch names personally); once more
   * when a long remembered reply (a snapshot) is sent again for a repeated command id. It must
   * give the same text for the same message.
   */
  serialize?: (message: ServerMessage) => string;
  /** Told about unexpected exceptions (a bug in a room or a peer). Default: ignored. */
  onError?: (error: unknown) => void;
}

/**
 * Coalescing of a large room's fan-out. In a room with more subscribed connections than
 * `coalesceAbove`, events are not sent one by one: they are kept for at most `intervalMs` and go
 * out as one `batch` message per member, in which a newer `seats` or `member.count` replaces an
 * older one. Every member then receives at most `1000 / intervalMs` room updates per second,
 * however busy the room. Smaller rooms get every event at once.
 */
export interface FanOutOptions {
  /** Subscribed connections above which a room's events are coalesced. Default 1,000. */
  readonly coalesceAbove: number;
  /** The shortest time between two batches of one room, in ms. Default 100 (≤ 10 per second). */
  readonly intervalMs: number;
  /**
   * In a coalesced room, how many connections per second the audience's `member.count` may be sent
   * to. A count that travels alone (nothing else for the audience is pending) waits until
   * `subscribers / countFanOutPerSecond` seconds (at least `intervalMs`) have passed since the last
   * count went out, so audience joins and leaves cost a bounded number of sends per second however
   * large the room; a count rides along at once with any other batch to the audience. Default
   * 10,000 (the count of a room of 20,000 goes out at most every 2 s when it alone changes).
   */
  readonly countFanOutPerSecond: number;
}

export const DEFAULT_FAN_OUT: FanOutOptions = {
  coalesceAbove: 1_000,
  intervalMs: 100,
  countFanOutPerSecond: 10_000,
};

/** One transport to one client, as the hub sees it. */
export interface HubPeer {
  /**
   * Sends one text frame. It may deliver synchronously: a `receive` made from inside `send` is
   * queued and handled once the hub has finished the current message.
   */
  send(text: string): void;
  /** Closes the transport with a close code from `CloseCode`. */
  close(code: number, reason: string): void;
}

export interface Hub {
  /**
   * Attach an authenticated user. Sends the WelcomeMessage through `peer.send` at once. A second
   * connection of the same userId replaces the first: the old peer gets a ByeMessage
   * `{reason:'replaced'}` and `close(CloseCode.REPLACED)`, and its disconnect does NOT start a grace
   * period.
   */
  connect(user: UserInfo, peer: HubPeer): HubConnection;
  /** Number of open lives. */
  readonly liveCount: number;
  /** Number of attached connections. */
  readonly connectionCount: number;
  /** Sends ByeMessage `{reason:'shutdown'}` to every peer and closes them with GOING_AWAY; disposes rooms. */
  shutdown(message?: string): void;
}

export interface HubConnection {
  readonly user: UserInfo;
  /** One text frame from the client. Never throws. */
  receive(text: string): void;
  /** The transport closed: each live this user is in gets `setOnline(false)` (grace). */
  disconnected(): void;
}

export const DEFAULT_REPLAY_BUFFER_SIZE = 512;
/** Remembered replies up to this length are kept as text; longer ones as their result. */
const KEEP_TEXT_UP_TO = 256;
export const DEFAULT_REPLY_CACHE_SIZE = 256;

/** Creates a hub. */
export function createHub(options: HubOptions = {}): Hub {
  return new HubImpl(options);
}

// ── internals ─────────────────────────────────────────────────────────────────────────────────

/** A fixed-size ring of the most recent envelopes of one room. */
class ReplayBuffer {
  readonly #items: (EventEnvelope | undefined)[];
  #start = 0;
  #size = 0;

  constructor(capacity: number) {
    this.#items = new Array<EventEnvelope | undefined>(Math.max(0, capacity));
  }

  push(envelope: EventEnvelope): void {
    const capacity = this.#items.length;
    if (capacity === 0) return;
    if (this.#size < capacity) {
      this.#items[(this.#start + this.#size) % capacity] = envelope;
      this.#size++;
    } else {
      this.#items[this.#start] = envelope;
      this.#start = (this.#start + 1) % capacity;
    }
  }

  /** Every kept envelope with `seq > sinceSeq`, or `null` when some of them were already dropped. */
  since(sinceSeq: number, lastSeq: number): EventEnvelope[] | null {
    if (sinceSeq > lastSeq) return null;
    if (sinceSeq === lastSeq) return [];
    const capacity = this.#items.length;
    const out: EventEnvelope[] = [];
    for (let i = 0; i < this.#size; i++) {
      const envelope = this.#items[(this.#start + i) % capacity];
      if (envelope !== undefined && envelope.seq > sinceSeq) out.push(envelope);
    }
    const first = out[0];
    if (first?.seq !== sinceSeq + 1) return null;
    return out;
  }
}

/** An event waiting for the next batch of a coalesced room. */
interface PendingEvent {
  readonly seq: number;
  readonly event: LiveEvent;
  /** `all` / `others`: everyone, or every non-manager, subscribed when the batch goes out. */
  readonly broadcast: 'all' | 'others' | null;
  /** The connections a targeted event was addressed to when it happened (empty for a broadcast). */
  readonly targets: readonly Connection[];
}

interface RoomRecord {
  readonly liveId: string;
  /** `[liveId]`, frozen: the list of lives of every member in this live only (see `withId`). */
  readonly only: readonly string[];
  /** `null` only while `LiveRoom.create` runs (it may emit before returning). */
  room: LiveRoomApi | null;
  readonly buffer: ReplayBuffer;
  /**
   * The connections that joined this live and receive its events, by user: one per user (a newer
   * connection of a user is subscribed only once the older one is detached), so the values are
   * the subscribers, in the order they subscribed, and targeted events cost one lookup per named
   * user. (No separate set of subscribers: a member would cost one more hash entry.)
   */
  readonly byUser: Map<string, Connection>;
  /** The subscribed connections of the owner and administrators. */
  readonly managers: Set<Connection>;
  /** Events of a coalesced room not sent yet, in sequence order. */
  pending: PendingEvent[];
  /** The timer of the next batch, while events are pending. */
  flushTimer: TimerHandle | null;
  /** When `flushTimer` is due (scheduler time). */
  flushAt: number;
  /** When the last batch went out (scheduler time), `-Infinity` before the first. */
  lastFlush: number;
  /** When the audience was last sent a `member.count` in a batch, `-Infinity` before the first. */
  lastCount: number;
  /** Users the hub saw join and not yet leave. */
  readonly members: Set<string>;
  dropped: boolean;
}

/**
 * A remembered reply: the text of a short one; a long one (a snapshot) as its result, whose parts
 * the room shares among many replies and never changes, serialised again (as `{type, id, result}`,
 * the same text) if the id comes back.
 */
type Remembered = string | Result<unknown>;

interface UserRecord {
  user: UserInfo;
  connection: Connection | null;
  /** Lives this user is a member of (joined, not left, not ended): a few ids (see `withId`). */
  lives: readonly string[];
  /**
   * The remembered replies, by command id, oldest first (see `rememberReply`): the first one
   * inline in `replyId` / `reply`, and from the second one on all of them in `replies`. Most
   * members of a large live send one command or two (the join) and stay idle: they cost no `Map`.
   */
  replyId: string | null;
  reply: Remembered | null;
  replies: Map<string, Remembered> | null;
}

/** The reply remembered for command `id`, if any. */
function recallReply(record: UserRecord, id: string): Remembered | undefined {
  if (record.replies !== null) return record.replies.get(id);
  return record.replyId === id && record.reply !== null ? record.reply : undefined;
}

/** Remembers the reply to `id` (not remembered yet), dropping the oldest beyond `capacity`. */
function rememberReply(record: UserRecord, id: string, reply: Remembered, capacity: number): void {
  let replies = record.replies;
  if (replies === null) {
    if (record.replyId === null || record.reply === null || capacity <= 1) {
      record.replyId = id;
      record.reply = reply;
      return;
    }
    replies = new Map([[record.replyId, record.reply]]);
    record.replies = replies;
    record.replyId = null;
    record.reply = null;
  }
  replies.set(id, reply);
  while (replies.size > capacity) {
    const oldest = replies.keys().next();
    if (oldest.done) break;
    replies.delete(oldest.value);
  }
}

class Connection implements HubConnection {
  readonly user: UserInfo;
  readonly peer: HubPeer;
  readonly record: UserRecord;
  /** The lives whose events this connection receives (see `withId`). */
  subscribed: readonly string[] = NO_IDS;
  #hub: HubImpl;
  open = true;

  constructor(hub: HubImpl, user: UserInfo, peer: HubPeer, record: UserRecord) {
    this.#hub = hub;
    this.user = user;
    this.peer = peer;
    this.record = record;
  }

  receive(text: string): void {
    this.#hub.receive(this, text);
  }

  disconnected(): void {
    this.#hub.disconnected(this);
  }

  send(text: string): void {
    if (!this.open) return;
    try {
      this.peer.send(text);
    } catch (error) {
      this.#hub.reportError(error);
    }
  }

  close(code: number, reason: string): void {
    try {
      this.peer.close(code, reason);
    } catch (error) {
      this.#hub.reportError(error);
    }
  }
}

function resolveRoomLimits(limits: Partial<RoomLimits> | undefined): Partial<RoomLimits> | undefined {
  if (!limits) return undefined;
  const out: { -readonly [K in keyof RoomLimits]?: RoomLimits[K] } = {};
  for (const key of [
    'maxMembers',
    'maxPendingApplications',
    'graceMs',
    'maxViewersPerPublisher',
    'maxApplicationsPerMinute',
  ] as const) {
    if (limits[key] !== undefined) out[key] = limits[key];
  }
  return out;
}

class HubImpl implements Hub {
  readonly #scheduler: Scheduler;
  readonly #roomLimits: Partial<RoomLimits> | undefined;
  readonly #parse: ReturnType<typeof createMessageParser>;
  readonly #replayBufferSize: number;
  readonly #replyCacheSize: number;
  readonly #serialize: (message: ServerMessage) => string;
  readonly #onError: (error: unknown) => void;
  readonly #fanOut: FanOutOptions;

  readonly #rooms = new Map<string, RoomRecord>();
  readonly #users = new Map<string, UserRecord>();
  readonly #inbox: [Connection, string][] = [];
  #busy = false;
  #drainScheduled = false;
  #shutDown = false;
  #connections = 0;

  constructor(options: HubOptions) {
    this.#scheduler = options.scheduler ?? realScheduler;
    this.#roomLimits = resolveRoomLimits(options.roomLimits);
    this.#parse = createMessageParser({ ...DEFAULT_PROTOCOL_LIMITS, ...options.protocolLimits });
    this.#replayBufferSize = Math.max(0, Math.floor(options.replayBufferSize ?? DEFAULT_REPLAY_BUFFER_SIZE));
    this.#replyCacheSize = Math.max(1, Math.floor(options.replyCacheSize ?? DEFAULT_REPLY_CACHE_SIZE));
    this.#serialize = options.serialize ?? ((message) => JSON.stringify(message));
    this.#onError = options.onError ?? ignore;
    this.#fanOut = {
      coalesceAbove: Math.max(0, options.fanOut?.coalesceAbove ?? DEFAULT_FAN_OUT.coalesceAbove),
      intervalMs: Math.max(0, options.fanOut?.intervalMs ?? DEFAULT_FAN_OUT.intervalMs),
      countFanOutPerSecond: Math.max(
        1,
        options.fanOut?.countFanOutPerSecond ?? DEFAULT_FAN_OUT.countFanOutPerSecond,
      ),
    };
  }

  get liveCount(): number {
    return this.#rooms.size;
  }

  get connectionCount(): number {
    return this.#connections;
  }

  connect(user: UserInfo, peer: HubPeer): HubConnection {
    let record = this.#users.get(user.userId);
    if (!record) {
      record = { user, connection: null, lives: NO_IDS, replyId: null, reply: null, replies: null };
      this.#users.set(user.userId, record);
    }
    record.user = user;
    const connection = new Connection(this, user, peer, record);
    if (this.#shutDown) {
      connection.send(
        this.#text({ type: 'bye', reason: 'shutdown', message: 'the server is shutting down' }),
      );
      connection.open = false;
      connection.close(CloseCode.GOING_AWAY, 'server shutting down');
      this.#maybeForget(record);
      return connection;
    }
    const previous = record.connection;
    if (previous) {
      previous.send(
        this.#text({ type: 'bye', reason: 'replaced', message: 'the same user connected again elsewhere' }),
      );
      this.#detach(previous);
      previous.close(CloseCode.REPLACED, 'replaced by a newer connection');
    }
    record.connection = connection;
    this.#connections++;
    const welcome: WelcomeMessage = {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      user,
      serverTime: this.#scheduler.now(),
    };
    connection.send(this.#text(welcome));
    return connection;
  }

  shutdown(message = 'the server is shutting down'): void {
    if (this.#shutDown) return;
    this.#shutDown = true;
    // End every live first, so members learn that it is gone (`live.ended` / `endedByServer`).
    for (const record of [...this.#rooms.values()]) {
      try {
        record.room?.dispose();
      } catch (error) {
        this.reportError(error);
      }
      this.#drop(record);
    }
    const bye = this.#text({ type: 'bye', reason: 'shutdown', message });
    for (const record of [...this.#users.values()]) {
      const connection = record.connection;
      if (!connection) continue;
      connection.send(bye);
      this.#detach(connection);
      connection.close(CloseCode.GOING_AWAY, 'server shutting down');
    }
    this.#users.clear();
    this.#inbox.length = 0;
  }

  reportError(error: unknown): void {
    try {
      this.#onError(error);
    } catch {
      // A failing logger must not break the hub.
    }
  }

  // ── incoming ────────────────────────────────────────────────────────────────────────────────

  receive(connection: Connection, text: string): void {
    if (!connection.open) return;
    this.#inbox.push([connection, text]);
    if (!this.#busy) this.#drain();
  }

  disconnected(connection: Connection): void {
    if (!connection.open) return;
    const record = connection.record;
    this.#detach(connection);
    for (const liveId of record.lives) {
      const room = this.#rooms.get(liveId)?.room;
      if (!room?.isMember(record.user.userId)) {
        record.lives = withoutId(record.lives, liveId);
        continue;
      }
      this.#guard(() => room.setOnline(record.user.userId, false));
    }
    this.#maybeForget(record);
  }

  #drain(): void {
    this.#busy = true;
    try {
      for (let item = this.#inbox.shift(); item; item = this.#inbox.shift()) {
        const [connection, text] = item;
        if (!connection.open) continue;
        try {
          this.#handle(connection, text);
        } catch (error) {
          this.reportError(error);
          connection.send(
            this.#text({
              type: 'error',
              code: ErrorCode.SERVER_ERROR,
              message: 'the server failed to process a message',
            }),
          );
        }
      }
    } finally {
      this.#busy = false;
    }
  }

  #handle(connection: Connection, text: string): void {
    const parsed = this.#parse(text);
    if (!parsed.ok) {
      if (parsed.id === null) {
        const error: ErrorMessage = { type: 'error', code: parsed.code, message: parsed.message };
        connection.send(this.#text(error));
        return;
      }
      if (this.#resendCached(connection, parsed.id)) return;
      this.#reply(connection, parsed.id, fail(parsed.code, parsed.message));
      return;
    }
    const message = parsed.message;
    if (message.type === 'hello') {
      connection.send(
        this.#text({
          type: 'error',
          code: ErrorCode.INVALID_ARGUMENT,
          message: 'already connected: hello is sent once',
        }),
      );
      return;
    }
    if (this.#resendCached(connection, message.id)) return;
    let result: Result<unknown>;
    try {
      result = this.#command(connection, message);
    } catch (error) {
      this.reportError(error);
      result = fail(ErrorCode.SERVER_ERROR, 'the server failed to process the command');
    }
    // Signals are ephemeral and many: their replies are not remembered, so they never push the
    // replies of commands that change state out of the cache.
    this.#reply(connection, message.id, result, message.name !== 'media.signal');
  }

  #resendCached(connection: Connection, id: string): boolean {
    const cached = recallReply(connection.record, id);
    if (cached === undefined) return false;
    connection.send(typeof cached === 'string' ? cached : this.#text({ type: 'reply', id, result: cached }));
    return true;
  }

  #reply(connection: Connection, id: string, result: Result<unknown>, remember = true): void {
    const reply: ReplyMessage = { type: 'reply', id, result };
    const text = this.#text(reply);
    if (!remember) {
      connection.send(text);
      return;
    }
    rememberReply(connection.record, id, text.length > KEEP_TEXT_UP_TO ? result : text, this.#replyCacheSize);
    connection.send(text);
  }

  // ── commands ────────────────────────────────────────────────────────────────────────────────

  #command(connection: Connection, message: CommandMessage): Result<unknown> {
    const actor = connection.user;
    switch (message.name) {
      case 'live.list':
        return ok({
          lives: [...this.#rooms.values()].flatMap((record) =>
            record.room && !record.room.ended ? [record.room.summary()] : [],
          ),
        });
      case 'live.create':
        return this.#create(connection, message as CommandMessage<'live.create'>);
      case 'live.join':
        return this.#join(connection, message as CommandMessage<'live.join'>);
      default:
        break;
    }
    const liveId = (message.args as { readonly liveId: string }).liveId;
    const record = this.#rooms.get(liveId);
    const room = record?.room;
    if (!record || !room || room.ended) return fail(ErrorCode.LIVE_NOT_FOUND, `no live "${liveId}"`);
    if (!connection.subscribed.includes(liveId)) {
      return fail(ErrorCode.NOT_IN_LIVE, `join live "${liveId}" on this connection first`);
    }
    switch (message.name) {
      case 'live.leave': {
        const result = room.leave(actor.userId);
        if (result.isSuccess) this.#forgetMembership(record, actor.userId);
        return result;
      }
      case 'live.end':
        return room.end(actor.userId);
      case 'media.signal':
        return this.#signal(connection, room, message as CommandMessage<'media.signal'>);
      default:
        return room.execute(actor.userId, { name: message.name, args: message.args } as RoomCommand);
    }
  }

  #create(connection: Connection, message: CommandMessage<'live.create'>): Result<LiveSnapshot> {
    const settings = message.args;
    if (this.#rooms.has(settings.liveId)) {
      return fail(ErrorCode.LIVE_ID_OCCUPIED, `a live with id "${settings.liveId}" already exists`);
    }
    const record: RoomRecord = {
      liveId: settings.liveId,
      only: Object.freeze([settings.liveId]),
      room: null,
      buffer: new ReplayBuffer(this.#replayBufferSize),
      byUser: new Map(),
      managers: new Set(),
      pending: [],
      flushTimer: null,
      flushAt: Number.POSITIVE_INFINITY,
      lastFlush: Number.NEGATIVE_INFINITY,
      lastCount: Number.NEGATIVE_INFINITY,
      members: new Set(),
      dropped: false,
    };
    this.#rooms.set(record.liveId, record);
    let created: Result<LiveRoom>;
    try {
      created = LiveRoom.create({
        owner: connection.user,
        settings,
        scheduler: this.#scheduler,
        ...(this.#roomLimits ? { limits: this.#roomLimits } : {}),
        emit: (envelope) => this.#deliver(record, envelope),
        onError: (error) => this.reportError(error),
      });
    } catch (error) {
      this.#rooms.delete(record.liveId);
      throw error;
    }
    if (!created.isSuccess) {
      this.#rooms.delete(record.liveId);
      return created;
    }
    const room = created.data;
    record.room = room;
    const userId = connection.user.userId;
    if (!room.isMember(userId)) {
      const joined = room.join(connection.user);
      if (!joined.isSuccess) {
        this.#guard(() => room.dispose());
        this.#drop(record);
        return joined;
      }
    }
    const snapshot = room.snapshotFor(userId);
    this.#subscribe(connection, record);
    return ok(snapshot);
  }

  #join(connection: Connection, message: CommandMessage<'live.join'>): Result<JoinData> {
    const { liveId, sinceSeq } = message.args;
    const record = this.#rooms.get(liveId);
    const room = record?.room;
    if (!record || !room || room.ended) return fail(ErrorCode.LIVE_NOT_FOUND, `no live "${liveId}"`);
    const user = connection.user;
    // Join before subscribing: the events the join itself causes are covered by the reply, and
    // every event pushed afterwards has a higher seq than the reply's.
    // Without `sinceSeq`, and not joined on this connection yet: a client that starts afresh (a
    // new page, a reload), whose old peer connections are gone.
    const fresh = sinceSeq === undefined && record.byUser.get(user.userId) !== connection;
    const joined = room.join(user, { fresh });
    if (!joined.isSuccess) return joined;
    if (room.ended || record.dropped) return fail(ErrorCode.LIVE_ENDED, `live "${liveId}" has ended`);
    this.#subscribe(connection, record);
    const seq = room.seq;
    if (sinceSeq !== undefined) {
      const missed = record.buffer.since(sinceSeq, seq);
      if (missed) {
        const events: ServerEvent[] = [];
        for (const envelope of missed) {
          if (this.#includes(envelope.to, user.userId, room)) events.push(toServerEvent(envelope));
        }
        return ok({ kind: 'replay', events, seq });
      }
    }
    const snapshot = joined.data.seq === seq ? joined.data : room.snapshotFor(user.userId);
    return ok({ kind: 'snapshot', snapshot });
  }

  /**
   * Relays a WebRTC signal inside a watch pair, outside the room's sequence. The sender is the
   * connection's user; nothing in the arguments can change it.
   */
  #signal(
    connection: Connection,
    room: LiveRoomApi,
    message: CommandMessage<'media.signal'>,
  ): Result<{ delivered: boolean }> {
    const { liveId, to, data } = message.args;
    const from = connection.user.userId;
    if (!room.canSignal(from, to)) {
      return fail(
        ErrorCode.MEDIA_NOT_ALLOWED,
        `no watch pair joins you and "${to}" in live "${liveId}": signal only a publisher you watch or a viewer of yours`,
      );
    }
    const target = this.#users.get(to)?.connection;
    // A user in its grace period has no connection: the signal is dropped, the sender told so.
    if (!target?.open || !target.subscribed.includes(liveId)) return ok({ delivered: false });
    const signal: SignalMessage = { type: 'signal', liveId, from, data };
    target.send(this.#text(signal));
    return ok({ delivered: true });
  }

  // ── membership and subscriptions ────────────────────────────────────────────────────────────

  #subscribe(connection: Connection, record: RoomRecord): void {
    const userId = connection.user.userId;
    record.members.add(userId);
    connection.record.lives = withId(connection.record.lives, record);
    if (connection.open && connection.record.connection === connection) {
      record.byUser.set(userId, connection);
      if (record.room && isManager(record.room, userId)) record.managers.add(connection);
      connection.subscribed = withId(connection.subscribed, record);
    }
  }

  /** Takes one connection out of a room's fan-out. */
  #unsubscribe(record: RoomRecord, connection: Connection): void {
    record.managers.delete(connection);
    if (record.byUser.get(connection.user.userId) === connection)
      record.byUser.delete(connection.user.userId);
  }

  #forgetMembership(record: RoomRecord, userId: string): void {
    record.members.delete(userId);
    const user = this.#users.get(userId);
    if (!user) return;
    user.lives = withoutId(user.lives, record.liveId);
    const connection = user.connection;
    if (connection) {
      connection.subscribed = withoutId(connection.subscribed, record.liveId);
      this.#unsubscribe(record, connection);
    }
    this.#maybeForget(user);
  }

  /** Takes a connection out of every live's fan-out and marks it closed for the hub. */
  #detach(connection: Connection): void {
    if (!connection.open) return;
    connection.open = false;
    this.#connections--;
    for (const liveId of connection.subscribed) {
      const record = this.#rooms.get(liveId);
      if (record) this.#unsubscribe(record, connection);
    }
    connection.subscribed = NO_IDS;
    if (connection.record.connection === connection) connection.record.connection = null;
  }

  /** Drops a user's record once nothing refers to it (no connection, no live). */
  #maybeForget(record: UserRecord): void {
    if (record.connection || record.lives.length > 0) return;
    if (this.#users.get(record.user.userId) === record) this.#users.delete(record.user.userId);
  }

  #drop(record: RoomRecord): void {
    if (record.dropped) return;
    record.dropped = true;
    if (this.#rooms.get(record.liveId) === record) this.#rooms.delete(record.liveId);
    for (const connection of record.byUser.values()) {
      connection.subscribed = withoutId(connection.subscribed, record.liveId);
    }
    record.byUser.clear();
    record.managers.clear();
    record.pending = [];
    if (record.flushTimer !== null) {
      this.#scheduler.clearTimer(record.flushTimer);
      record.flushTimer = null;
    }
    for (const userId of record.members) {
      const user = this.#users.get(userId);
      if (!user) continue;
      user.lives = withoutId(user.lives, record.liveId);
      this.#maybeForget(user);
    }
    record.members.clear();
  }

  // ── fan-out ─────────────────────────────────────────────────────────────────────────────────

  #deliver(record: RoomRecord, envelope: EventEnvelope): void {
    if (record.dropped) return;
    record.buffer.push(envelope);
    const event = envelope.event;
    if (event.type === 'member.role') this.#roleChanged(record, event.userId, event.role);
    const room = record.room;
    if (room && (record.byUser.size > 0 || record.pending.length > 0)) {
      this.#whileBusy(() => {
        // Once a room has events pending, every later one waits too: the order of seq is kept.
        if (record.pending.length > 0 || record.byUser.size > this.#fanOut.coalesceAbove) {
          this.#enqueue(record, envelope);
        } else {
          this.#sendNow(record, envelope);
        }
      });
    }
    if (event.type === 'member.left') {
      this.#forgetMembership(record, event.userId);
    } else if (event.type === 'live.ended') {
      // The end is told at once, after whatever was pending.
      if (record.pending.length > 0) this.#whileBusy(() => this.#flush(record, true));
      this.#drop(record);
    }
  }

  /**
   * Runs a delivery with incoming messages queued (a peer may deliver synchronously and answer at
   * once), then drains what arrived meanwhile. A failure is reported, never thrown into the room.
   */
  #whileBusy(action: () => void): void {
    const wasBusy = this.#busy;
    this.#busy = true;
    try {
      action();
    } catch (error) {
      this.reportError(error);
    } finally {
      this.#busy = wasBusy;
    }
    if (!wasBusy && this.#inbox.length > 0) this.#scheduleDrain();
  }

  /** A small room: the envelope goes out at once, serialised once for all its recipients. */
  #sendNow(record: RoomRecord, envelope: EventEnvelope): void {
    let text: string | undefined;
    this.#forEachRecipient(record, envelope.to, (connection) => {
      text ??= this.#text(toServerEvent(envelope));
      connection.send(text);
    });
  }

  /**
   * Calls `visit` once for each subscribed connection in `audience`. Broadcasts walk the room;
   * targeted audiences cost one lookup per named user plus the managers, whatever the room's size.
   */
  #forEachRecipient(record: RoomRecord, audience: Audience, visit: (connection: Connection) => void): void {
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

  /** A large room: the envelope waits for the room's next batch. */
  #enqueue(record: RoomRecord, envelope: EventEnvelope): void {
    const { kind } = envelope.to;
    const broadcast = kind === 'all' || kind === 'others' ? kind : null;
    const targets: Connection[] = [];
    if (broadcast === null)
      this.#forEachRecipient(record, envelope.to, (connection) => targets.push(connection));
    record.pending.push({ seq: envelope.seq, event: envelope.event, broadcast, targets });
    const due =
      envelope.event.type === 'member.count'
        ? Math.max(record.lastFlush + this.#fanOut.intervalMs, this.#countDue(record))
        : record.lastFlush + this.#fanOut.intervalMs;
    this.#flushAt(record, due);
  }

  /** When the audience may next be sent a count that travels alone. */
  #countDue(record: RoomRecord): number {
    const spacing = Math.max(
      this.#fanOut.intervalMs,
      (record.byUser.size / this.#fanOut.countFanOutPerSecond) * 1000,
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
      if (!record.dropped) this.#whileBusy(() => this.#flush(record));
    });
  }

  /**
   * Sends a coalesced room's pending events: one batch per member. Members whom no pending event
   * names share one text per class (managers, everyone else), serialised once; a member named by
   * an event (an applicant, an invitee) gets its own batch with the broadcasts merged in order.
   */
  #flush(record: RoomRecord, final = false): void {
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
    if (!final && now < this.#countDue(record) && !this.#audienceNews(record, pending)) {
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

  /** Whether a pending event other than a member count goes to someone who is not a manager. */
  #audienceNews(record: RoomRecord, pending: readonly PendingEvent[]): boolean {
    return pending.some(
      (item) =>
        item.event.type !== 'member.count' &&
        (item.broadcast !== null || item.targets.some((connection) => !record.managers.has(connection))),
    );
  }

  /** Keeps the set of managers in step with the room's roles. */
  #roleChanged(record: RoomRecord, userId: string, role: Role): void {
    const connection = record.byUser.get(userId);
    if (!connection) return;
    if (role === 'owner' || role === 'admin') record.managers.add(connection);
    else record.managers.delete(connection);
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    queueMicrotask(() => {
      this.#drainScheduled = false;
      if (!this.#busy && this.#inbox.length > 0) this.#drain();
    });
  }

  #includes(audience: Audience, userId: string, room: LiveRoomApi): boolean {
    switch (audience.kind) {
      case 'all':
        return true;
      case 'users':
        return audience.userIds.includes(userId);
      case 'managers':
        return isManager(room, userId);
      case 'others':
        return !isManager(room, userId);
      case 'managersAnd':
        return audience.userIds.includes(userId) || isManager(room, userId);
      default:
        return false;
    }
  }

  #text(message: ServerMessage | ByeMessage): string {
    return this.#serialize(message);
  }

  #guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.reportError(error);
    }
  }
}

/** No ids: the list of every record and connection that is in no live. */
const NO_IDS: readonly string[] = Object.freeze([]);

/**
 * A short list of live ids (a user is in one live or a few: cheaper than a Set) plus the id of
 * `record`, once. The lists are kept per member and replaced, never changed in place, so that one
 * list can serve many members: a member in this live only gets the room's own `[liveId]`, and a
 * longer list is made at its length (an array that grows by `push` reserves room for 17 ids).
 */
function withId(ids: readonly string[], record: RoomRecord): readonly string[] {
  if (ids.includes(record.liveId)) return ids;
  return ids.length === 0 ? record.only : ids.concat(record.liveId);
}

/** The list of ids without `id`. */
function withoutId(ids: readonly string[], id: string): readonly string[] {
  if (!ids.includes(id)) return ids;
  return ids.length === 1 ? NO_IDS : ids.filter((other) => other !== id);
}

/** The default `onError`: unexpected errors are dropped unless the embedder asks for them. */
function ignore(): void {
  // Nothing to do.
}

function isManager(room: LiveRoomApi, userId: string): boolean {
  const role = room.roleOf(userId);
  return role === 'owner' || role === 'admin';
}

/** Events a later one of the same type makes useless: the newest state is what counts. */
const SUPERSEDED: ReadonlySet<LiveEventType> = new Set<LiveEventType>(['seats', 'member.count']);

/**
 * Drops each `seats` or `member.count` that a later one of the same type replaces. A `seats` is
 * kept when another event lies between it and the next `seats`, so a listener of that event sees
 * the seats as they were when it happened.
 */
function supersede(items: readonly PendingEvent[]): PendingEvent[] {
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
function mergeBySeq(a: readonly PendingEvent[], b: readonly PendingEvent[]): PendingEvent[] {
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
