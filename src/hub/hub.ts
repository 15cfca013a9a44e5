/**
 * The hub: every live room of one process and the connections of the users in them. It turns wire
 * text into room commands and room events into wire text. Browser-safe: it runs inside the Node
 * server (behind `ws`) and inside a page for the local/offline mode (behind an in-page transport).
 *
 * See `docs/protocol.md` for the messages it speaks.
 */
import { LiveRoom } from '../engine/room.js';
import { realScheduler, type Scheduler } from '../engine/scheduler.js';
import type { LiveRoomApi, RoomCommand, RoomLimits } from '../engine/types.js';
import { CloseCode, ErrorCode } from '../protocol/errors.js';
import {
  createMessageParser,
  DEFAULT_PROTOCOL_LIMITS,
  toServerEvent,
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
import type { Audience, EventEnvelope, LiveSnapshot, UserInfo } from '../protocol/types.js';
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
  /**
   * Turns a server message into wire text. Default `JSON.stringify`. Called once per reply and once
   * per event envelope, whatever the number of recipients.
   */
  serialize?: (message: ServerMessage) => string;
  /** Told about unexpected exceptions (a bug in a room or a peer). Default: ignored. */
  onError?: (error: unknown) => void;
}

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

interface RoomRecord {
  readonly liveId: string;
  /** `null` only while `LiveRoom.create` runs (it may emit before returning). */
  room: LiveRoomApi | null;
  readonly buffer: ReplayBuffer;
  /** Connections that joined this live and receive its events. */
  readonly subscribers: Set<Connection>;
  /** Users the hub saw join and not yet leave. */
  readonly members: Set<string>;
  dropped: boolean;
}

interface UserRecord {
  user: UserInfo;
  connection: Connection | null;
  /** Lives this user is a member of (joined, not left, not ended). */
  readonly lives: Set<string>;
  /** Serialized replies by command id, oldest first. */
  readonly replies: Map<string, string>;
}

class Connection implements HubConnection {
  readonly user: UserInfo;
  readonly peer: HubPeer;
  readonly record: UserRecord;
  readonly subscribed = new Set<string>();
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
  for (const key of ['maxMembers', 'maxPendingApplications', 'graceMs', 'maxViewersPerPublisher'] as const) {
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
      record = { user, connection: null, lives: new Set(), replies: new Map() };
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
    for (const liveId of [...record.lives]) {
      const room = this.#rooms.get(liveId)?.room;
      if (!room?.isMember(record.user.userId)) {
        record.lives.delete(liveId);
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
    const cached = connection.record.replies.get(id);
    if (cached === undefined) return false;
    connection.send(cached);
    return true;
  }

  #reply(connection: Connection, id: string, result: Result<unknown>, remember = true): void {
    const reply: ReplyMessage = { type: 'reply', id, result };
    const text = this.#text(reply);
    if (!remember) {
      connection.send(text);
      return;
    }
    const replies = connection.record.replies;
    replies.set(id, text);
    while (replies.size > this.#replyCacheSize) {
      const oldest = replies.keys().next();
      if (oldest.done) break;
      replies.delete(oldest.value);
    }
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
    if (!connection.subscribed.has(liveId)) {
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
      room: null,
      buffer: new ReplayBuffer(this.#replayBufferSize),
      subscribers: new Set(),
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
    const joined = room.join(user);
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
    if (!target?.open || !target.subscribed.has(liveId)) return ok({ delivered: false });
    const signal: SignalMessage = { type: 'signal', liveId, from, data };
    target.send(this.#text(signal));
    return ok({ delivered: true });
  }

  // ── membership and subscriptions ────────────────────────────────────────────────────────────

  #subscribe(connection: Connection, record: RoomRecord): void {
    const userId = connection.user.userId;
    record.members.add(userId);
    connection.record.lives.add(record.liveId);
    if (connection.open && connection.record.connection === connection) {
      record.subscribers.add(connection);
      connection.subscribed.add(record.liveId);
    }
  }

  #forgetMembership(record: RoomRecord, userId: string): void {
    record.members.delete(userId);
    const user = this.#users.get(userId);
    if (!user) return;
    user.lives.delete(record.liveId);
    const connection = user.connection;
    if (connection) {
      connection.subscribed.delete(record.liveId);
      record.subscribers.delete(connection);
    }
    this.#maybeForget(user);
  }

  /** Takes a connection out of every live's fan-out and marks it closed for the hub. */
  #detach(connection: Connection): void {
    if (!connection.open) return;
    connection.open = false;
    this.#connections--;
    for (const liveId of connection.subscribed) this.#rooms.get(liveId)?.subscribers.delete(connection);
    connection.subscribed.clear();
    if (connection.record.connection === connection) connection.record.connection = null;
  }

  /** Drops a user's record once nothing refers to it (no connection, no live). */
  #maybeForget(record: UserRecord): void {
    if (record.connection || record.lives.size > 0) return;
    if (this.#users.get(record.user.userId) === record) this.#users.delete(record.user.userId);
  }

  #drop(record: RoomRecord): void {
    if (record.dropped) return;
    record.dropped = true;
    if (this.#rooms.get(record.liveId) === record) this.#rooms.delete(record.liveId);
    for (const connection of record.subscribers) connection.subscribed.delete(record.liveId);
    record.subscribers.clear();
    for (const userId of record.members) {
      const user = this.#users.get(userId);
      if (!user) continue;
      user.lives.delete(record.liveId);
      this.#maybeForget(user);
    }
    record.members.clear();
  }

  // ── fan-out ─────────────────────────────────────────────────────────────────────────────────

  #deliver(record: RoomRecord, envelope: EventEnvelope): void {
    if (record.dropped) return;
    record.buffer.push(envelope);
    const event = envelope.event;
    const room = record.room;
    if (room && record.subscribers.size > 0) {
      const wasBusy = this.#busy;
      this.#busy = true;
      try {
        // One string per envelope, shared by every recipient.
        let text: string | undefined;
        for (const connection of [...record.subscribers]) {
          if (!this.#includes(envelope.to, connection.user.userId, room)) continue;
          text ??= this.#text(toServerEvent(envelope));
          connection.send(text);
        }
      } catch (error) {
        // Never let a delivery failure reach the room in the middle of a change.
        this.reportError(error);
      } finally {
        this.#busy = wasBusy;
      }
      if (!wasBusy && this.#inbox.length > 0) this.#scheduleDrain();
    }
    if (event.type === 'member.left') {
      this.#forgetMembership(record, event.userId);
    } else if (event.type === 'live.ended') {
      this.#drop(record);
    }
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

/** The default `onError`: unexpected errors are dropped unless the embedder asks for them. */
function ignore(): void {
  // Nothing to do.
}

function isManager(room: LiveRoomApi, userId: string): boolean {
  const role = room.roleOf(userId);
  return role === 'owner' || role === 'admin';
}
