/**
 * A session: one signed-in user on one transport, and every store that hangs off it. It owns the
 * connection (handshake, requests, reconnect with resume) and the replicas of the lives it joined.
 */
import { atom, batch, type ReadableAtom } from 'nanostores';
import { CloseCode, ErrorCode } from '../protocol/errors.js';
import { fail, ok, type Failure, type Result } from '../protocol/result.js';
import type {
  ByeMessage,
  CommandInput,
  CommandName,
  DataOf,
  JoinData,
  LiveSummary,
  ServerMessage,
  SignalMessage,
  WelcomeMessage,
} from '../protocol/messages.js';
import type { LiveEndReason, LiveEvent, LiveInfo, Role, SignalData, UserInfo } from '../protocol/types.js';
import { backoffDelay, DEFAULT_RECONNECT, type ReconnectOptions } from './backoff.js';
import { CoGuestStore } from './co-guest-store.js';
import type { LiveArgs, SessionContext } from './context.js';
import { ListenerSet } from './listeners.js';
import { LiveAudienceStore } from './live-audience-store.js';
import { LiveListStore, type CreateLiveParams, type LiveListListener } from './live-list-store.js';
import { LiveSeatStore } from './live-seat-store.js';
import { LoginStore, type LoginListener, type LoginParams, type LoginStatus } from './login-store.js';
import { LiveReplica } from './replica.js';
import {
  hubConnector,
  webSocketConnector,
  type Connector,
  type Transport,
  type WebSocketConstructor,
} from './transport.js';

/** Where the session's connection stands. `offline`: it gave up (replaced, token refused, or reconnect off). */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** The last close of the session's transport. */
export interface ConnectionError {
  /** The WebSocket close code (`CloseCode`), 1006 for a dropped connection. */
  readonly code: number;
  /** The close reason, `''` when none was given. */
  readonly reason: string;
}

/**
 * One STUN or TURN server for WebRTC, as `RTCIceServer` (the media layer passes the list to every
 * peer connection).
 */
export interface IceServer {
  /** `stun:host:port`, `turn:host:port?transport=udp`, `turns:…`; one URL or several. */
  readonly urls: string | string[];
  /** For TURN. */
  readonly username?: string;
  /** For TURN. */
  readonly credential?: string;
}

/** Receives one WebRTC signal of a live: `from` is the sender as the server authenticated it. */
export type SignalListener = (from: string, data: SignalData) => void;

/** Options of `createSession`. Every one is optional. */
export interface SessionOptions {
  /**
   * The WebSocket class for `login({ serverUrl, token })`. Default `globalThis.WebSocket`; Node 20 has
   * none: pass `WebSocket` from the `ws` package.
   */
  WebSocket?: WebSocketConstructor;
  /** How long a command (and the login handshake) waits for its reply, in ms. Default 10,000. */
  requestTimeoutMs?: number;
  /** Reconnect after an unexpected close (default `DEFAULT_RECONNECT`), or `false` to go `offline` at once. */
  reconnect?: Partial<ReconnectOptions> | false;
  /** Receives exceptions thrown by listeners and subscribers, and server `error` messages. Default: ignored. */
  onError?: (error: unknown) => void;
  /**
   * STUN and TURN servers for the media layer's peer connections. Default `[]`: no server, which
   * works on one machine and on a LAN. No public STUN server is ever a default.
   */
  iceServers?: readonly IceServer[];
}

