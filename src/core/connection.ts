/**
 * The connection of a session: the login handshake, requests and their replies, reconnect with
 * backoff, and the routing of what the server sends (replies, live events, signals). Internal: the
 * session and its stores use it; `co-guest-kit/core` exports only its types.
 */
import { atom } from 'nanostores';
import { CloseCode, ErrorCode } from '../protocol/errors.js';
import { fail, ok, type Failure, type Result } from '../protocol/result.js';
import type {
  ByeMessage,
  CommandInput,
  CommandName,
  DataOf,
  ServerMessage,
  MediaMessage,
  MediaMode,
  SfuPush,
  SignalMessage,
  WelcomeMessage,
} from '../protocol/messages.js';
import type { SignalData, UserInfo } from '../protocol/types.js';
import { backoffDelay, DEFAULT_RESET_AFTER_MS, type ReconnectOptions } from './backoff.js';
import type { SessionHooks } from './context.js';
import { batchReported } from './listeners.js';
import type { LoginStatus } from './login-store.js';
import type { LiveReplica } from './replica.js';
import type { Connector, Transport } from './transport.js';

/**
 * The clock and timers of a session's connection: request and handshake timeouts, reconnect
 * delays, and how long a connection held (`ReconnectOptions.resetAfterMs`). The engine's
 * `Scheduler` fits, so tests can pass one they move by hand.
 */
export interface SessionScheduler {
  /** Milliseconds, from any origin. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now; returns a handle for `clearTimer`. */
  setTimer(delayMs: number, callback: () => void): unknown;
  clearTimer(handle: unknown): void;
}

