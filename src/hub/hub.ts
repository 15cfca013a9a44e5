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
 * - `inbox.ts`: incoming frames, one at a time, in order per connection;
 * - `joining.ts`: the end of `live.create` and `live.join`, once the room has answered;
 * - `fan-out.ts`: events to their audience, once per class, coalesced in large rooms;
 * - `replay-buffer.ts`: recent events per room, for `live.join {sinceSeq}`;
 * - `live-directory.ts`: the open lives in creation order (`live.list` pages, lives per owner);
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
  type CommandMessage,
  type ErrorMessage,
  type JoinData,
  type ReplyMessage,
  type ServerMessage,
  type WelcomeMessage,
} from '../protocol/messages.js';
import { fail, type Result } from '../protocol/result.js';
import type { EventEnvelope, LiveSnapshot, UserInfo } from '../protocol/types.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { FanOut, fanOutOptions, trackRole } from './fan-out.js';
import { Inbox } from './inbox.js';
import { LiveDirectory } from './live-directory.js';
import { memberJoined, ownerJoined } from './joining.js';
import { pushMedia, refuseOnMesh, relayMediaCommand, relaySignal, seatsOf, sendSignal } from './media.js';
import { localRoomOpener } from './local-room.js';
import {
  Connection,
  newRoomRecord,
  newUserRecord,
  NO_IDS,
  unsubscribe,
  withoutId,
  type ConnectionOwner,
  type RoomRecord,
  type UserRecord,
} from './records.js';
import { ReplayBuffer } from './replay-buffer.js';
import { recallReply, rememberReply, toRemembered } from './reply-cache.js';
import {
  whenAnswered,
  type Answer,
  type RoomHandle,
  type RoomOpener,
  type RoomSubscriber,
} from './room-handle.js';
import {
  DEFAULT_MAX_LIVES_PER_USER,
  DEFAULT_REPLAY_BUFFER_SIZE,
  DEFAULT_REPLY_CACHE_SIZE,
  type Hub,
  type HubConnection,
  type HubMedia,
  type HubOptions,
  type HubPeer,
  type MediaCommand,
  type RelayedSignal,
} from './types.js';

/** What `#command` returns for a command whose reply comes later (`media.sfu.*` in SFU mode). */
const LATER = Symbol('later');

/**
 * Creates a hub. Its rooms are `LiveRoom`s of this process (`local-room.ts`) unless
 * `options.openRoom` opens them elsewhere.
 */
export function createHub(options: HubOptions = {}): Hub {
  const scheduler = options.scheduler ?? realScheduler;
  const openRoom = options.openRoom ?? localRoomOpener({ scheduler, limits: options.roomLimits });
  return new HubImpl(options, scheduler, openRoom);
}

class HubImpl implements Hub, ConnectionOwner {
  readonly #scheduler: Scheduler;
  readonly #openRoom: RoomOpener;
  readonly #elsewhere: Pick<HubOptions, 'findRoom' | 'listLives' | 'relaySignal'>;
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
  readonly #inbox: Inbox;
  #shutDown = false;
  #connections = 0;