interface Pending {
  readonly resolve: (result: Result<unknown>) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

type DialOutcome =
  | { readonly welcome: WelcomeMessage }
  | { readonly code: number; readonly reason: string; readonly timedOut?: boolean };

/** A fresh prefix per session: the hub remembers replies by command id per user, across connections. */
function idPrefix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}-`;
}

function toWebSocketUrl(url: string): string {
  return url.replace(/^http(s?):/i, 'ws$1:');
}

function loginFailure(code: number, reason: string, timedOut: boolean): Failure {
  if (timedOut) return fail(ErrorCode.SERVER_TIMEOUT, 'login: the server did not answer in time');
  switch (code) {
    case CloseCode.UNAUTHORIZED:
      return fail(ErrorCode.NOT_LOGGED_IN, `login refused: ${reason || 'invalid token'}`);
    case CloseCode.TOKEN_EXPIRED:
      return fail(ErrorCode.NOT_LOGGED_IN, `login refused: ${reason || 'token expired'}`);
    case CloseCode.UNSUPPORTED_PROTOCOL:
      return fail(ErrorCode.SERVER_ERROR, `login refused: ${reason || 'unsupported protocol version'}`);
    default:
      return fail(
        ErrorCode.DISCONNECTED,
        `login: could not connect (close ${code}${reason ? `: ${reason}` : ''})`,
      );
  }
}

/** Close codes after which reconnecting cannot help. */
const TERMINAL_CODES: readonly number[] = [
  CloseCode.UNAUTHORIZED,
  CloseCode.TOKEN_EXPIRED,
  CloseCode.UNSUPPORTED_PROTOCOL,
  CloseCode.REPLACED,
];

/**
 * One user on one transport, owning every store of that user. Create one with `createSession()`;
 * the seed's singletons (`LoginStore.shared`, `CoGuestStore.create(liveId)`) use `getDefaultSession()`.
 */
export class Session {
  /** Where the connection stands. */
  readonly $connection: ReadableAtom<ConnectionStatus>;
  /** The last close code and reason of the transport, or `null`. */
  readonly $connectionError: ReadableAtom<ConnectionError | null>;
  /** Log in and out (Tencent `LoginStore`). */
  readonly loginStore: LoginStore;
  /** Create, join, leave, end and list lives (Tencent `LiveListStore`). */
  readonly liveListStore: LiveListStore;
  /** The STUN and TURN servers given to `createSession` (`[]` when none), for the media layer. */
  readonly iceServers: readonly IceServer[];

  readonly #requestTimeoutMs: number;
  readonly #reconnect: ReconnectOptions | null;
  readonly #WebSocket: WebSocketConstructor | undefined;
  readonly #onError: (error: unknown) => void;
  readonly #idPrefix = idPrefix();
  #nextId = 0;

  readonly #$connection = atom<ConnectionStatus>('idle');
  readonly #$connectionError = atom<ConnectionError | null>(null);
  readonly #$user = atom<UserInfo | null>(null);
  readonly #$loginStatus = atom<LoginStatus>('loggedOut');
  readonly #$currentLive = atom<LiveInfo | null>(null);
  readonly #$liveList = atom<readonly LiveSummary[]>([]);
  readonly #loginListeners: ListenerSet<LoginListener>;
  readonly #liveListListeners: ListenerSet<LiveListListener>;

  #connector: Connector | null = null;
  #transport: Transport | null = null;
  /** Bumped whenever a transport is opened or dropped: handlers of older transports are ignored. */
  #epoch = 0;
  /** The current transport got its `welcome`. */
  #ready = false;
  #bye: ByeMessage['reason'] | null = null;
  #cancelDial: (() => void) | null = null;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #serverOffset = 0;
  #disposed = false;
  readonly #pending = new Map<string, Pending>();
  readonly #replicas = new Map<string, LiveReplica>();
  readonly #coGuestStores = new Map<string, CoGuestStore>();
  readonly #liveSeatStores = new Map<string, LiveSeatStore>();
  readonly #liveAudienceStores = new Map<string, LiveAudienceStore>();
  readonly #signalListeners = new Map<string, Set<SignalListener>>();
  readonly #context: SessionContext;

  constructor(options: SessionOptions = {}) {
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#reconnect = options.reconnect === false ? null : { ...DEFAULT_RECONNECT, ...options.reconnect };
    this.#WebSocket = options.WebSocket;
    // A copy: changing the caller's list later does not reach peer connections made from this one.
    this.iceServers = Object.freeze(
      (options.iceServers ?? []).map((server) => ({
        ...server,
        urls: typeof server.urls === 'string' ? server.urls : [...server.urls],
      })),
    );
    const onError = options.onError;
    this.#onError = (error) => {
      try {
        onError?.(error);
      } catch {
        // A failing reporter must not break the session.
      }
    };
    this.$connection = this.#$connection;
    this.$connectionError = this.#$connectionError;
    this.#loginListeners = new ListenerSet(this.#onError);
    this.#liveListListeners = new ListenerSet(this.#onError);
    this.#context = {
      $user: this.#$user,
      replica: (liveId) => this.#replica(liveId),
      liveCommand: (liveId, name, args) => this.#liveCommand(liveId, name, args),
      roleIn: (liveId) => this.#roleIn(liveId),
      report: this.#onError,
    };
    this.loginStore = new LoginStore({
      $user: this.#$user,
      $status: this.#$loginStatus,
      listeners: this.#loginListeners,
      login: (params) => this.#login(params),
      logout: () => this.#logout(),
    });
    this.liveListStore = new LiveListStore({
      $currentLive: this.#$currentLive,
      $liveList: this.#$liveList,
      listeners: this.#liveListListeners,
      createLive: (params) => this.#createLive(params),
      joinLive: (liveId) => this.#joinLive(liveId),
      leaveLive: () => this.#leaveLive(),
      endLive: () => this.#endLive(),
      fetchLiveList: () => this.#fetchLiveList(),
    });
  }

  /** The guest-connection store of `liveId` on this session (one instance per live). */
  coGuestStore(liveId: string): CoGuestStore {
    return cached(this.#coGuestStores, liveId, () => new CoGuestStore(this.#context, liveId));
  }

  /** The seat store of `liveId` on this session (one instance per live). */
  liveSeatStore(liveId: string): LiveSeatStore {
    return cached(this.#liveSeatStores, liveId, () => new LiveSeatStore(this.#context, liveId));
  }

  /** The member store of `liveId` on this session (one instance per live). */
  liveAudienceStore(liveId: string): LiveAudienceStore {
    return cached(this.#liveAudienceStores, liveId, () => new LiveAudienceStore(this.#context, liveId));
  }

  /**
   * Calls `listener` with every WebRTC signal relayed to this user in `liveId` (the server relays
   * only inside a watch pair; see `docs/media.md`). Signals are not sequenced and not replayed.
   * Send one with `request('media.signal', { liveId, to, data })`. Returns the unsubscribe function.
   */
  onSignal(liveId: string, listener: SignalListener): () => void {
    let listeners = this.#signalListeners.get(liveId);
    if (!listeners) {
      listeners = new Set();
      this.#signalListeners.set(liveId, listeners);
    }
    listeners.add(listener);
    return () => {
      const current = this.#signalListeners.get(liveId);
      if (!current?.delete(listener) || current.size > 0) return;
      this.#signalListeners.delete(liveId);
    };
  }

  /**
   * Calls `listener` after each event of `liveId` is applied to the session's copy of the live,
   * including the events only this user receives (`media.viewer` for a publisher, `device.admin`).
   * Returns the unsubscribe function.
   */
  onLiveEvent(liveId: string, listener: (event: LiveEvent) => void): () => void {
    return this.#replica(liveId).onEvent(listener);
  }

  /** The server's clock (epoch ms), estimated from the last `welcome`: compare deadlines with it. */
  serverNow(): number {
    return Date.now() + this.#serverOffset;
  }

  /**
   * Sends any command and resolves with its reply: the low-level path under every store action.
   * NOT_LOGGED_IN before login, DISCONNECTED at once while not connected, SERVER_TIMEOUT without a
   * reply in `requestTimeoutMs`.
   */
  request<N extends CommandName>(name: N, args: CommandInput<N>): Promise<Result<DataOf<N>>> {
    const refusal = this.#refusal();
    return refusal ? Promise.resolve(refusal) : this.#request(name, args);
  }

  /**
   * Ends the session at once: leaves every live (without waiting), closes the transport, resolves
   * requests in flight with DISCONNECTED and stops reconnecting. Stores keep working but stay empty.
   */
  dispose(): void {
    if (this.#disposed) return;
    if (this.#ready) {
      for (const replica of this.#replicas.values()) {
        if (replica.$joined.get()) void this.#request('live.leave', { liveId: replica.liveId });
      }
    }
    this.#disposed = true;
    this.#teardown('session disposed');
  }

  // ── login ───────────────────────────────────────────────────────────────────────────────────

  async #login(params: LoginParams): Promise<Result<UserInfo>> {
    if (this.#disposed) return fail(ErrorCode.NOT_LOGGED_IN, 'login: the session is disposed');
    if (this.#$loginStatus.get() === 'loggingIn')
      return fail(ErrorCode.REPEAT_OPERATION, 'login: already logging in');
    let connector: Connector;
    if ('hub' in params) {
      connector = hubConnector(params.hub, params.user);
    } else {
      const WebSocketClass =
        this.#WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
      if (!WebSocketClass) {
        return fail(
          ErrorCode.INVALID_ARGUMENT,
          'login: no WebSocket implementation; pass one with createSession({ WebSocket }) (the ws package in Node 20)',
        );
      }
      connector = webSocketConnector(WebSocketClass, toWebSocketUrl(params.serverUrl), params.token);
    }
    // Offline after a refusal (token expired, replaced): log in again and resume the same user's lives.
    const resumeFor =
      this.#$connection.get() === 'offline' && this.#$loginStatus.get() === 'loggedIn'
        ? (this.#$user.get()?.userId ?? null)
        : null;
    if (
      resumeFor === null &&
      (this.#$loginStatus.get() !== 'loggedOut' || this.#$connection.get() !== 'idle')
    ) {
      await this.#logout();
      if (this.#disposed) return fail(ErrorCode.NOT_LOGGED_IN, 'login: the session is disposed');
      if (this.#$loginStatus.get() !== 'loggedOut') {
        return fail(ErrorCode.REPEAT_OPERATION, 'login: already logging in');
      }
    }
    this.#connector = connector;
    this.#attempt = 0;
    this.#batch(() => {
      this.#$loginStatus.set('loggingIn');
      this.#$connection.set('connecting');
      this.#$connectionError.set(null);
    });
    const outcome = await this.#dial((welcome) => {
      const resume = resumeFor === welcome.user.userId;
      this.#batch(() => {
        if (!resume) this.#forgetLives();
        this.#$user.set(welcome.user);
        this.#$loginStatus.set('loggedIn');
        this.#$connection.set('connected');
      });
      if (resume) this.#resume();
    });
    if ('welcome' in outcome) return ok(outcome.welcome.user);
    if (this.#connector === connector) {
      this.#connector = null;
      this.#batch(() => {
        this.#forgetLives();
        this.#$user.set(null);
        this.#$connectionError.set({ code: outcome.code, reason: outcome.reason });
        this.#$loginStatus.set('loggedOut');
        this.#$connection.set('idle');
      });
    }
    return loginFailure(outcome.code, outcome.reason, outcome.timedOut === true);
  }

  async #logout(): Promise<Result> {
    if (this.#ready) {
      const joined = [...this.#replicas.values()].filter((replica) => replica.$joined.get());
      await Promise.all(joined.map((replica) => this.#request('live.leave', { liveId: replica.liveId })));
    }
    this.#teardown('logged out');
    return ok();
  }

  #teardown(reason: string): void {
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#connector = null;
    this.#dropTransport(reason);
    this.#failPending(reason);
    this.#attempt = 0;
    this.#batch(() => {
      this.#forgetLives();
      this.#$user.set(null);
      this.#$loginStatus.set('loggedOut');
      this.#$connection.set('idle');
    });
  }

  #forgetLives(): void {
    for (const replica of this.#replicas.values()) replica.reset();
    this.#$currentLive.set(null);
    this.#$liveList.set([]);
  }

  // ── transport ───────────────────────────────────────────────────────────────────────────────

  /**
   * Opens a transport and waits for `welcome` (calling `onWelcome` synchronously on it) or for the
   * transport to close first. Resolves; never rejects.
   */
  #dial(onWelcome: (welcome: WelcomeMessage) => void): Promise<DialOutcome> {
    const connector = this.#connector;
    this.#dropTransport('reconnecting');
    const epoch = ++this.#epoch;
    this.#bye = null;
    return new Promise<DialOutcome>((resolve) => {
      if (!connector) {
        resolve({ code: CloseCode.NORMAL, reason: 'logged out' });
        return;
      }
      let settled = false;
      const settle = (outcome: DialOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this.#cancelDial === cancel) this.#cancelDial = null;
        resolve(outcome);
      };
      const cancel = (): void => settle({ code: CloseCode.NORMAL, reason: 'logged out' });
      this.#cancelDial = cancel;
      const timer = setTimeout(() => {
        settle({
          code: CloseCode.HANDSHAKE_TIMEOUT,
          reason: 'no welcome from the server in time',
          timedOut: true,
        });
        if (this.#epoch === epoch) this.#dropTransport('handshake timeout');
      }, this.#requestTimeoutMs);
      try {
        this.#transport = connector({
          onMessage: (text) => {
            if (this.#epoch !== epoch) return;
            const message = parse(text);
            if (!message) return;
            if (settled) {
              this.#onMessage(message);
            } else if (message.type === 'welcome') {
              this.#ready = true;
              this.#serverOffset = message.serverTime - Date.now();
              this.#guard(() => onWelcome(message));
              settle({ welcome: message });
            } else if (message.type === 'bye') {
              this.#bye = message.reason;
            }
          },
          onClose: (code, reason) => {
            if (this.#epoch !== epoch) return;
            this.#epoch++;
            this.#transport = null;
            this.#ready = false;
            if (settled) this.#onConnectionLost(code, reason);
            else settle({ code, reason });
          },
        });
      } catch (error) {
        settle({ code: 1006, reason: error instanceof Error ? error.message : String(error) });
      }
    });
  }

  #dropTransport(reason: string): void {
    this.#epoch++;
    const transport = this.#transport;
    this.#transport = null;
    this.#ready = false;
    this.#cancelDial?.();
    if (transport) {
      try {
        transport.close(CloseCode.NORMAL, reason);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  #onMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'reply': {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        clearTimeout(pending.timer);
        const result = message.result;
        pending.resolve(result.isSuccess ? ok(result.data) : fail(result.errorCode, result.errorMessage));
        return;
      }
      case 'event':
        this.#guard(() => this.#replicas.get(message.liveId)?.receive(message.seq, message.event));
        return;
      case 'batch':
        this.#guard(() => this.#replicas.get(message.liveId)?.receiveBatch(message.events));
        return;
      case 'signal':
        this.#onSignal(message);
        return;
      case 'bye':
        this.#bye = message.reason;
        return;
      case 'error':
        this.#onError(new Error(`server error ${message.code}: ${message.message}`));
        return;
      default:
        return;
    }
  }

  #onSignal(message: SignalMessage): void {
    const { liveId, from, data } = message as Partial<SignalMessage>;
    if (typeof liveId !== 'string' || typeof from !== 'string') return;
    if (typeof data !== 'object' || data === null) return;
    const listeners = this.#signalListeners.get(liveId);
    if (!listeners) return;
    for (const listener of [...listeners]) this.#guard(() => listener(from, data));
  }

  #onConnectionLost(code: number, reason: string): void {
    this.#failPending('the connection to the server closed');
    this.#batch(() => this.#$connectionError.set({ code, reason }));
    if (this.#reconnect && !this.#isTerminal(code)) {
      this.#batch(() => this.#$connection.set('reconnecting'));
      this.#scheduleReconnect();
    } else {
      this.#goOffline(code);
    }
  }

  #isTerminal(code: number): boolean {
    return TERMINAL_CODES.includes(code) || this.#bye === 'replaced' || this.#bye === 'tokenExpired';
  }

  #goOffline(code: number): void {
    const replaced = code === CloseCode.REPLACED || this.#bye === 'replaced';
    const expired =
      code === CloseCode.TOKEN_EXPIRED || code === CloseCode.UNAUTHORIZED || this.#bye === 'tokenExpired';
    this.#batch(() => this.#$connection.set('offline'));
    if (replaced) this.#loginListeners.emit('onKickedOffline');
    else if (expired) this.#loginListeners.emit('onLoginExpired');
  }

  #scheduleReconnect(): void {
    const delay = backoffDelay(this.#attempt++, this.#reconnect ?? DEFAULT_RECONNECT);
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      void this.#reconnectNow();
    }, delay);
  }

  async #reconnectNow(): Promise<void> {
    const connector = this.#connector;
    if (!connector || this.#$connection.get() !== 'reconnecting') return;
    const outcome = await this.#dial((welcome) => {
      this.#attempt = 0;
      this.#batch(() => {
        this.#$user.set(welcome.user);
        this.#$connection.set('connected');
      });
      this.#resume();
    });
    if ('welcome' in outcome || this.#connector !== connector) return;
    this.#batch(() => this.#$connectionError.set({ code: outcome.code, reason: outcome.reason }));
    if (this.#isTerminal(outcome.code)) this.#goOffline(outcome.code);
    else this.#scheduleReconnect();
  }

  /** After a reconnect: join every live again from the last seq (the hub replays or sends a snapshot). */
  #resume(): void {
    for (const replica of this.#replicas.values()) {
      if (!replica.$joined.get()) continue;
      replica.beginJoin();
      void this.#request('live.join', { liveId: replica.liveId, sinceSeq: replica.$seq.get() }).then(
        (result) => {
          if (result.isSuccess) {
            this.#applyJoin(replica, result.data);
          } else if (
            result.errorCode === ErrorCode.DISCONNECTED ||
            result.errorCode === ErrorCode.SERVER_TIMEOUT
          ) {
            // Still joined: the next reconnect tries again.
            replica.abortJoin();
          } else {
            replica.abortJoin();
            this.#endLocally(replica, 'endedByServer');
          }
        },
      );
    }
  }

  // ── requests ────────────────────────────────────────────────────────────────────────────────

  #refusal(): Failure | null {
    if (this.#$loginStatus.get() !== 'loggedIn') return fail(ErrorCode.NOT_LOGGED_IN, 'log in first');
    if (!this.#ready) return fail(ErrorCode.DISCONNECTED, 'not connected to the server');
    return null;
  }

  #request<N extends CommandName>(name: N, args: CommandInput<N>): Promise<Result<DataOf<N>>> {
    const transport = this.#transport;
    if (!this.#ready || !transport) {
      return Promise.resolve(fail(ErrorCode.DISCONNECTED, 'not connected to the server'));
    }
    const id = `${this.#idPrefix}${(++this.#nextId).toString(36)}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (!this.#pending.delete(id)) return;
        resolve(
          fail(
            ErrorCode.SERVER_TIMEOUT,
            `${name}: no reply from the server within ${this.#requestTimeoutMs} ms`,
          ),
        );
      }, this.#requestTimeoutMs);
      this.#pending.set(id, { resolve: resolve as (result: Result<unknown>) => void, timer });
      transport.send(JSON.stringify({ type: 'cmd', id, name, args }));
    });
  }

  #liveCommand<N extends CommandName>(
    liveId: string,
    name: N,
    args: LiveArgs<N>,
  ): Promise<Result<DataOf<N>>> {
    const refusal = this.#refusal();
    if (refusal) return Promise.resolve(refusal);
    if (!this.#replicas.get(liveId)?.$joined.get()) {
      return Promise.resolve(fail(ErrorCode.NOT_IN_LIVE, `join live "${liveId}" first`));
    }
    return this.#request(name, { ...args, liveId });
  }

  #failPending(reason: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const item of pending) {
      clearTimeout(item.timer);
      item.resolve(fail(ErrorCode.DISCONNECTED, reason));
    }
  }

  // ── lives ───────────────────────────────────────────────────────────────────────────────────

  #replica(liveId: string): LiveReplica {
    return cached(this.#replicas, liveId, () => {
      const replica = new LiveReplica(liveId, this.#onError);
      replica.onEvent((event) => {
        if (event.type === 'live.ended') this.#onLiveEnded(liveId, event.reason);
      });
      return replica;
    });
  }

  #roleIn(liveId: string): Role {
    const replica = this.#replicas.get(liveId);
    const userId = this.#$user.get()?.userId;
    if (!replica || userId === undefined) return 'audience';
    const member = replica.$members.get().find((item) => item.userId === userId);
    if (member) return member.role;
    return replica.$live.get()?.owner.userId === userId ? 'owner' : 'audience';
  }

  #applyJoin(replica: LiveReplica, data: JoinData): void {
    if (data.kind === 'snapshot') replica.applySnapshot(data.snapshot);
    else replica.applyReplay(data.events, data.seq);
    const live = replica.$live.get();
    if (live && replica.$joined.get() && this.#$currentLive.get()?.liveId === replica.liveId) {
      this.#batch(() => this.#$currentLive.set(live));
    }
  }

  #endLocally(replica: LiveReplica, reason: LiveEndReason): void {
    if (replica.$ended.get() || !replica.$joined.get()) return;
    replica.markEnded();
    this.#onLiveEnded(replica.liveId, reason);
  }

  #onLiveEnded(liveId: string, reason: LiveEndReason): void {
    if (this.#$currentLive.get()?.liveId === liveId) this.#batch(() => this.#$currentLive.set(null));
    this.#liveListListeners.emit('onLiveEnded', liveId, reason);
  }

  /** Before joining `liveId`: leave the live the session is in, if it is another one. */
  async #leaveOther(liveId: string): Promise<void> {
    const current = this.#$currentLive.get();
    if (current && current.liveId !== liveId) await this.#leaveLive();
  }

  async #createLive(params: CreateLiveParams): Promise<Result<LiveInfo>> {
    const refusal = this.#refusal();
    if (refusal) return refusal;
    await this.#leaveOther(params.liveId);
    const replica = this.#replica(params.liveId);
    replica.beginJoin();
    const result = await this.#request('live.create', { ...params });
    if (!result.isSuccess) {
      replica.abortJoin();
      return result;
    }
    replica.applySnapshot(result.data);
    return this.#entered(replica);
  }

  async #joinLive(liveId: string): Promise<Result<LiveInfo>> {
    const refusal = this.#refusal();
    if (refusal) return refusal;
    await this.#leaveOther(liveId);
    const replica = this.#replica(liveId);
    replica.beginJoin();
    const result = await this.#request('live.join', { liveId });
    if (!result.isSuccess) {
      replica.abortJoin();
      return result;
    }
    this.#applyJoin(replica, result.data);
    return this.#entered(replica);
  }

  #entered(replica: LiveReplica): Result<LiveInfo> {
    const live = replica.$live.get();
    if (!live || !replica.$joined.get())
      return fail(ErrorCode.LIVE_ENDED, `live "${replica.liveId}" has ended`);
    this.#batch(() => this.#$currentLive.set(live));
    return ok(live);
  }

  async #leaveLive(): Promise<Result> {
    const current = this.#$currentLive.get();
    if (this.#$loginStatus.get() !== 'loggedIn') return fail(ErrorCode.NOT_LOGGED_IN, 'log in first');
    if (!current) return fail(ErrorCode.NOT_IN_LIVE, 'not in a live');
    const result = await this.#request('live.leave', { liveId: current.liveId });
    // Leave locally whatever the server said: the session will not resume this live.
    this.#replicas.get(current.liveId)?.reset();
    if (this.#$currentLive.get()?.liveId === current.liveId) this.#batch(() => this.#$currentLive.set(null));
    return result;
  }

  async #endLive(): Promise<Result> {
    const refusal = this.#refusal();
    if (refusal) return refusal;
    const current = this.#$currentLive.get();
    if (!current) return fail(ErrorCode.NOT_IN_LIVE, 'not in a live');
    const result = await this.#request('live.end', { liveId: current.liveId });
    const replica = this.#replicas.get(current.liveId);
    if (result.isSuccess && replica) this.#endLocally(replica, 'endedByHost');
    return result;
  }

  async #fetchLiveList(): Promise<Result<{ readonly lives: readonly LiveSummary[] }>> {
    const refusal = this.#refusal();
    if (refusal) return refusal;
    const result = await this.#request('live.list', {});
    if (result.isSuccess) this.#batch(() => this.#$liveList.set(result.data.lives));
    return result;
  }

  /** Updates stores as one batch; a throwing subscriber is reported, never propagated. */
  #batch(update: () => void): void {
    this.#guard(() => batch(update));
  }

  #guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#onError(error);
    }
  }
}

function cached<T>(map: Map<string, T>, key: string, create: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

function parse(text: string): ServerMessage | null {
  try {
    const message: unknown = JSON.parse(text);
    return typeof message === 'object' &&
      message !== null &&
      typeof (message as { type?: unknown }).type === 'string'
      ? (message as ServerMessage)
      : null;
  } catch {
    return null;
  }
}

/** Creates a session. See `SessionOptions` for the defaults. */
export function createSession(options: SessionOptions = {}): Session {
  return new Session(options);
}

let defaultSession: Session | null = null;

/** The page's default session, created on first use; the seed's singletons live on it. */
export function getDefaultSession(): Session {
  defaultSession ??= createSession();
  return defaultSession;
}

/**
 * Replaces the default session (for Node, where it needs `createSession({ WebSocket })`, and for
 * tests). `null` forgets it; the next `getDefaultSession()` creates a new one. The old session is
 * not disposed.
 */
export function setDefaultSession(session: Session | null): void {
  defaultSession = session;
}