/** Real time: `Date.now` and `setTimeout`. */
export const realTimers: SessionScheduler = {
  now: Date.now,
  setTimer: (delayMs, callback) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The checks of what a server sends, loaded on the first login (see `server-messages.ts`). */
type Checks = typeof import('../protocol/server-messages.js');
let loadingChecks: Promise<Checks> | undefined;
let checks: Checks | undefined;

/** Where the session's connection stands. `offline`: it gave up (replaced, token refused, or reconnect off). */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** The last close of the session's transport. */
export interface ConnectionError {
  /** The WebSocket close code (`CloseCode`), 1006 for a dropped connection. */
  readonly code: number;
  /** The close reason, `''` when none was given. */
  readonly reason: string;
}

/** Receives one WebRTC signal of a live: `from` is the sender as the server authenticated it. */
export type SignalListener = (from: string, data: SignalData) => void;

/** Receives one message of the server's SFU in a live (SFU mode). */
export type SfuListener = (data: SfuPush) => void;

/**
 * How a dial ended: the server's welcome, or the close that came first (1002 when the session
 * closed it for an invalid welcome).
 */
export type DialOutcome =
  | { readonly welcome: WelcomeMessage }
  | { readonly code: number; readonly reason: string; readonly timedOut?: boolean };

/** What a session gives its connection. */
export interface ConnectionOptions {
  /** How long a command (and the handshake) waits for its reply, in ms. */
  readonly requestTimeoutMs: number;
  /** Reconnect after an unexpected close, or `null` to go `offline` at once. */
  readonly reconnect: ReconnectOptions | null;
  /** The session's replicas: live events and batches go to the one of their live. */
  readonly replicas: ReadonlyMap<string, LiveReplica>;
  /** The session's hooks: `lives` at each welcome and logout, `offline` when it gives up. */
  readonly hooks: SessionHooks;
  /** Receives what listeners and subscribers throw, server `error` messages and refused messages. */
  readonly report: (error: unknown) => void;
  /** The clock and timers of requests, the handshake and reconnects. */
  readonly scheduler: SessionScheduler;
}

interface Pending {
  readonly name: CommandName;
  readonly resolve: (result: Result<unknown>) => void;
  readonly timer: unknown;
}

/** Close codes after which reconnecting cannot help. */
const TERMINAL_CODES: readonly number[] = [
  CloseCode.UNAUTHORIZED,
  CloseCode.TOKEN_EXPIRED,
  CloseCode.UNSUPPORTED_PROTOCOL,
  CloseCode.REPLACED,
];

/** A fresh prefix per session: the hub remembers replies by command id per user, across connections. */
function idPrefix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}-`;
}

/**
 * One session's link to a hub, through one transport at a time. It holds the state of the login
 * that the stores show (`$user`, `$loginStatus`, `$status`, `$error`); `LoginStore` decides when to
 * `open` and `close` it, and the stores send their commands through it.
 */
export class Connection {
  /** Where the connection stands. Only the connection sets its atoms; stores expose them read-only. */
  readonly $status = atom<ConnectionStatus>('idle');
  /** The last close code and reason of the transport, or `null`. */
  readonly $error = atom<ConnectionError | null>(null);
  /** The user the server welcomed, or `null` once logged out. */
  readonly $user = atom<UserInfo | null>(null);
  /** The login: `loggedIn` from the welcome until logged out, through reconnects and `offline`. */
  readonly $loginStatus = atom<LoginStatus>('loggedOut');

  readonly #options: ConnectionOptions;
  readonly #idPrefix = idPrefix();
  #nextId = 0;
  #connector: Connector | null = null;
  #transport: Transport | null = null;
  /** Bumped whenever a transport is opened or dropped: handlers of older transports are ignored. */
  #epoch = 0;
  /** The current transport got its `welcome`. */
  #ready = false;
  #bye: ByeMessage['reason'] | null = null;
  #cancelDial: (() => void) | null = null;
  #attempt = 0;
  /** When the current transport got its welcome (scheduler time). */
  #connectedAt = 0;
  #reconnectTimer: unknown;
  #serverOffset = 0;
  #disposed = false;
  readonly #pending = new Map<string, Pending>();
  /** By live id for signals, by `sfu:` and the live id for the SFU's messages (ids have no `:`). */
  readonly #signalListeners = new Map<string, Set<SignalListener | SfuListener>>();

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  /** `dispose()` was called: the connection never opens again. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** How media moves on the server, from its last `welcome` (`mesh` before any). */
  mediaMode: MediaMode = 'mesh';

  /** The server's clock (epoch ms), estimated from the last `welcome`. */
  serverNow(): number {
    return Date.now() + this.#serverOffset;
  }

  /** Calls `listener` with every signal relayed in `liveId`. Returns the unsubscribe function. */
  onSignal(liveId: string, listener: SignalListener): () => void {
    return this.#listen(liveId, listener);
  }

  /** Calls `listener` with every message of the server's SFU in `liveId`. Returns the unsubscribe function. */
  onSfu(liveId: string, listener: SfuListener): () => void {
    return this.#listen(`sfu:${liveId}`, listener);
  }

  #listen(key: string, listener: SignalListener | SfuListener): () => void {
    let listeners = this.#signalListeners.get(key);
    if (!listeners) {
      listeners = new Set();
      this.#signalListeners.set(key, listeners);
    }
    listeners.add(listener);
    return () => {
      const current = this.#signalListeners.get(key);
      if (!current?.delete(listener) || current.size > 0) return;
      this.#signalListeners.delete(key);
    };
  }

  /**
   * Logs in through `connector`: `loggingIn`, then `loggedIn` on the server's welcome. The welcome
   * resumes the lives joined before when it is for `resumeFor` (a user id), and forgets them
   * otherwise. When the transport closes first, the login goes back to `loggedOut` with the close
   * in `$error`, unless another login or a logout took over meanwhile. Resolves; never rejects.
   */
  async open(connector: Connector, resumeFor: string | null): Promise<DialOutcome> {
    this.#connector = connector;
    this.#attempt = 0;
    this.#batch(() => {
      this.$loginStatus.set('loggingIn');
      this.$status.set('connecting');
      this.$error.set(null);
    });
    let outcome: DialOutcome;
    try {
      checks ??= await (loadingChecks ??= import('../protocol/server-messages.js'));
      outcome = await this.#dial((welcome) => this.#welcomed(welcome, resumeFor === welcome.user.userId));
    } catch (error) {
      // The checks could not load (a page offline): the login fails; the next one loads again.
      loadingChecks = undefined;
      outcome = { code: 1006, reason: String(error) };
    }
    if (!('welcome' in outcome) && this.#connector === connector) {
      this.#connector = null;
      this.#idle({ code: outcome.code, reason: outcome.reason });
    }
    return outcome;
  }

  /**
   * Closes the transport, stops reconnecting, resolves requests in flight with DISCONNECTED and
   * goes back to `loggedOut` and `idle`: the session forgets the user's lives (`hooks.lives`).
   */
  close(reason: string): void {
    this.#options.scheduler.clearTimer(this.#reconnectTimer);
    this.#connector = null;
    this.#dropTransport(reason);
    this.#failPending(reason);
    this.#idle(null);
  }

  /** Leaves every live (without waiting) and closes for good: `open` is refused from now on. */
  dispose(): void {
    if (this.#disposed) return;
    void this.leaveLives();
    this.#disposed = true;
    this.close('session disposed');
  }

  /**
   * Why a command cannot be sent now: NOT_LOGGED_IN before login, then (unless `connected` is
   * `false`) DISCONNECTED while not connected.
   */
  refusal(connected = true): Failure | null {
    if (this.$loginStatus.get() !== 'loggedIn') return fail(ErrorCode.NOT_LOGGED_IN, 'log in first');
    if (connected && !this.#ready) return fail(ErrorCode.DISCONNECTED, 'not connected to the server');
    return null;
  }

  /**
   * Sends a command and resolves with its reply: DISCONNECTED at once while not connected,
   * SERVER_TIMEOUT without a reply in time. It does not check the login (see `refusal`).
   */
  request<N extends CommandName>(name: N, args: CommandInput<N>): Promise<Result<DataOf<N>>> {
    const transport = this.#transport;
    if (!this.#ready || !transport) {
      return Promise.resolve(fail(ErrorCode.DISCONNECTED, 'not connected to the server'));
    }
    const id = `${this.#idPrefix}${(++this.#nextId).toString(36)}`;
    const timeoutMs = this.#options.requestTimeoutMs;
    return new Promise((resolve) => {
      const timer = this.#options.scheduler.setTimer(timeoutMs, () => {
        if (!this.#pending.delete(id)) return;
        resolve(fail(ErrorCode.SERVER_TIMEOUT, `${name}: no reply from the server within ${timeoutMs} ms`));
      });
      this.#pending.set(id, { name, resolve: resolve as (result: Result<unknown>) => void, timer });
      transport.send(JSON.stringify({ type: 'cmd', id, name, args }));
    });
  }

  /**
   * Sends `live.leave` for every live the user is in, and resolves once every reply is in.
   * `undefined` while not connected: there is nothing to send, nor to wait for.
   */
  leaveLives(): Promise<unknown> | undefined {
    if (!this.#ready) return;
    const joined = [...this.#options.replicas.values()].filter((replica) => replica.$joined.get());
    return Promise.all(joined.map((replica) => this.request('live.leave', { liveId: replica.liveId })));
  }

  // ── transport ───────────────────────────────────────────────────────────────────────────────

  /**
   * Opens a transport and waits for `welcome` (calling `onWelcome` synchronously on it) or for the
   * transport to close first. Resolves; never rejects.
   */
  #dial(onWelcome: (welcome: WelcomeMessage) => void): Promise<DialOutcome> {
    const connector = this.#connector;
    const { scheduler } = this.#options;
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
        scheduler.clearTimer(timer);
        resolve(outcome);
      };
      const cancel = (): void => settle({ code: CloseCode.NORMAL, reason: 'logged out' });
      this.#cancelDial = cancel;
      const timer = scheduler.setTimer(this.#options.requestTimeoutMs, () => {
        settle({
          code: CloseCode.HANDSHAKE_TIMEOUT,
          reason: 'no welcome from the server in time',
          timedOut: true,
        });
        if (this.#epoch === epoch) this.#dropTransport('handshake timeout');
      });
      try {
        this.#transport = connector({
          // Nothing the server sends escapes from here: a refused message or a failing handler
          // is reported, and the next message is handled as usual.
          onMessage: (text) =>
            this.#guard(() => {
              if (this.#epoch !== epoch) return;
              // Loaded by `open`, before any dial.
              const message = checks!.readServerMessage(text, (id) => this.#pending.get(id)?.name);
              if ('refused' in message) {
                // Reported; a refused reply to a request in flight fails it with SERVER_ERROR.
                const { error, id } = message;
                this.#options.report(error);
                if (id) this.#settle(id, fail(error.code, error.message));
                if (settled || message.refused !== 'welcome') return;
                settle({ code: 1002, reason: error.message });
                if (this.#epoch === epoch) this.#dropTransport(error.message);
              } else if (settled) {
                this.#onMessage(message);
              } else if (message.type === 'welcome') {
                this.#ready = true;
                this.#serverOffset = message.serverTime - Date.now();
                this.#connectedAt = scheduler.now();
                this.#guard(() => onWelcome(message));
                settle({ welcome: message });
              } else if (message.type === 'bye') {
                this.#bye = message.reason;
              }
            }),
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
        this.#options.report(error);
      }
    }
  }

  /** Resolves the request `id` with `result`, if it is still in flight. */
  #settle(id: string, result: Result<unknown>): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    this.#options.scheduler.clearTimer(pending.timer);
    pending.resolve(result);
  }

  #onMessage(message: ServerMessage): void {
    const { replicas } = this.#options;
    switch (message.type) {
      case 'reply': {
        const result = message.result;
        this.#settle(
          message.id,
          result.isSuccess ? ok(result.data) : fail(result.errorCode, result.errorMessage),
        );
        return;
      }
      case 'event':
        this.#guard(() => replicas.get(message.liveId)?.receive(message.seq, message.event));
        return;
      case 'batch':
        this.#guard(() => replicas.get(message.liveId)?.receiveBatch(message.events));
        return;
      case 'signal':
      case 'media':
        this.#onSignal(message);
        return;
      case 'bye':
        this.#bye = message.reason;
        return;
      case 'error':
        this.#options.report(new Error(`server error ${message.code}: ${message.message}`));
        return;
      default:
        return;
    }
  }

  #onSignal(message: SignalMessage | MediaMessage): void {
    const signal = message.type === 'signal';
    const listeners = this.#signalListeners.get(signal ? message.liveId : `sfu:${message.liveId}`);
    if (!listeners) return;
    for (const listener of [...listeners]) {
      this.#guard(() =>
        signal
          ? (listener as SignalListener)(message.from, message.data)
          : (listener as SfuListener)(message.data),
      );
    }
  }

  // ── login state and reconnect ───────────────────────────────────────────────────────────────

  /** The server welcomed the user: the lives (`hooks.lives`) and the login state change in one batch. */
  #welcomed(welcome: WelcomeMessage, resumed: boolean): void {
    this.mediaMode = welcome.media === 'sfu' ? 'sfu' : 'mesh';
    this.#batch(() => {
      this.#options.hooks.lives(resumed);
      this.$user.set(welcome.user);
      this.$loginStatus.set('loggedIn');
      this.$status.set('connected');
    });
  }

  /** Back to `loggedOut` (a failed login gives its close as `error`): the lives are forgotten in the same batch. */
  #idle(error: ConnectionError | null): void {
    this.#batch(() => {
      this.#options.hooks.lives(false);
      this.$user.set(null);
      if (error) this.$error.set(error);
      this.$loginStatus.set('loggedOut');
      this.$status.set('idle');
    });
  }

  #onConnectionLost(code: number, reason: string): void {
    this.#failPending('the connection to the server closed');
    this.#batch(() => this.$error.set({ code, reason }));
    const { reconnect, scheduler } = this.#options;
    if (reconnect && !this.#isTerminal(code)) {
      // Only a connection that held starts the backoff over: one closed soon after its welcome
      // waits longer each time.
      if (scheduler.now() - this.#connectedAt >= (reconnect.resetAfterMs ?? DEFAULT_RESET_AFTER_MS)) {
        this.#attempt = 0;
      }
      this.#batch(() => this.$status.set('reconnecting'));
      this.#scheduleReconnect();
    } else {
      this.#goOffline(code);
    }
  }

  #isTerminal(code: number): boolean {
    return TERMINAL_CODES.includes(code) || this.#bye === 'replaced' || this.#bye === 'tokenExpired';
  }

  #goOffline(code: number): void {
    this.#batch(() => this.$status.set('offline'));
    this.#options.hooks.offline(code, this.#bye);
  }

  #scheduleReconnect(): void {
    // Scheduled only after a close while `reconnect` is on.
    const delay = backoffDelay(this.#attempt++, this.#options.reconnect!);
    const { scheduler } = this.#options;
    scheduler.clearTimer(this.#reconnectTimer);
    this.#reconnectTimer = scheduler.setTimer(delay, () => {
      void this.#reconnectNow();
    });
  }

  async #reconnectNow(): Promise<void> {
    const connector = this.#connector;
    if (!connector || this.$status.get() !== 'reconnecting') return;
    const outcome = await this.#dial((welcome) => this.#welcomed(welcome, true));
    if ('welcome' in outcome || this.#connector !== connector) return;
    this.#batch(() => this.$error.set({ code: outcome.code, reason: outcome.reason }));
    if (this.#isTerminal(outcome.code)) this.#goOffline(outcome.code);
    else this.#scheduleReconnect();
  }

  #failPending(reason: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const item of pending) {
      this.#options.scheduler.clearTimer(item.timer);
      item.resolve(fail(ErrorCode.DISCONNECTED, reason));
    }
  }

  /** Updates stores as one batch; a throwing subscriber is reported, never propagated. */
  #batch(update: () => void): void {
    batchReported(this.#options.report, update);
  }

  #guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.#options.report(error);
    }
  }
}
