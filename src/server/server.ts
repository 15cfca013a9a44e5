/**
 * The Node signaling server: one HTTP server with the WebSocket endpoint (`/ws`), `/healthz`, in
 * dev mode a token route, and optionally the static files of a folder (`staticDir`). It checks the
 * `Origin` of each upgrade, authenticates each socket with a signed token, enforces the transport
 * limits (message size, rate, connections, heartbeat) and hands the rest to the hub.
 *
 * See `docs/protocol.md` for the wire protocol, close codes and limits, and `docs/deployment.md`
 * for running it.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Scheduler } from '../engine/scheduler.js';
import type { RoomLimits } from '../engine/types.js';
import { createHub, type Hub, type HubConnection, type HubOptions, type HubPeer } from '../hub/hub.js';
import { CloseCode, ErrorCode } from '../protocol/errors.js';
import {
  ID_PATTERN,
  type ByeMessage,
  type ProtocolLimits,
  type ServerMessage,
} from '../protocol/messages.js';
import { PROTOCOL_VERSION } from '../protocol/version.js';
import { createOriginCheck, normalizeOrigin } from './origin.js';
import { createStaticFiles, type StaticFiles } from './static.js';
import { createToken, verifyToken } from './token.js';

/** Where the server reports what it does. Default: silent. */
export interface ServerLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** Options of `createServer`. Every one is optional except `secret` outside dev mode. */
export interface ServerOptions {
  /** TCP port. Default 8787; `0` picks a free port (read it from `handle.port`). */
  port?: number;
  /** Interface to bind. Default `'127.0.0.1'` (loopback only); set `'0.0.0.0'` to serve a LAN. */
  host?: string;
  /** HS256 secret that signs user tokens. Required unless `dev`; dev mode without it uses a random per-process secret. */
  secret?: string;
  /** Dev mode: enables `GET /dev/token`, which mints a token for anyone. For local use only. Default `false`. */
  dev?: boolean;
  /**
   * Origins whose pages may open a WebSocket, e.g. `['https://app.example.com']` (scheme, host and
   * port; `'null'` for sandboxed or `file:` pages; `'*'` for any, which turns the check off). A
   * browser handshake from another origin is refused with HTTP 403. Requests without `Origin`
   * (clients that are not browsers) and from the server's own origin (its `Host`: pages served from
   * `staticDir`) are always allowed. Default `[]`: those two plus any loopback origin
   * (`http://localhost:5173`, `http://127.0.0.1:…`: pages on the visitor's own machine); a list
   * replaces the loopback default. See docs/decisions/0014.
   */
  allowedOrigins?: readonly string[];
  /**
   * A folder whose files the server answers for every path other than `/ws`, `/healthz` and
   * `/dev/token` (`GET`/`HEAD`; `/` and folders give their `index.html`; no path leaves the folder).
   * Must exist. Default: none (other paths are 404).
   */
  staticDir?: string;
  /** Largest accepted message in bytes (ws `maxPayload`); a larger one closes the socket with 1009. Default 16,384. */
  maxMessageBytes?: number;
  /**
   * Messages per second per connection: a token bucket refilled at this rate with a burst of twice
   * it. Commands over the budget get a `RATE_LIMITED` reply; more than five times the rate within
   * one second closes the socket with 4008. Default 20.
   */
  messagesPerSecond?: number;
  /**
   * `media.signal` commands per second per connection, counted apart from every other message: a
   * token bucket refilled at this rate with a burst of six times it (trickle ICE sends an SDP and
   * several candidates per peer connection, for up to two dozen connections when a member joins).
   * Signals over the budget get a `RATE_LIMITED` reply; more than twelve times the rate within one
   * second closes the socket with 4008. Default 50 (burst 300).
   */
  signalsPerSecond?: number;
  /** Open sockets (authenticated or not) above which new upgrades are refused with HTTP 503. Default 10,000. */
  maxConnections?: number;
  /** Time for the client to send `hello` after the socket opens; else close 4003. Default 5,000 ms. */
  handshakeTimeoutMs?: number;
  /** Interval of WebSocket pings; a client that has not answered the previous ping by the next tick is dropped. Default 15,000 ms. */
  heartbeatIntervalMs?: number;
  /** How long `close()` waits for clients to answer the close handshake before cutting them. Default 2,000 ms. */
  closeTimeoutMs?: number;
  /** Limits of each room (members, pending applications, grace). Defaults: `DEFAULT_ROOM_LIMITS`. */
  roomLimits?: Partial<RoomLimits>;
  /** Limits on strings in commands. Defaults: `DEFAULT_PROTOCOL_LIMITS`. */
  protocolLimits?: Partial<ProtocolLimits>;
  /** Events kept per room for resume. Default 512. */
  replayBufferSize?: number;
  /** How a large room's events are coalesced (see `HubOptions.fanOut`). Defaults: `DEFAULT_FAN_OUT`. */
  fanOut?: HubOptions['fanOut'];
  /** The clock and timers of the rooms. Default `realScheduler`. Transport timers always use real time. */
  scheduler?: Scheduler;
  /** Turns server messages into text (see `HubOptions.serialize`). Default `JSON.stringify`. */
  serialize?: (message: ServerMessage) => string;
  /** Receives one line per notable event (start, refusals, errors). Default: silent. */
  logger?: ServerLogger;
}

