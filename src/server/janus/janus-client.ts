/**
 * A client of the Janus API over its WebSocket transport (subprotocol `janus-protocol`), for the
 * kit server only: browsers never speak to Janus.
 *
 * `JanusClient` is one socket; `JanusSession` a Janus session on it, kept alive by a `keepalive`
 * every 25 s; `JanusHandle` a plugin handle of a session. Every request is a transaction with a
 * timeout: it settles with Janus's answer, or rejects with a `JanusError` (Janus's or the plugin's
 * code and reason, a timeout, or the socket's close). Nothing waits forever.
 */
import { randomBytes } from 'node:crypto';
import { WebSocket, type RawData } from 'ws';
import { isJanusError, JanusError, JanusErrorCode } from './janus-error.js';
import {
  handleEvent,
  Listeners,
  type JanusHandleEventMap,
  type JanusMessage,
  type JanusPluginAnswer,
  type JanusSessionEventMap,
  type Jsep,
  type Listener,
} from './janus-events.js';

export { isJanusError, JanusError, JanusErrorCode, type JanusErrorKind } from './janus-error.js';
export type { JanusHandleEventMap, JanusPluginAnswer, JanusSessionEventMap, Jsep } from './janus-events.js';

/** The WebSocket subprotocol of the Janus API. */
export const JANUS_SUBPROTOCOL = 'janus-protocol';
/** How long a request waits for Janus's answer by default, in ms. */
export const DEFAULT_JANUS_TIMEOUT_MS = 10_000;
/** How often a session sends a keepalive by default, in ms (Janus's session timeout is 60 s). */
export const DEFAULT_JANUS_KEEPALIVE_MS = 25_000;
/** The largest message accepted from Janus (SDPs with many streams stay far below). */
const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** Why a client's socket closed. */
export interface JanusCloseInfo {
  code: number;
  reason: string;
}

export interface JanusClientOptions {
  /** A token signed with Janus's `token_auth_secret` (`createJanusToken`), or a function giving one per request. */
  token?: string | (() => string);
  /** Janus's `api_secret`, when it has one. */
  apiSecret?: string;
  /** How long connecting, and each request, may take. Default 10 000 ms. */
  timeoutMs?: number;
  /** Interval of the sessions' keepalives. Default 25 000 ms. */
  keepAliveMs?: number;
}

interface Pending {
  resolve: (message: JanusMessage) => void;
  reject: (error: JanusError) => void;
  timer: ReturnType<typeof setTimeout>;
  /** `ack` is the answer (keepalive, trickle); otherwise `success` or a plugin `event` is. */
  ackIsAnswer: boolean;
  request: string;
}

/** One WebSocket to one Janus instance. */
export class JanusClient {
  readonly url: string;
  readonly #socket: WebSocket;
  readonly #options: JanusClientOptions;
  readonly #timeoutMs: number;
  readonly #pending = new Map<string, Pending>();
  readonly #sessions = new Map<number, JanusSession>();
  readonly #closeListeners = new Set<(info: JanusCloseInfo) => void>();
  readonly #prefix = randomBytes(6).toString('base64url');
  #counter = 0;
  #closedByUs = false;
  #closed = false;

