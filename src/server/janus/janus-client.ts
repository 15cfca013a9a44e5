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

/** The WebSocket subprotocol of the Janus API. */
export const JANUS_SUBPROTOCOL = 'janus-protocol';
/** How long a request waits for Janus's answer by default, in ms. */
export const DEFAULT_JANUS_TIMEOUT_MS = 10_000;
/** How often a session sends a keepalive by default, in ms (Janus's session timeout is 60 s). */
export const DEFAULT_JANUS_KEEPALIVE_MS = 25_000;
/** The largest message accepted from Janus (SDPs with many streams stay far below). */
const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** Janus core error codes (Janus's `src/apierror.h`) that callers may want to tell apart. */
export const JanusErrorCode = {
  UNAUTHORIZED: 403,
  UNAUTHORIZED_PLUGIN: 405,
  UNKNOWN: 490,
  MISSING_REQUEST: 452,
  UNKNOWN_REQUEST: 453,
  INVALID_JSON: 454,
  MISSING_MANDATORY_ELEMENT: 456,
  SESSION_NOT_FOUND: 458,
  HANDLE_NOT_FOUND: 459,
  PLUGIN_NOT_FOUND: 460,
  PLUGIN_ATTACH: 461,
  PLUGIN_MESSAGE: 462,
  JSEP_INVALID_SDP: 465,
  WEBRTC_STATE: 471,
} as const;

/**
 * Where a `JanusError` comes from: Janus's core (`janus`, e.g. 403), the plugin's answer
 * (`plugin`, e.g. VideoRoom's 426 no such room), no answer in time (`timeout`), the socket closed
 * before the answer (`closed`), or an answer that is not what the Janus API says (`protocol`).
 */
export type JanusErrorKind = 'janus' | 'plugin' | 'timeout' | 'closed' | 'protocol';

/** A failed Janus request. `code` is Janus's or the plugin's code, 0 for the local kinds. */
export class JanusError extends Error {
  readonly kind: JanusErrorKind;
  readonly code: number;
  readonly reason: string;
  /** The request that failed (`create`, `attach`, `message:join`, …), or `''` when none. */
  readonly request: string;

  constructor(kind: JanusErrorKind, code: number, reason: string, request = '') {
    super(
      `Janus ${request ? `${request}: ` : ''}${kind === 'janus' || kind === 'plugin' ? `${code} ` : ''}${reason}`,
    );
    this.name = 'JanusError';
    this.kind = kind;
    this.code = code;
    this.reason = reason;
    this.request = request;
  }
}

/** Whether `error` is a `JanusError`, with `code` when given. */
export function isJanusError(error: unknown, code?: number): error is JanusError {
  return error instanceof JanusError && (code === undefined || error.code === code);
}

/** A WebRTC session description as Janus takes and gives it. */
export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  /** Ask Janus for simulcast handling when the offer does not say it (rarely needed). */
  simulcast?: unknown;
  /** End-to-end encryption (insertable streams) in use. */
  e2ee?: boolean;
}

/** What a plugin answered: its `plugindata.data`, and the JSEP that came with it. */
export interface JanusPluginAnswer<T = Record<string, unknown>> {
  data: T;
  jsep?: Jsep;
}

/** The events of a plugin handle, by Janus's name. */
export interface JanusHandleEventMap {
  /** A plugin event that answers no pending request (another user published, a kick, …). */
  event: { plugin: string; data: Record<string, unknown>; jsep?: Jsep };
  /** The handle's PeerConnection is up (ICE and DTLS done). */
  webrtcup: Record<string, never>;
  /** Janus started or stopped receiving a medium on the handle. */
  media: { type: string; mid?: string; receiving: boolean };
  /** The PeerConnection is gone (`reason`, e.g. `'DTLS alert'`, `'Close PC'`). */
  hangup: { reason: string };
  /** Packets lost in the last second crossed Janus's threshold. */
  slowlink: { uplink: boolean; lost: number; mid?: string; media?: string };
  /** The handle is detached. */
  detached: Record<string, never>;
}

/** The events of a session: every event of its handles (with the handle id), and its timeout. */
export interface JanusSessionEventMap extends JanusHandleEventMap {
  /** Janus dropped the session (no keepalive in time); its handles are gone. */
  timeout: Record<string, never>;
}

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

/** A message from Janus, as far as this client reads it. */
interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number };
  error?: { code?: number; reason?: string };
  plugindata?: { plugin?: string; data?: Record<string, unknown> };
  jsep?: Jsep;
  [field: string]: unknown;
}

interface Pending {
  resolve: (message: JanusMessage) => void;
  reject: (error: JanusError) => void;
  timer: ReturnType<typeof setTimeout>;
  /** `ack` is the answer (keepalive, trickle); otherwise `success` or a plugin `event` is. */
  ackIsAnswer: boolean;
  request: string;
}

type Listener<Payload> = (payload: Payload, handleId: number) => void;

/** Listeners by event name; each `on` returns its own removal. */
class Listeners<Events> {
  readonly #byType = new Map<keyof Events, Set<Listener<never>>>();

  on<K extends keyof Events>(type: K, listener: Listener<Events[K]>): () => void {
    let set = this.#byType.get(type);
    if (!set) this.#byType.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof Events>(type: K, payload: Events[K], handleId: number): void {
    for (const listener of [...(this.#byType.get(type) ?? [])]) {
      try {
        (listener as Listener<Events[K]>)(payload, handleId);
      } catch {
        // A listener's failure is its own; the others still hear the event.
      }
    }
  }
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

type HandleEvent = {
  [K in keyof JanusHandleEventMap]: { type: K; payload: JanusHandleEventMap[K] };
}[keyof JanusHandleEventMap];

/** The handle event a Janus message is, or `null`. */
function handleEvent(message: JanusMessage): HandleEvent | null {
  switch (message.janus) {
    case 'event': {
      const data = message.plugindata?.data;
      if (typeof data !== 'object' || data === null) return null;
      const payload: JanusHandleEventMap['event'] = { plugin: message.plugindata?.plugin ?? '', data };
      if (message.jsep) payload.jsep = message.jsep;
      return { type: 'event', payload };
    }
    case 'webrtcup':
      return { type: 'webrtcup', payload: {} };
    case 'media': {
      const payload: JanusHandleEventMap['media'] = {
        type: String(message.type),
        receiving: message.receiving === true,
      };
      if (typeof message.mid === 'string') payload.mid = message.mid;
      return { type: 'media', payload };
    }
    case 'hangup':
      return {
        type: 'hangup',
        payload: { reason: typeof message.reason === 'string' ? message.reason : '' },
      };
    case 'slowlink': {
      const payload: JanusHandleEventMap['slowlink'] = {
        uplink: message.uplink === true,
        lost: typeof message.lost === 'number' ? message.lost : 0,
      };
      if (typeof message.mid === 'string') payload.mid = message.mid;
      if (typeof message.media === 'string') payload.media = message.media;
      return { type: 'slowlink', payload };
    }
    case 'detached':
      return { type: 'detached', payload: {} };
    default:
      return null;
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