  constructor(options: HubOptions, scheduler: Scheduler, openRoom: RoomOpener) {
    this.#scheduler = scheduler;
    this.#openRoom = openRoom;
    const { findRoom, listLives, relaySignal } = options;
    this.#elsewhere = { findRoom, listLives, relaySignal };
    this.#parse = createMessageParser({ ...DEFAULT_PROTOCOL_LIMITS, ...options.protocolLimits });
    this.#replayBufferSize = Math.max(0, Math.floor(options.replayBufferSize ?? DEFAULT_REPLAY_BUFFER_SIZE));
    this.#replyCacheSize = Math.max(1, Math.floor(options.replyCacheSize ?? DEFAULT_REPLY_CACHE_SIZE));
    const maxLives = options.maxLivesPerUser ?? DEFAULT_MAX_LIVES_PER_USER;
    this.#maxLivesPerUser = Number.isNaN(maxLives)
      ? DEFAULT_MAX_LIVES_PER_USER
      : Math.max(0, Math.floor(maxLives));
    this.#serialize = options.serialize ?? ((message) => JSON.stringify(message));
    this.#onError = options.onError ?? ignore;
    this.#inbox = new Inbox(
      (connection, text) => this.#handleSafely(connection, text),
      (error) => this.reportError(error),
    );
    this.#fanOut = new FanOut({
      scheduler,
      options: fanOutOptions(options.fanOut),
      text: (message) => this.#text(message),
      whileBusy: (action) => this.#inbox.whileBusy(action),
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
    if (previous) this.replaced(previous, false);
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
      this.#guard(() => record.room?.close());
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
    this.#inbox.clear();
  }

  deliverSignal(signal: RelayedSignal): boolean {
    return sendSignal(this.#users.get(signal.to)?.connection, signal, this.#serialize);
  }

  /**
   * Says `bye {reason:'replaced'}` to a connection and closes it, with no grace period; `forget`:
   * its user's record goes too if nothing else holds it (not when a new connection takes it).
   */
  replaced(connection: Connection, forget = true): void {
    if (!connection.open) return;
    connection.send(
      this.#text({ type: 'bye', reason: 'replaced', message: 'the same user connected again elsewhere' }),
    );
    this.#detach(connection);
    connection.close(CloseCode.REPLACED, 'replaced by a newer connection');
    if (forget) this.#maybeForget(connection.record);
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
    this.#inbox.receive(connection, text);
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

  /** One frame of an open connection, from the inbox. Never throws. */
  #handleSafely(connection: Connection, text: string): void {
    try {
      this.#handle(connection, text);
    } catch (error) {
      this.reportError(error);
      const message = 'the server failed to process a message';
      connection.send(this.#text({ type: 'error', code: ErrorCode.SERVER_ERROR, message }));
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
    let result: Answer<unknown> | typeof LATER;
    try {
      result = this.#command(connection, message);
    } catch (error) {
      this.reportError(error);
      result = fail(ErrorCode.SERVER_ERROR, 'the server failed to process the command');
    }
    if (result === LATER) return;
    // Signals are ephemeral and many: their replies are not remembered, so they never push the
    // replies of commands that change state out of the cache.
    const remember = message.name !== 'media.signal';
    if (result instanceof Promise) {
      // Its next frames wait (`inbox.ts`) until the reply is sent, after the answer's events.
      const { id } = message;
      this.#inbox.later(connection, result, (answer) => this.#reply(connection, id, answer, remember));
      return;
    }
    this.#reply(connection, message.id, result, remember);
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

  #command(connection: Connection, message: CommandMessage): Answer<unknown> | typeof LATER {
    const actor = connection.user;
    switch (message.name) {
      case 'live.list': {
        const { cursor, count } = (message as CommandMessage<'live.list'>).args;
        return this.#elsewhere.listLives?.(cursor, count) ?? this.#directory.page(cursor, count);
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
      case 'live.leave':
        return whenAnswered(room.leave(actor.userId), (result) => {
          if (result.isSuccess) this.#forgetMembership(record, actor.userId);
          return result;
        });
      case 'live.end':
        return room.end(actor.userId);
      case 'media.signal': {
        const signal = message as CommandMessage<'media.signal'>;
        const target = this.#users.get(signal.args.to)?.connection;
        const { relaySignal: elsewhere } = this.#elsewhere;
        return relaySignal(connection, room, signal, target, this.#serialize, elsewhere);
      }
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

  #create(connection: Connection, message: CommandMessage<'live.create'>): Answer<LiveSnapshot> {
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
    // Taken from now (its room null while it opens): a second `live.create` of the id is refused.
    const record = newRoomRecord(settings.liveId, ownerId, new ReplayBuffer(this.#replayBufferSize));
    this.#rooms.set(record.liveId, record);
    let created: Answer<RoomHandle>;
    try {
      created = this.#openRoom({ owner: connection.user, settings }, this.#subscriberOf(record));
    } catch (error) {
      this.#rooms.delete(record.liveId);
      throw error;
    }
    if (created instanceof Promise) {
      created = created.then(undefined, (error: unknown) => {
        if (this.#rooms.get(record.liveId) === record) this.#rooms.delete(record.liveId);
        throw error;
      });
    }
    return whenAnswered(created, (opened) => this.#opened(connection, record, opened));
  }

  /** The room of a new live is open (or could not be): its owner joins and subscribes. */
  #opened(connection: Connection, record: RoomRecord, created: Result<RoomHandle>): Answer<LiveSnapshot> {
    if (!created.isSuccess) {
      if (this.#rooms.get(record.liveId) === record) this.#rooms.delete(record.liveId);
      return created;
    }
    const room = created.data;
    if (record.dropped) {
      // The hub shut down while the room opened.
      this.#guard(() => room.close());
      return fail(ErrorCode.LIVE_ENDED, `live "${record.liveId}" has ended`);
    }
    record.room = room;
    // Listed (and counted as the owner's) from now: a live that fails below is dropped, unlisted.
    this.#directory.add(record);
    const ownerId = connection.user.userId;
    if (room.isMember(ownerId)) return ownerJoined(connection, record, room);
    return whenAnswered(room.join(connection.user), (joined) => {
      if (!joined.isSuccess) {
        this.#guard(() => room.close());
        this.#drop(record);
        return joined;
      }
      return ownerJoined(connection, record, room);
    });
  }

  #join(connection: Connection, message: CommandMessage<'live.join'>, find = true): Answer<JoinData> {
    const { liveId, sinceSeq } = message.args;
    const record = this.#rooms.get(liveId);
    const { findRoom } = this.#elsewhere;
    if (!record && find && findRoom) return this.#find(connection, message, findRoom);
    if (record?.finding) return record.finding.then(() => this.#join(connection, message));
    const room = record?.room;
    if (!record || !room || room.ended) return fail(ErrorCode.LIVE_NOT_FOUND, `no live "${liveId}"`);
    const user = connection.user;
    // Join before subscribing: the events the join itself causes are covered by the reply, and
    // every event pushed afterwards has a higher seq than the reply's.
    // Without `sinceSeq`, and not joined on this connection yet: a client that starts afresh (a
    // new page, a reload), whose old peer connections are gone.
    const fresh = sinceSeq === undefined && record.byUser.get(user.userId) !== connection;
    return whenAnswered(room.join(user, { fresh }), (joined) =>
      memberJoined(connection, record, room, sinceSeq, joined),
    );
  }

  /** `live.join` of a live not open here: its room is found (another process's), then joined. */
  #find(
    connection: Connection,
    message: CommandMessage<'live.join'>,
    findRoom: NonNullable<HubOptions['findRoom']>,
  ): Answer<JoinData> {
    const { liveId } = message.args;
    // Taken while it is found: a second join meanwhile waits for the same room.
    const record = newRoomRecord(liveId, '', new ReplayBuffer(this.#replayBufferSize));
    this.#rooms.set(liveId, record);
    const found = Promise.resolve().then(() => findRoom(liveId, this.#subscriberOf(record)));
    const settle = (result?: Result<RoomHandle>): Answer<JoinData> => {
      record.finding = null;
      if (result?.isSuccess && !record.dropped) record.room = result.data;
      else if (this.#rooms.get(liveId) === record) this.#rooms.delete(liveId);
      // Found or not, the join goes on without looking for the room again.
      return result && !result.isSuccess ? result : this.#join(connection, message, false);
    };
    const joined = found.then(settle, (error: unknown) => {
      void settle();
      throw error;
    });
    record.finding = joined.then(ignore, ignore);
    return joined;
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

  /** Where the events of the room of `record` go. */
  #subscriberOf(record: RoomRecord): RoomSubscriber {
    const onError = (error: unknown) => this.reportError(error);
    return { onEnvelope: (envelope) => this.#deliver(record, envelope), onError };
  }

  /** One event of a room: kept for replay, fanned out, and the hub's records kept in step. */
  #deliver(record: RoomRecord, envelope: EventEnvelope): void {
    if (record.dropped) return;
    record.buffer.push(envelope);
    const event = envelope.event;
    if (event.type === 'member.role') trackRole(record, event.userId, event.role);
    const room = record.room;
    if (room && (record.byUser.size > 0 || record.pending.length > 0)) {
      this.#inbox.whileBusy(() => this.#fanOut.publish(record, envelope));
    }
    this.#guard(() => this.#media?.onEvent(record.liveId, event));
    if (event.type === 'member.left') {
      this.#forgetMembership(record, event.userId);
    } else if (event.type === 'live.ended') {
      // The end is told at once, after whatever was pending.
      if (record.pending.length > 0) this.#inbox.whileBusy(() => this.#fanOut.flush(record, true));
      this.#drop(record);
    }
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