  /** Opens the socket; rejects with a `JanusError` (`closed` or `timeout`) when Janus does not accept it. */
  static connect(url: string, options: JanusClientOptions = {}): Promise<JanusClient> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_JANUS_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, JANUS_SUBPROTOCOL, {
        handshakeTimeout: timeoutMs,
        maxPayload: MAX_PAYLOAD_BYTES,
        perMessageDeflate: false,
      });
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new JanusError('timeout', 0, `no connection to ${url} within ${timeoutMs} ms`, 'connect'));
      }, timeoutMs);
      const fail = (reason: string) => {
        clearTimeout(timer);
        socket.terminate();
        reject(new JanusError('closed', 0, reason, 'connect'));
      };
      socket.once('error', (error) => fail(`cannot connect to ${url}: ${error.message}`));
      socket.once('open', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        if (socket.protocol !== JANUS_SUBPROTOCOL) {
          fail(`${url} did not accept the ${JANUS_SUBPROTOCOL} subprotocol`);
          return;
        }
        resolve(new JanusClient(url, socket, options));
      });
    });
  }

  private constructor(url: string, socket: WebSocket, options: JanusClientOptions) {
    this.url = url;
    this.#socket = socket;
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_JANUS_TIMEOUT_MS;
    socket.on('message', (data: RawData) => this.#receive(data));
    socket.on('error', () => {
      // 'close' follows and says what happened.
    });
    socket.on('close', (code, reason) => this.#onClose(code, reason.toString()));
  }

  /** Whether the socket is closed (by `close()` or because it dropped). */
  get closed(): boolean {
    return this.#closed;
  }

  /** The open sessions. */
  get sessions(): readonly JanusSession[] {
    return [...this.#sessions.values()];
  }

  /**
   * Calls `listener` once when the socket drops without `close()` (the instance died, the network
   * broke, a keepalive went unanswered). Returns the removal.
   */
  onClose(listener: (info: JanusCloseInfo) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Janus's `info` (version, plugins, transports). Needs no token. */
  async info(): Promise<Record<string, unknown>> {
    return await this.request({ janus: 'info' });
  }

  /** A new session, kept alive until `destroy()` or `close()`. */
  async createSession(): Promise<JanusSession> {
    const answer = await this.request({ janus: 'create' });
    const id = answer.data?.id;
    if (typeof id !== 'number')
      throw new JanusError('protocol', 0, 'create answered without a session id', 'create');
    const session = new JanusSession(this, id, this.#options.keepAliveMs ?? DEFAULT_JANUS_KEEPALIVE_MS);
    this.#sessions.set(id, session);
    return session;
  }

  /** Closes the socket; pending requests reject with `closed`; `onClose` listeners are not called. */
  close(): Promise<void> {
    this.#closedByUs = true;
    if (this.#socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.#socket.once('close', () => resolve());
      this.#socket.close(1000, 'closed by client');
      // A peer that does not answer the closing handshake is cut after the request timeout.
      setTimeout(() => this.#socket.terminate(), this.#timeoutMs).unref();
    });
  }

  /** Drops the socket at once (a keepalive went unanswered): `onClose` listeners are called. */
  terminate(): void {
    this.#socket.terminate();
  }

  /**
   * Sends one Janus API request and resolves with Janus's answer: `success`, a plugin `event` for
   * this transaction, or `ack` when `ackIsAnswer`. Rejects with a `JanusError`. Used by sessions
   * and handles; the token and API secret are added here.
   * @internal
   */
  request(body: Record<string, unknown>, ackIsAnswer = false): Promise<JanusMessage> {
    const request = describe(body);
    if (this.#closed || this.#socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new JanusError('closed', 0, 'the socket to Janus is closed', request));
    }
    const transaction = `${this.#prefix}-${++this.#counter}`;
    const message: Record<string, unknown> = { ...body, transaction };
    const token = typeof this.#options.token === 'function' ? this.#options.token() : this.#options.token;
    if (token !== undefined) message.token = token;
    if (this.#options.apiSecret !== undefined) message.apisecret = this.#options.apiSecret;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(transaction);
        reject(new JanusError('timeout', 0, `no answer within ${this.#timeoutMs} ms`, request));
      }, this.#timeoutMs);
      this.#pending.set(transaction, { resolve, reject, timer, ackIsAnswer, request });
      this.#socket.send(JSON.stringify(message), (error) => {
        if (!error) return;
        this.#settle(transaction)?.reject(new JanusError('closed', 0, error.message, request));
      });
    });
  }

  /** @internal */
  forgetSession(id: number): void {
    this.#sessions.delete(id);
  }

  #settle(transaction: string): Pending | undefined {
    const pending = this.#pending.get(transaction);
    if (!pending) return undefined;
    this.#pending.delete(transaction);
    clearTimeout(pending.timer);
    return pending;
  }

  #receive(data: RawData): void {
    let message: JanusMessage;
    try {
      message = JSON.parse(rawText(data)) as JanusMessage;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.janus !== 'string') return;
    const transaction = message.transaction;
    if (transaction !== undefined && this.#pending.has(transaction)) {
      const type = message.janus;
      const ackIsAnswer = this.#pending.get(transaction)?.ackIsAnswer;
      if (type === 'error') {
        const pending = this.#settle(transaction);
        const code = typeof message.error?.code === 'number' ? message.error.code : JanusErrorCode.UNKNOWN;
        pending?.reject(new JanusError('janus', code, message.error?.reason ?? 'error', pending.request));
        return;
      }
      if (
        type === 'success' ||
        type === 'server_info' ||
        type === 'event' ||
        (type === 'ack' && ackIsAnswer)
      ) {
        this.#settle(transaction)?.resolve(message);
        return;
      }
      if (type === 'ack') return;
    }
    if (typeof message.session_id === 'number') this.#sessions.get(message.session_id)?.dispatch(message);
  }

  #onClose(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const transaction of [...this.#pending.keys()]) {
      const pending = this.#settle(transaction);
      pending?.reject(
        new JanusError('closed', 0, `the socket closed (${code}) before the answer`, pending.request),
      );
    }
    for (const session of this.#sessions.values()) session.dispose();
    this.#sessions.clear();
    if (this.#closedByUs) return;
    for (const listener of [...this.#closeListeners]) {
      try {
        listener({ code, reason });
      } catch {
        // As for event listeners.
      }
    }
  }
}

/** A Janus session: a container of plugin handles, kept alive by keepalives. */
export class JanusSession {
  readonly id: number;
  readonly client: JanusClient;
  readonly #handles = new Map<number, JanusHandle>();
  readonly #listeners = new Listeners<JanusSessionEventMap>();
  #keepAlive: ReturnType<typeof setInterval> | undefined;
  #gone = false;

  /** @internal Made by `JanusClient.createSession()`. */
  constructor(client: JanusClient, id: number, keepAliveMs: number) {
    this.client = client;
    this.id = id;
    if (keepAliveMs > 0) this.#keepAlive = setInterval(() => this.#sendKeepAlive(), keepAliveMs);
  }

  /** Whether the session is destroyed, timed out or its socket closed. */
  get gone(): boolean {
    return this.#gone;
  }

  /** A new handle on `plugin` (`'janus.plugin.videoroom'`). */
  async attach(plugin: string): Promise<JanusHandle> {
    const answer = await this.client.request({ janus: 'attach', session_id: this.id, plugin });
    const id = answer.data?.id;
    if (typeof id !== 'number')
      throw new JanusError('protocol', 0, 'attach answered without a handle id', 'attach');
    const handle = new JanusHandle(this, id, plugin);
    this.#handles.set(id, handle);
    return handle;
  }

  /** Listens to `type` on every handle of the session (and to the session's `timeout`). Returns the removal. */
  on<K extends keyof JanusSessionEventMap>(type: K, listener: Listener<JanusSessionEventMap[K]>): () => void {
    return this.#listeners.on(type, listener);
  }

  /** Sends one keepalive now (the timer sends them on its own). */
  async keepAlive(): Promise<void> {
    await this.client.request({ janus: 'keepalive', session_id: this.id }, true);
  }

  /** Destroys the session at Janus (its handles go with it). */
  async destroy(): Promise<void> {
    if (this.#gone) return;
    try {
      await this.client.request({ janus: 'destroy', session_id: this.id });
    } finally {
      this.dispose();
    }
  }

  /** @internal */
  forgetHandle(id: number): void {
    this.#handles.delete(id);
  }

  /** @internal Stops the keepalive and forgets the session, without telling Janus. */
  dispose(): void {
    this.#gone = true;
    if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
    for (const handle of this.#handles.values()) handle.dispose();
    this.#handles.clear();
    this.client.forgetSession(this.id);
  }

  /** @internal An unsolicited message for this session or one of its handles. */
  dispatch(message: JanusMessage): void {
    if (message.janus === 'timeout') {
      this.#listeners.emit('timeout', {}, 0);
      this.dispose();
      return;
    }
    const handleId = typeof message.sender === 'number' ? message.sender : 0;
    const event = handleEvent(message);
    if (!event) return;
    const handle = this.#handles.get(handleId);
    handle?.emit(event.type, event.payload);
    this.#listeners.emit(event.type, event.payload, handleId);
    if (event.type === 'detached' && handle) handle.dispose();
  }

  #sendKeepAlive(): void {
    this.keepAlive().catch((error: unknown) => {
      if (!isJanusError(error)) return;
      if (error.kind === 'timeout') {
        // Janus is alive enough to hold the socket but does not answer: treat it as dead.
        this.client.terminate();
      } else if (error.code === JanusErrorCode.SESSION_NOT_FOUND) {
        this.#listeners.emit('timeout', {}, 0);
        this.dispose();
      }
    });
  }
}

/** A plugin handle: requests to the plugin, and the events of its PeerConnection. */
export class JanusHandle {
  readonly id: number;
  readonly plugin: string;
  readonly session: JanusSession;
  readonly #listeners = new Listeners<JanusHandleEventMap>();
  #detached = false;

  /** @internal Made by `JanusSession.attach()`. */
  constructor(session: JanusSession, id: number, plugin: string) {
    this.session = session;
    this.id = id;
    this.plugin = plugin;
  }

  /** Whether the handle is detached (or its session gone). */
  get detached(): boolean {
    return this.#detached;
  }

  /**
   * Sends `body` (and `jsep`) to the plugin; resolves with its answer: the synchronous one, or the
   * asynchronous `event` for this request, with its JSEP. Rejects with a `JanusError`: `plugin`
   * with the plugin's `error_code` and `error` when it refused, `janus` when the core did.
   */
  async message<T = Record<string, unknown>>(
    body: Record<string, unknown>,
    jsep?: Jsep,
  ): Promise<JanusPluginAnswer<T>> {
    const request: Record<string, unknown> = {
      janus: 'message',
      session_id: this.session.id,
      handle_id: this.id,
      body,
    };
    if (jsep) request.jsep = jsep;
    const answer = await this.session.client.request(request);
    const data = answer.plugindata?.data;
    const name = `message:${typeof body.request === 'string' ? body.request : '?'}`;
    if (typeof data !== 'object' || data === null) {
      throw new JanusError('protocol', 0, `${answer.janus} without plugin data`, name);
    }
    if (typeof data.error_code === 'number') {
      throw new JanusError(
        'plugin',
        data.error_code,
        typeof data.error === 'string' ? data.error : 'error',
        name,
      );
    }
    return answer.jsep ? { data: data as T, jsep: answer.jsep } : { data: data as T };
  }

  /** Trickles ICE candidates to Janus; `null` says gathering is complete. */
  async trickle(
    candidate: Record<string, unknown> | readonly Record<string, unknown>[] | null,
  ): Promise<void> {
    const request: Record<string, unknown> = {
      janus: 'trickle',
      session_id: this.session.id,
      handle_id: this.id,
    };
    if (candidate === null) request.candidate = { completed: true };
    else if (Array.isArray(candidate)) request.candidates = candidate;
    else request.candidate = candidate;
    await this.session.client.request(request, true);
  }

  /** Closes the handle's PeerConnection (the handle stays attached). */
  async hangup(): Promise<void> {
    await this.session.client.request({ janus: 'hangup', session_id: this.session.id, handle_id: this.id });
  }

  /** Detaches the handle (its PeerConnection closes, the plugin forgets it). */
  async detach(): Promise<void> {
    if (this.#detached) return;
    try {
      await this.session.client.request({ janus: 'detach', session_id: this.session.id, handle_id: this.id });
    } finally {
      this.dispose();
    }
  }

  /** Listens to `type` on this handle. Returns the removal. */
  on<K extends keyof JanusHandleEventMap>(
    type: K,
    listener: (payload: JanusHandleEventMap[K]) => void,
  ): () => void {
    return this.#listeners.on(type, listener);
  }

  /** @internal */
  emit<K extends keyof JanusHandleEventMap>(type: K, payload: JanusHandleEventMap[K]): void {
    this.#listeners.emit(type, payload, this.id);
  }

  /** @internal */
  dispose(): void {
    this.#detached = true;
    this.session.forgetHandle(this.id);
  }
}

/** `create`, `attach`, `message:join`, … for error messages. */
function describe(body: Record<string, unknown>): string {
  const type = typeof body.janus === 'string' ? body.janus : '?';
  const inner = body.body as { request?: unknown } | undefined;
  return type === 'message' && typeof inner?.request === 'string' ? `message:${inner.request}` : type;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