/** A running server. */
export interface ServerHandle {
  /** The WebSocket endpoint, e.g. `ws://127.0.0.1:8787/ws`. */
  readonly url: string;
  /** The HTTP base URL, e.g. `http://127.0.0.1:8787`. */
  readonly httpUrl: string;
  readonly port: number;
  readonly host: string;
  /** Whether dev mode (the token route) is on. */
  readonly dev: boolean;
  /** The folder of static files (its real path), or `null` without `staticDir`. */
  readonly staticDir: string | null;
  /** The origins allowed besides the defaults (`allowedOrigins`, normalized). */
  readonly allowedOrigins: readonly string[];
  readonly hub: Hub;
  /**
   * Graceful shutdown: every live ends (`endedByServer`), every client gets `bye {reason:'shutdown'}`
   * and close 1001, timers stop and the HTTP server closes. Safe to call twice.
   */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_MESSAGE_BYTES = 16_384;
export const DEFAULT_MESSAGES_PER_SECOND = 20;
export const DEFAULT_SIGNALS_PER_SECOND = 50;
export const DEFAULT_MAX_CONNECTIONS = 10_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
export const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;
/** `ws` send options of a text frame whose payload is given as UTF-8 bytes. */
const TEXT_FRAME = { binary: false } as const;
/** Messages a client may send while its token is being checked. */
const MAX_EARLY_MESSAGES = 16;
/** Longest delay `setTimeout` accepts. */
const MAX_TIMER_MS = 2_147_483_647;

function quiet(): void {
  // The default logger says nothing.
}

const silent: ServerLogger = { info: quiet, warn: quiet };

type Phase = 'handshake' | 'verifying' | 'open' | 'closing';

/**
 * One socket, as the server sees it. It is also the hub's peer for this socket (`send`, `close`):
 * the methods are shared by every client, and so are the handlers of the socket's events (see
 * `ClientSocket`), so that a member costs the server this object and no closures.
 */
interface Client extends HubPeer {
  readonly ws: WebSocket;
  /** The TCP socket, for the remote address in log lines. */
  readonly socket: Socket;
  phase: Phase;
  hubConnection: HubConnection | null;
  userId: string | null;
  alive: boolean;
  handshakeTimer: ReturnType<typeof setTimeout> | null;
  /** The timer of the token's end, armed once that end is near (see `scheduleExpiry`). */
  expiryTimer: ReturnType<typeof setTimeout> | null;
  /** When the token ends (ms since the epoch); `Infinity` before the handshake. */
  expiresAt: number;
  /** Messages that arrived while the token was being verified (made on the first one). */
  early: string[] | null;
  /**
   * Every message but `media.signal`: made on the first one, dropped again by the heartbeat once
   * full (see `rest`), so an idle member holds no budget.
   */
  messages: Budget | null;
  /** `media.signal` commands: made on the first one, dropped like `messages`. */
  signals: Budget | null;
}

/** `address:port` of the client's socket, for log lines. */
function remoteOf(client: Client): string {
  return `${client.socket.remoteAddress ?? '?'}:${client.socket.remotePort ?? '?'}`;
}

/** The `error` listener of an upgrading socket (a shared function: no closure keeps the request). */
function destroySocket(this: Duplex): void {
  this.destroy();
}

/** A token bucket and the one-second window of the flood check. */
interface Budget {
  tokens: number;
  refilledAt: number;
  windowStart: number;
  windowCount: number;
}

function budget(burst: number, now: number): Budget {
  return { tokens: burst, refilledAt: now, windowStart: now, windowCount: 0 };
}

/**
 * Whether a budget is back to its fresh state at `now`: refilled to `burst` and out of its flood
 * window. Such a budget and `budget(burst, later)` answer every later message the same way (the
 * window restarts and the bucket is capped at `burst` either way), so the heartbeat drops it.
 */
function rested(bucket: Budget, now: number, burst: number, rate: number): boolean {
  return (
    now - bucket.windowStart >= 1000 && bucket.tokens + ((now - bucket.refilledAt) / 1000) * rate >= burst
  );
}

/**
 * Whether `text` is a `media.signal` command, which has its own budget. Parsed for real, so that no
 * other message can borrow that budget by mentioning the name.
 */
function isSignal(text: string): boolean {
  if (!text.includes('media.signal')) return false;
  try {
    const raw: unknown = JSON.parse(text);
    return (
      typeof raw === 'object' &&
      raw !== null &&
      (raw as { type?: unknown }).type === 'cmd' &&
      (raw as { name?: unknown }).name === 'media.signal'
    );
  } catch {
    return false;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`createServer: ${name} must be a positive number`);
  }
  return value;
}

