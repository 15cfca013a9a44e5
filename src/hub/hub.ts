/**
 * The hub: every live room of one process and the connections of the users in them. It turns wire
 * text into room commands and room events into wire text. Browser-safe: it runs inside the Node
 * server (behind `ws`) and inside a page for the local/offline mode (behind an in-page transport).
 *
 * This module is the composition: connections and users in, commands routed to rooms, events out.
 * Its parts each have a module of their own:
 *
 * - `types.ts`: the public contract (`Hub`, `HubConnection`, `HubPeer`, `HubOptions`, defaults);
 * - `room-handle.ts`: the seam to the rooms (`RoomHandle`, `RoomOpener`), and `local-room.ts`, its
 *   implementation by the engine's `LiveRoom` in this process: the hub reaches rooms only through it;
 * - `records.ts`: what is kept per connection, user and room;
 * - `fan-out.ts`: events to their audience, once per class, coalesced in large rooms;
 * - `replay-buffer.ts`: recent events per room, for `live.join {sinceSeq}`;
 * - `live-directory.ts`: the open lives in creation order, for `live.list` pages and the lives
 *   each user owns;
 * - `reply-cache.ts`: recent replies per user, for repeated command ids.
 *
 * See `docs/protocol.md` for the messages it speaks.
 */
import { realScheduler, type Scheduler } from '../engine/scheduler.js';
import type { RoomCommand } from '../engine/types.js';
import { CloseCode, ErrorCode } from '../protocol/errors.js';
import {
  createMessageParser,
  DEFAULT_PROTOCOL_LIMITS,
  toServerEvent,
  type CommandMessage,
  type ErrorMessage,
  type JoinData,
  type ReplyMessage,
  type ServerEvent,
  type ServerMessage,
  type SignalMessage,
  type WelcomeMessage,
} from '../protocol/messages.js';
import { fail, ok, type Result } from '../protocol/result.js';
import type { EventEnvelope, LiveSnapshot, UserInfo } from '../protocol/types.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { FanOut, inAudience, trackRole } from './fan-out.js';
import { LiveDirectory } from './live-directory.js';
import { pushMedia, refuseOnMesh, relayMediaCommand, seatsOf } from './media.js';
import { localRoomOpener } from './local-room.js';
import {
  Connection,
  newRoomRecord,
  newUserRecord,
  NO_IDS,
  subscribe,
  unsubscribe,
  withoutId,
  type ConnectionOwner,
  type RoomRecord,
  type UserRecord,
} from './records.js';
import { ReplayBuffer } from './replay-buffer.js';
import { recallReply, rememberReply, toRemembered } from './reply-cache.js';
import type { RoomHandle, RoomOpener } from './room-handle.js';
import {
  DEFAULT_FAN_OUT,
  DEFAULT_MAX_LIVES_PER_USER,
  DEFAULT_REPLAY_BUFFER_SIZE,
  DEFAULT_REPLY_CACHE_SIZE,
  type FanOutOptions,
  type Hub,
  type HubConnection,
  type HubMedia,
  type HubOptions,
  type HubPeer,
  type MediaCommand,
} from './types.js';

/** What `#command` returns for a command whose reply comes later (`media.sfu.*` in SFU mode). */
const LATER = Symbol('later');

/** Creates a hub. Its rooms are `LiveRoom`s of this process (`local-room.ts`). */
export function createHub(options: HubOptions = {}): Hub {
  const scheduler = options.scheduler ?? realScheduler;
  return new HubImpl(options, scheduler, localRoomOpener({ scheduler, limits: options.roomLimits }));
}

class HubImpl implements Hub, ConnectionOwner {
  readonly #scheduler: Scheduler;
  readonly #openRoom: RoomOpener;
  readonly #parse: ReturnType<typeof createMessageParser>;
  readonly #replayBufferSize: number;
  readonly #replyCacheSize: number;
  readonly #maxLivesPerUser: number;
  readonly #serialize: (message: ServerMessage) => string;
  readonly #onError: (error: unknown) => void;
  readonly #fanOut: FanOut;
  readonly #media: HubMedia | null;

  readonly #rooms = new Map<string, RoomRecord>();
  readonly #directory = new LiveDirectory();
  readonly #users = new Map<string, UserRecord>();
  readonly #inbox: [Connection, string][] = [];
  #busy = false;
  #drainScheduled = false;
  #shutDown = false;
  #connections = 0;

