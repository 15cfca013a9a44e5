/**
 * A session: one signed-in user on one transport, and every store that hangs off it. This module
 * puts the parts together: the connection (`connection.ts`), the replicas of the lives the user
 * joined (`replica.ts`) and the stores, which get what they need through one `SessionContext`.
 */
import type { ReadableAtom } from 'nanostores';
import { ErrorCode } from '../protocol/errors.js';
import { fail, type Result } from '../protocol/result.js';
import type { CommandInput, CommandName, DataOf, MediaMode } from '../protocol/messages.js';
import type { LiveEvent } from '../protocol/types.js';
import { DEFAULT_RECONNECT, type ReconnectOptions } from './backoff.js';
import { CoGuestStore } from './co-guest-store.js';
import {
  Connection,
  realTimers,
  type ConnectionError,
  type ConnectionStatus,
  type SessionScheduler,
  type SfuListener,
  type SignalListener,
} from './connection.js';
import type { SessionContext, SessionHooks } from './context.js';
import { setSessionFactory } from './default-session.js';
import { LiveAudienceStore } from './live-audience-store.js';
import { LiveListStore } from './live-list-store.js';
import { LiveSeatStore } from './live-seat-store.js';
import { LoginStore } from './login-store.js';
import { LiveReplica } from './replica.js';
import type { WebSocketConstructor } from './transport.js';

export type {
  ConnectionError,
  ConnectionStatus,
  SessionScheduler,
  SfuListener,
  SignalListener,
} from './connection.js';
export type { ServerMessageError } from '../protocol/server-messages.js';
export { getDefaultSession, setDefaultSession } from './default-session.js';

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
  /**
   * Receives exceptions thrown by listeners and subscribers, server `error` messages, and each
   * message of the server the session refused (an `Error` named `ServerMessageError`, with a
   * `code`). Default: ignored.
   */
  onError?: (error: unknown) => void;
  /**
   * The clock and timers of the connection: request and handshake timeouts, reconnect delays and
   * how long a connection held. Default: real time. Tests pass one they move by hand (the
   * engine's `ManualScheduler` fits).
   */
  scheduler?: SessionScheduler;
  /**
   * STUN and TURN servers for the media layer's peer connections. Default `[]`: no server, which
   * works on one machine and on a LAN. No public STUN server is ever a default.
   */
  iceServers?: readonly IceServer[];
  /**
   * Which ICE candidates the media layer's peer connections use: `all` (default) or `relay`, only
   * through the TURN servers of `iceServers`.
   */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

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
  /** The `iceTransportPolicy` given to `createSession` (`all` when none). */
  readonly iceTransportPolicy: RTCIceTransportPolicy;

  readonly #connection: Connection;
  readonly #coGuestStores = new Map<string, CoGuestStore>();
  readonly #liveSeatStores = new Map<string, LiveSeatStore>();
  readonly #liveAudienceStores = new Map<string, LiveAudienceStore>();
  readonly #context: SessionContext;

  constructor(options: SessionOptions = {}) {
    // A copy: changing the caller's list later does not reach peer connections made from this one.
    this.iceServers = Object.freeze(
      (options.iceServers ?? []).map((server) => ({
        ...server,
        urls: typeof server.urls === 'string' ? server.urls : [...server.urls],
      })),
    );
    this.iceTransportPolicy = options.iceTransportPolicy ?? 'all';
    const onError = options.onError;
    const report = (error: unknown): void => {
      try {
        onError?.(error);
      } catch {
        // A failing reporter must not break the session.
      }
    };
    // The session's copies of the lives, one per live, kept for its life.
    const replicas = new Map<string, LiveReplica>();
    // Every hook is set by a store made below, before anything can call one (a welcome, a close or
    // a live's end all come later).
    const hooks = {} as SessionHooks;
    const connection = new Connection({
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      reconnect: options.reconnect === false ? null : { ...DEFAULT_RECONNECT, ...options.reconnect },
      replicas,
      hooks,
      report,
      scheduler: options.scheduler ?? realTimers,
    });
    this.#connection = connection;
    this.$connection = connection.$status;
    this.$connectionError = connection.$error;
    this.#context = {
      $user: connection.$user,
      connection,
      WebSocket: options.WebSocket,
      replicas,
      replica: (liveId) =>
        cached(replicas, liveId, () => {
          const replica = new LiveReplica(liveId, report);
          replica.onEvent((event) => {
            if (event.type === 'live.ended') hooks.liveEnded(liveId, event.reason);
          });
          return replica;
        }),
      liveCommand: (liveId, name, args) => {
        const refusal = connection.refusal();
        if (refusal) return Promise.resolve(refusal);
        if (!replicas.get(liveId)?.$joined.get()) {
          return Promise.resolve(fail(ErrorCode.NOT_IN_LIVE, `join live "${liveId}" first`));
        }
        return connection.request(name, { ...args, liveId });
      },
      hooks,
      report,
    };
    this.loginStore = new LoginStore(this.#context);
    this.liveListStore = new LiveListStore(this.#context);
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
    return this.#connection.onSignal(liveId, listener);
  }

  /**
   * Calls `listener` with every message of the server's SFU to this user in `liveId` (SFU mode,
   * `mediaMode === 'sfu'`; see `docs/media.md`). Returns the unsubscribe function.
   */
  onSfu(liveId: string, listener: SfuListener): () => void {
    return this.#connection.onSfu(liveId, listener);
  }

  /**
   * Calls `listener` after each event of `liveId` is applied to the session's copy of the live,
   * including the events only this user receives (`media.viewer` for a publisher, `device.admin`).
   * Returns the unsubscribe function.
   */
  onLiveEvent(liveId: string, listener: (event: LiveEvent) => void): () => void {
    return this.#context.replica(liveId).onEvent(listener);
  }

  /**
   * How media moves on the server (its last `welcome`): `mesh`, peer connections between members,
   * or `sfu`, through the server's media server (docs/media.md). `mesh` before any welcome.
   */
  get mediaMode(): MediaMode {
    return this.#connection.mediaMode;
  }

  /** The server's clock (epoch ms), estimated from the last `welcome`: compare deadlines with it. */
  serverNow(): number {
    return this.#connection.serverNow();
  }

  /**
   * Sends any command and resolves with its reply: the low-level path under every store action.
   * NOT_LOGGED_IN before login, DISCONNECTED at once while not connected, SERVER_TIMEOUT without a
   * reply in `requestTimeoutMs`.
   */
  request<N extends CommandName>(name: N, args: CommandInput<N>): Promise<Result<DataOf<N>>> {
    const refusal = this.#connection.refusal();
    return refusal ? Promise.resolve(refusal) : this.#connection.request(name, args);
  }

  /**
   * Ends the session at once: leaves every live (without waiting), closes the transport, resolves
   * requests in flight with DISCONNECTED and stops reconnecting. Stores keep working but stay empty.
   */
  dispose(): void {
    this.#connection.dispose();
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

/** Creates a session. See `SessionOptions` for the defaults. */
export function createSession(options: SessionOptions = {}): Session {
  return new Session(options);
}

setSessionFactory(createSession);