/** Shortens a close reason to the 123 bytes a close frame allows. */
function reasonText(reason: string): string {
  let text = reason;
  while (Buffer.byteLength(text) > 123) text = text.slice(0, -1);
  return text;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Starts a server. Resolves once it listens. */
export async function createServer(options: ServerOptions = {}): Promise<ServerHandle> {
  const dev = options.dev === true;
  if (!dev && (typeof options.secret !== 'string' || options.secret === '')) {
    throw new TypeError(
      'createServer: a secret is required (set options.secret, or use dev mode for local tests)',
    );
  }
  const secret =
    options.secret !== undefined && options.secret !== ''
      ? options.secret
      : randomBytes(32).toString('base64url');
  const logger = options.logger ?? silent;
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError('createServer: port must be an integer in 0..65535');
  }
  const maxMessageBytes = Math.floor(
    positive(options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, 'maxMessageBytes'),
  );
  const messagesPerSecond = positive(
    options.messagesPerSecond,
    DEFAULT_MESSAGES_PER_SECOND,
    'messagesPerSecond',
  );
  const signalsPerSecond = positive(options.signalsPerSecond, DEFAULT_SIGNALS_PER_SECOND, 'signalsPerSecond');
  const maxConnections = Math.floor(
    positive(options.maxConnections, DEFAULT_MAX_CONNECTIONS, 'maxConnections'),
  );
  const handshakeTimeoutMs = positive(
    options.handshakeTimeoutMs,
    DEFAULT_HANDSHAKE_TIMEOUT_MS,
    'handshakeTimeoutMs',
  );
  const heartbeatIntervalMs = positive(
    options.heartbeatIntervalMs,
    DEFAULT_HEARTBEAT_INTERVAL_MS,
    'heartbeatIntervalMs',
  );
  const closeTimeoutMs = positive(options.closeTimeoutMs, DEFAULT_CLOSE_TIMEOUT_MS, 'closeTimeoutMs');
  const burst = messagesPerSecond * 2;
  const abuseLimit = messagesPerSecond * 5;
  const signalBurst = signalsPerSecond * 6;
  const signalAbuseLimit = signalsPerSecond * 12;
  const serialize = options.serialize ?? ((message: ServerMessage) => JSON.stringify(message));
  const allowedOrigins: string[] = [];
  for (const origin of options.allowedOrigins ?? []) {
    const normalized = normalizeOrigin(origin);
    if (normalized === null) {
      throw new TypeError(
        `createServer: allowedOrigins has ${JSON.stringify(origin)}; write an origin like https://app.example.com`,
      );
    }
    allowedOrigins.push(normalized);
  }
  const originAllowed = createOriginCheck(allowedOrigins);
  const staticFiles: StaticFiles | null =
    options.staticDir === undefined ? null : await createStaticFiles(options.staticDir);

  const hubOptions: HubOptions = {
    serialize,
    onError: (error) =>
      logger.warn(`hub error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  };
  if (options.scheduler) hubOptions.scheduler = options.scheduler;
  if (options.roomLimits) hubOptions.roomLimits = options.roomLimits;
  if (options.protocolLimits) hubOptions.protocolLimits = options.protocolLimits;
  if (options.replayBufferSize !== undefined) hubOptions.replayBufferSize = options.replayBufferSize;
  if (options.fanOut) hubOptions.fanOut = options.fanOut;
  const hub = createHub(hubOptions);

  // The hub hands the same string to every recipient of a broadcast: it is encoded to UTF-8 once
  // and the same bytes go to each socket (ws frames a Buffer without copying it).
  let lastText: string | null = null;
  let lastBytes: Buffer = Buffer.alloc(0);
  function bytesOf(text: string): Buffer {
    if (text !== lastText) {
      lastText = text;
      lastBytes = Buffer.from(text, 'utf8');
    }
    return lastBytes;
  }

  /** Every open socket's client, by socket. */
  const clients = new Map<WebSocket, Client>();
  let closing: Promise<void> | null = null;
  /** Called by `release` when the last client is gone (used by `close()`). */
  let whenEmpty: (() => void) | null = null;

  // ── closing one client ──────────────────────────────────────────────────────────────────────

  function clearTimers(client: Client): void {
    if (client.handshakeTimer) clearTimeout(client.handshakeTimer);
    if (client.expiryTimer) clearTimeout(client.expiryTimer);
    client.handshakeTimer = null;
    client.expiryTimer = null;
  }

  function closeClient(client: Client, code: number, reason: string): void {
    if (client.phase === 'closing') return;
    client.phase = 'closing';
    clearTimers(client);
    try {
      client.ws.close(code, reasonText(reason));
    } catch {
      client.ws.terminate();
    }
  }

  function sendBye(client: Client, bye: ByeMessage): void {
    try {
      if (client.ws.readyState === client.ws.OPEN) client.ws.send(serialize(bye));
    } catch {
      // The socket is going away anyway.
    }
  }

  /** Called once per client when its socket is gone (or declared dead). */
  function release(client: Client): void {
    if (!clients.delete(client.ws)) return;
    clearTimers(client);
    client.phase = 'closing';
    const connection = client.hubConnection;
    client.hubConnection = null;
    if (connection) {
      logger.info(`user ${client.userId ?? '?'} disconnected`);
      try {
        connection.disconnected();
      } catch (error) {
        logger.warn(`disconnect failed: ${String(error)}`);
      }
    }
    if (clients.size === 0) whenEmpty?.();
  }

  function fault(client: Client, error: unknown): void {
    logger.warn(
      `connection ${remoteOf(client)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    closeClient(client, CloseCode.INTERNAL, 'internal server error');
  }

  // ── rate limiting ───────────────────────────────────────────────────────────────────────────

  /** `'ok'`, `'limited'` (refuse this message) or `'abuse'` (close). */
  function admit(client: Client, text: string): 'ok' | 'limited' | 'abuse' {
    const now = performance.now();
    const signal = isSignal(text);
    const bucket = signal
      ? (client.signals ??= budget(signalBurst, now))
      : (client.messages ??= budget(burst, now));
    const rate = signal ? signalsPerSecond : messagesPerSecond;
    if (now - bucket.windowStart >= 1000) {
      bucket.windowStart = now;
      bucket.windowCount = 0;
    }
    bucket.windowCount++;
    if (bucket.windowCount > (signal ? signalAbuseLimit : abuseLimit)) return 'abuse';
    bucket.tokens = Math.min(
      signal ? signalBurst : burst,
      bucket.tokens + ((now - bucket.refilledAt) / 1000) * rate,
    );
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return 'limited';
    bucket.tokens -= 1;
    return 'ok';
  }

  /** Drops the budgets that are as good as fresh (called by the heartbeat, which visits every client). */
  function rest(client: Client, now: number): void {
    if (client.messages && rested(client.messages, now, burst, messagesPerSecond)) client.messages = null;
    if (client.signals && rested(client.signals, now, signalBurst, signalsPerSecond)) client.signals = null;
  }

  function refuseRateLimited(client: Client, text: string): void {
    let id: string | null = null;
    try {
      const raw: unknown = JSON.parse(text);
      const rawId = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
      if (typeof rawId === 'string' && rawId.length > 0 && rawId.length <= 64) id = rawId;
    } catch {
      // No id to answer to.
    }
    const message = isSignal(text)
      ? `more than ${signalsPerSecond} signals per second; slow down`
      : `more than ${messagesPerSecond} messages per second; slow down`;
    const reply: ServerMessage =
      id === null
        ? { type: 'error', code: ErrorCode.RATE_LIMITED, message }
        : {
            type: 'reply',
            id,
            result: { isSuccess: false, errorCode: ErrorCode.RATE_LIMITED, errorMessage: message },
          };
    if (client.ws.readyState === client.ws.OPEN) client.ws.send(serialize(reply));
  }

  // ── handshake ───────────────────────────────────────────────────────────────────────────────

  async function handshake(client: Client, text: string): Promise<void> {
    client.phase = 'verifying';
    if (client.handshakeTimer) clearTimeout(client.handshakeTimer);
    client.handshakeTimer = null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = null;
    }
    if (typeof raw !== 'object' || raw === null || (raw as { type?: unknown }).type !== 'hello') {
      logger.warn(`refused ${remoteOf(client)}: first message is not hello`);
      closeClient(
        client,
        CloseCode.BAD_HANDSHAKE,
        'bad handshake: the first message must be {"type":"hello"}',
      );
      return;
    }
    const hello = raw as { protocol?: unknown; token?: unknown };
    if (hello.protocol !== PROTOCOL_VERSION) {
      logger.warn(`refused ${remoteOf(client)}: protocol ${String(hello.protocol)}`);
      closeClient(
        client,
        CloseCode.UNSUPPORTED_PROTOCOL,
        `unsupported protocol ${String(hello.protocol).slice(0, 16)}; this server speaks ${PROTOCOL_VERSION}`,
      );
      return;
    }
    const verified = await verifyToken(hello.token, secret);
    if (client.phase !== 'verifying') return;
    if (!verified.isSuccess) {
      logger.warn(`refused ${remoteOf(client)}: ${verified.errorMessage}`);
      if (verified.reason === 'expired') {
        closeClient(client, CloseCode.TOKEN_EXPIRED, 'token expired: get a new token and reconnect');
      } else {
        closeClient(client, CloseCode.UNAUTHORIZED, `unauthorized: ${verified.errorMessage}`);
      }
      return;
    }
    const { user, expiresAt } = verified.data;
    client.phase = 'open';
    client.userId = user.userId;
    client.hubConnection = hub.connect(user, client);
    // Only for a logger that listens: asking a socket for its remote address makes Node keep it on
    // the socket (some 80 bytes per member), a cost a line that nobody reads need not have.
    if (logger !== silent) logger.info(`user ${user.userId} connected from ${remoteOf(client)}`);
    client.expiresAt = expiresAt;
    scheduleExpiry(client);
    const early = client.early ?? [];
    client.early = null;
    for (const message of early) {
      if (client.phase !== 'open' || !client.hubConnection) break;
      client.hubConnection.receive(message);
    }
  }

  /**
   * Arms the exact timer of the token's end once it is within two heartbeat intervals; until then
   * the heartbeat's tick, which visits every client anyway, calls this again. A member with a
   * long-lived token costs no timer.
   */
  function scheduleExpiry(client: Client): void {
    if (client.expiryTimer !== null || client.phase !== 'open') return;
    if (client.expiresAt - Date.now() <= 2 * heartbeatIntervalMs) armExpiry(client, client.expiresAt);
  }

  function armExpiry(client: Client, expiresAt: number): void {
    const delay = expiresAt - Date.now();
    if (delay <= 0) {
      expire(client);
      return;
    }
    client.expiryTimer = setTimeout(
      () => {
        client.expiryTimer = null;
        if (client.phase !== 'open') return;
        if (Date.now() >= expiresAt) expire(client);
        else armExpiry(client, expiresAt);
      },
      Math.min(delay, MAX_TIMER_MS),
    );
    client.expiryTimer.unref();
  }

  function expire(client: Client): void {
    logger.info(`token of ${client.userId ?? '?'} expired`);
    sendBye(client, {
      type: 'bye',
      reason: 'tokenExpired',
      message: 'your token expired; get a new one and reconnect',
    });
    closeClient(client, CloseCode.TOKEN_EXPIRED, 'token expired');
  }

  // ── one socket ──────────────────────────────────────────────────────────────────────────────

  function onMessage(client: Client, data: RawData, isBinary: boolean): void {
    if (client.phase === 'closing') return;
    client.alive = true;
    if (isBinary) {
      closeClient(client, CloseCode.UNSUPPORTED_DATA, 'binary frames are not supported; send JSON text');
      return;
    }
    const text = rawText(data);
    const admitted = admit(client, text);
    if (admitted === 'abuse') {
      logger.warn(`closing ${remoteOf(client)}: message flood`);
      closeClient(client, CloseCode.RATE_LIMITED, 'rate limit exceeded');
      return;
    }
    if (admitted === 'limited') {
      refuseRateLimited(client, text);
      return;
    }
    switch (client.phase) {
      case 'handshake':
        handshake(client, text).catch((error: unknown) => fault(client, error));
        return;
      case 'verifying':
        client.early ??= [];
        if (client.early.length >= MAX_EARLY_MESSAGES) {
          closeClient(client, CloseCode.POLICY, 'too many messages before welcome');
          return;
        }
        client.early.push(text);
        return;
      case 'open':
        client.hubConnection?.receive(text);
        return;
    }
  }

  function onConnection(ws: WebSocket, request: IncomingMessage): void {
    const client: Client = {
      ws,
      socket: request.socket,
      send: peerSend,
      close: peerClose,
      phase: 'handshake',
      hubConnection: null,
      userId: null,
      alive: true,
      handshakeTimer: null,
      expiryTimer: null,
      expiresAt: Number.POSITIVE_INFINITY,
      early: null,
      messages: null,
      signals: null,
    };
    clients.set(ws, client);
    client.handshakeTimer = setTimeout(() => {
      client.handshakeTimer = null;
      if (client.phase === 'handshake') {
        closeClient(client, CloseCode.HANDSHAKE_TIMEOUT, `no hello within ${handshakeTimeoutMs} ms`);
      }
    }, handshakeTimeoutMs);
    client.handshakeTimer.unref();
    if (closing) closeClient(client, CloseCode.GOING_AWAY, 'server shutting down');
  }

  // The handlers of every socket's events and the hub-peer methods of every client, shared.

  function onSocketError(ws: WebSocket, error: Error): void {
    const client = clients.get(ws);
    logger.warn(`socket ${client ? remoteOf(client) : '?'}: ${error.message}`);
  }

  function onSocketClose(ws: WebSocket): void {
    const client = clients.get(ws);
    if (client) release(client);
  }

  function onSocketPong(ws: WebSocket): void {
    const client = clients.get(ws);
    if (client) client.alive = true;
  }

  function onSocketMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const client = clients.get(ws);
    if (!client) return;
    try {
      onMessage(client, data, isBinary);
    } catch (error) {
      fault(client, error);
    }
  }

  /**
   * The sockets of this server. `ws` reports a socket's events through `emit`; this class hands the
   * four the server handles straight to the handlers above instead of registering four listeners
   * on each socket: an `EventEmitter` with four listeners grows its table of events (some 100 bytes
   * per member). Every other event, and every listener that someone adds, still goes through
   * `EventEmitter` (an `error` without a listener does not throw: the server handles it).
   */
  class ClientSocket extends WebSocket {
    override emit(event: string | symbol, ...args: unknown[]): boolean {
      switch (event) {
        case 'message':
          onSocketMessage(this, args[0] as RawData, args[1] === true);
          break;
        case 'pong':
          onSocketPong(this);
          break;
        case 'close':
          onSocketClose(this);
          break;
        case 'error':
          onSocketError(this, args[0] as Error);
          break;
        default:
          return super.emit(event, ...args);
      }
      if (this.listenerCount(event) > 0) super.emit(event, ...args);
      return true;
    }
  }

  function peerSend(this: Client, text: string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(bytesOf(text), TEXT_FRAME);
  }

  function peerClose(this: Client, code: number, reason: string): void {
    closeClient(this, code, reason);
  }

  // ── HTTP ────────────────────────────────────────────────────────────────────────────────────

  async function devToken(url: URL, res: ServerResponse): Promise<void> {
    const userId = url.searchParams.get('userId') ?? '';
    if (!ID_PATTERN.test(userId)) {
      json(res, 400, { error: 'userId must be 1..64 characters of A-Z a-z 0-9 _ . @ -' });
      return;
    }
    const userName = url.searchParams.get('userName') ?? userId;
    const avatarUrl = url.searchParams.get('avatarUrl') ?? '';
    let token: string;
    try {
      token = await createToken({ secret, userId, userName, avatarUrl });
    } catch (error) {
      json(res, 400, {
        error: error instanceof Error ? error.message.replace(/^createToken: /, '') : 'invalid request',
      });
      return;
    }
    json(res, 200, { token });
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route =
      url.pathname === '/healthz'
        ? 'health'
        : dev && url.pathname === '/dev/token'
          ? 'token'
          : staticFiles !== null && url.pathname !== '/ws'
            ? 'static'
            : null;
    if (route === null) {
      json(res, 404, { error: 'not found' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      json(res, 405, { error: 'method not allowed' });
      return;
    }
    if (route === 'health') {
      json(res, 200, {
        status: closing ? 'closing' : 'ok',
        lives: hub.liveCount,
        connections: hub.connectionCount,
      });
      return;
    }
    if (route === 'static') {
      if (!(await staticFiles?.serve(req, res))) json(res, 404, { error: 'not found' });
      return;
    }
    await devToken(url, res);
  }

  function refuseUpgrade(socket: Duplex, status: number, message: string): void {
    const body = JSON.stringify({ error: message });
    socket.end(
      `HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    socket.destroy();
  }

  const wss = new WebSocketServer({
    WebSocket: ClientSocket,
    noServer: true,
    maxPayload: maxMessageBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  wss.on('error', (error) => logger.warn(`websocket server: ${error.message}`));
  wss.on('wsClientError', (error, socket) => {
    logger.warn(`bad websocket upgrade: ${error.message}`);
    socket.destroy();
  });

  const http = createHttpServer((req, res) => {
    onRequest(req, res).catch((error: unknown) => {
      logger.warn(`request ${req.url ?? ''} failed: ${String(error)}`);
      if (!res.headersSent) json(res, 500, { error: 'internal server error' });
      else res.destroy();
    });
  });
  http.on('clientError', (_error, socket) => socket.destroy());
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroySocket);
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== '/ws') {
        refuseUpgrade(socket, 404, 'Not Found');
        return;
      }
      const origin = req.headers.origin;
      if (!originAllowed(origin, req.headers.host)) {
        logger.warn(`refused upgrade: origin ${JSON.stringify(origin)} is not allowed`);
        refuseUpgrade(socket, 403, 'Forbidden');
        return;
      }
      if (closing) {
        refuseUpgrade(socket, 503, 'Service Unavailable');
        return;
      }
      if (clients.size >= maxConnections) {
        logger.warn(`refused upgrade: ${maxConnections} connections already open`);
        refuseUpgrade(socket, 503, 'Service Unavailable');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          onConnection(ws, req);
        } catch (error) {
          logger.warn(`connection setup failed: ${String(error)}`);
          ws.terminate();
        }
      });
    } catch (error) {
      logger.warn(`upgrade failed: ${String(error)}`);
      socket.destroy();
    }
  });

  const heartbeat = setInterval(() => {
    const now = performance.now();
    for (const client of [...clients.values()]) {
      if (!client.alive) {
        logger.info(`dropping ${remoteOf(client)}: missed heartbeat`);
        try {
          client.ws.terminate();
        } finally {
          release(client);
        }
        continue;
      }
      client.alive = false;
      try {
        client.ws.ping();
      } catch {
        // A broken socket is dropped at the next tick.
      }
      scheduleExpiry(client);
      rest(client, now);
    }
  }, heartbeatIntervalMs);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      clearInterval(heartbeat);
      reject(error);
    };
    http.once('error', onError);
    http.listen(port, host, () => {
      http.off('error', onError);
      http.on('error', (error) => logger.warn(`http server: ${error.message}`));
      resolve();
    });
  });

  const address = http.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const httpUrl = `http://${urlHost}:${address.port}`;
  const url = `ws://${urlHost}:${address.port}/ws`;
  logger.info(`listening on ${url}${dev ? ' (dev mode)' : ''}`);

  async function shutdown(): Promise<void> {
    clearInterval(heartbeat);
    hub.shutdown('the server is shutting down');
    for (const client of clients.values()) {
      if (client.phase !== 'closing') closeClient(client, CloseCode.GOING_AWAY, 'server shutting down');
    }
    if (clients.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          whenEmpty = null;
          resolve();
        }, closeTimeoutMs);
        whenEmpty = () => {
          clearTimeout(timer);
          whenEmpty = null;
          resolve();
        };
      });
    }
    for (const client of [...clients.values()]) {
      client.ws.terminate();
      release(client);
    }
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
    logger.info('closed');
  }

  return {
    url,
    httpUrl,
    port: address.port,
    host,
    dev,
    staticDir: staticFiles?.root ?? null,
    allowedOrigins,
    hub,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}