  constructor(options: HubOptions, scheduler: Scheduler, openRoom: RoomOpener) {
    this.#scheduler = scheduler;
    this.#openRoom = openRoom;
    this.#parse = createMessageParser({ ...DEFAULT_PROTOCOL_LIMITS, ...options.protocolLimits });
    this.#replayBufferSize = Math.max(0, Math.floor(options.replayBufferSize ?? DEFAULT_REPLAY_BUFFER_SIZE));
    this.#replyCacheSize = Math.max(1, Math.floor(options.replyCacheSize ?? DEFAULT_REPLY_CACHE_SIZE));
    const maxLives = options.maxLivesPerUser ?? DEFAULT_MAX_LIVES_PER_USER;
    this.#maxLivesPerUser = Number.isNaN(maxLives)
      ? DEFAULT_MAX_LIVES_PER_USER
      : Math.max(0, Math.floor(maxLives));
    this.#serialize = options.serialize ?? ((message) => JSON.stringify(message));
    this.#onError = options.onError ?? ignore;
    const fanOut: FanOutOptions = {
      coalesceAbove: Math.max(0, options.fanOut?.coalesceAbove ?? DEFAULT_FAN_OUT.coalesceAbove),
      intervalMs: Math.max(0, options.fanOut?.intervalMs ?? DEFAULT_FAN_OUT.intervalMs),
      countFanOutPerSecond: Math.max(
        1,
        options.fanOut?.countFanOutPerSecond ?? DEFAULT_FAN_OUT.countFanOutPerSecond,
      ),
    };
    this.#fanOut = new FanOut({
      scheduler,
      options: fanOut,
      text: (message) => this.#text(message),
      whileBusy: (action) => this.#whileBusy(action),
    });
    this.#media =
      options.media?.({
        push: (userId, liveId, data) =>
          pushMedia(this.#users.get(userId)?.connection, liveId, (message) => this.#text(message), data),
        seats: (liveId) => seatsOf(this.#rooms.get(liveId)?.room),
        reportError: (error) => this.reportError(error),
      }) ?? null;
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
      record = newUserRecord(user);
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
      ...(this.#media ? { media: 'sfu' as const } : {}),
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
        record.room?.close();
      } catch (error) {
        this.reportError(error);
      }
      this.#drop(record);
    }
    this.#guard(() => this.#media?.close());
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
    let result: Result<unknown> | typeof LATER;
    try {
      result = this.#command(connection, message);
    } catch (error) {
      this.reportError(error);
      result = fail(ErrorCode.SERVER_ERROR, 'the server failed to process the command');
    }
    if (result === LATER) return;
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
    rememberReply(connection.record, id, toRemembered(text, result), this.#replyCacheSize);
    connection.send(text);
  }

  // ── commands ────────────────────────────────────────────────────────────────────────────────

  #command(connection: Connection, message: CommandMessage): Result<unknown> | typeof LATER {
    const actor = connection.user;
    switch (message.name) {
      case 'live.list': {
        const { cursor, count } = (message as CommandMessage<'live.list'>).args;
        return this.#directory.page(cursor, count);
      }
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
      case 'media.sfu.publish':
      case 'media.sfu.unpublish':
      case 'media.sfu.subscribe':
      case 'media.sfu.unsubscribe':
      case 'media.sfu.answer':
      case 'media.sfu.quality':
        return this.#sfu(connection, message as CommandMessage<MediaCommand['name']>);
      default:
        return room.submit(actor.userId, { name: message.name, args: message.args } as RoomCommand);
    }
  }

  #create(connection: Connection, message: CommandMessage<'live.create'>): Result<LiveSnapshot> {
    const settings = message.args;
    if (this.#rooms.has(settings.liveId)) {
      return fail(ErrorCode.LIVE_ID_OCCUPIED, `a live with id "${settings.liveId}" already exists`);
    }
    const ownerId = connection.user.userId;
    const limit = this.#maxLivesPerUser;
    if (limit > 0 && this.#directory.ownedBy(ownerId) >= limit) {
      return fail(
        ErrorCode.LIMIT_EXCEEDED,
        `you already own ${limit} open ${limit === 1 ? 'live' : 'lives'} (maxLivesPerUser); end one before creating another`,
      );
    }
    const record = newRoomRecord(settings.liveId, ownerId, new ReplayBuffer(this.#replayBufferSize));
    this.#rooms.set(record.liveId, record);
    let created: Result<RoomHandle>;
    try {
      created = this.#openRoom(
        { owner: connection.user, settings },
        {
          onEnvelope: (envelope) => this.#deliver(record, envelope),
          onError: (error) => this.reportError(error),
        },
      );
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
    // Listed (and counted as the owner's) from now: a live that fails below is dropped, unlisted.
    this.#directory.add(record);
    if (!room.isMember(ownerId)) {
      const joined = room.join(connection.user);
      if (!joined.isSuccess) {
        this.#guard(() => room.close());
        this.#drop(record);
        return joined;
      }
    }
    const snapshot = room.snapshotFor(ownerId);
    subscribe(connection, record);
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
    subscribe(connection, record);
    const seq = room.seq;
    if (sinceSeq !== undefined) {
      const missed = record.buffer.since(sinceSeq, seq);
      if (missed) {
        const events: ServerEvent[] = [];
        for (const envelope of missed) {
          if (inAudience(envelope.to, user.userId, room)) events.push(toServerEvent(envelope));
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
    room: RoomHandle,
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

  /** A command of the SFU mode: answered later by the media server (`media.ts`), not remembered. */
  #sfu(connection: Connection, message: CommandMessage<MediaCommand['name']>): Result | typeof LATER {
    if (!this.#media) return refuseOnMesh(message.name);
    const { id } = message;
    relayMediaCommand(this.#media, connection.user.userId, message, this, (result) => {
      if (connection.open) this.#reply(connection, id, result, false);
    });
    return LATER;
  }

  // ── membership and subscriptions ────────────────────────────────────────────────────────────

  /** `userId` is no longer a member of the live: out of its records and its fan-out. */
  #forgetMembership(record: RoomRecord, userId: string): void {
    record.members.delete(userId);
    const user = this.#users.get(userId);
    if (!user) return;
    user.lives = withoutId(user.lives, record.liveId);
    const connection = user.connection;
    if (connection) {
      connection.subscribed = withoutId(connection.subscribed, record.liveId);
      unsubscribe(record, connection);
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
      if (record) unsubscribe(record, connection);
    }
    connection.subscribed = NO_IDS;
    if (connection.record.connection === connection) connection.record.connection = null;
  }

  /** Drops a user's record once nothing refers to it (no connection, no live). */
  #maybeForget(record: UserRecord): void {
    if (record.connection || record.lives.length > 0) return;
    if (this.#users.get(record.user.userId) === record) this.#users.delete(record.user.userId);
  }

  /** Forgets an ended live: its subscribers, its pending batch, its members' lists of lives. */
  #drop(record: RoomRecord): void {
    if (record.dropped) return;
    record.dropped = true;
    if (this.#rooms.get(record.liveId) === record) this.#rooms.delete(record.liveId);
    this.#directory.remove(record);
    for (const connection of record.byUser.values()) {
      connection.subscribed = withoutId(connection.subscribed, record.liveId);
    }
    record.byUser.clear();
    record.managers.clear();
    this.#fanOut.cancel(record);
    for (const userId of record.members) {
      const user = this.#users.get(userId);
      if (!user) continue;
      user.lives = withoutId(user.lives, record.liveId);
      this.#maybeForget(user);
    }
    record.members.clear();
  }

  // ── room events ─────────────────────────────────────────────────────────────────────────────

  /** One event of a room: kept for replay, fanned out, and the hub's records kept in step. */
  #deliver(record: RoomRecord, envelope: EventEnvelope): void {
    if (record.dropped) return;
    record.buffer.push(envelope);
    const event = envelope.event;
    if (event.type === 'member.role') trackRole(record, event.userId, event.role);
    const room = record.room;
    if (room && (record.byUser.size > 0 || record.pending.length > 0)) {
      this.#whileBusy(() => this.#fanOut.publish(record, envelope));
    }
    this.#guard(() => this.#media?.onEvent(record.liveId, event));
    if (event.type === 'member.left') {
      this.#forgetMembership(record, event.userId);
    } else if (event.type === 'live.ended') {
      // The end is told at once, after whatever was pending.
      if (record.pending.length > 0) this.#whileBusy(() => this.#fanOut.flush(record, true));
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

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    queueMicrotask(() => {
      this.#drainScheduled = false;
      if (!this.#busy && this.#inbox.length > 0) this.#drain();
    });
  }

  #text(message: ServerMessage): string {
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
