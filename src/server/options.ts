/**
 * The options of `createServer`: what a user may set, the defaults, and `resolveOptions`, which
 * checks them and gives the rest of the server one frozen object with every default applied.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Scheduler } from '../engine/scheduler.js';
import type { RoomLimits } from '../engine/types.js';
import type { HubOptions } from '../hub/index.js';
import type { ProtocolLimits, ServerMessage } from '../protocol/messages.js';
import { createProxyTrust, type ProxyTrust } from './address.js';
import { isRedisUrl, redacted } from './cluster/redis.js';
import { normalizeAllowedHost } from './host.js';
import { normalizeOrigin } from './origin.js';
import type { SfuOptions } from './sfu/sfu-media.js';

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
   * Host names the server answers to besides its own: the `Host` header of every request and
   * upgrade must name one, else HTTP 403. That keeps a page on another name that resolves to this
   * server (DNS rebinding) from reading its routes or minting dev tokens. Always allowed:
   * `localhost` and `*.localhost`, any IP address (`127.0.0.1`, `[::1]`, a LAN address), the bound
   * `host`, and requests without `Host`. Entries are names (`live.example.com`; `.example.com` also
   * allows every subdomain), `'*'` turns the check off. Behind a proxy that passes `Host` on, list
   * the site's name. Default `[]`.
   */
  allowedHosts?: readonly string[];
  /**
   * Addresses of the proxies in front of the server (`'127.0.0.1'`, `'::1'`, or subnets such as
   * `'10.0.0.0/8'`). Only for a connection from one of them is the client's address taken from
   * `X-Forwarded-For` (or, without it, `Forwarded`), the nearest address there that is not itself
   * a trusted proxy; from anyone else those headers are ignored. The client's address is what the
   * per-address limits count and what log lines show. Default `[]`: the socket's peer.
   */
  trustedProxies?: readonly string[];
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
  /**
   * Sockets that have not finished their handshake (no `welcome` yet), from all addresses, above
   * which new upgrades are refused with HTTP 503: the rest of `maxConnections` stays for signed-in
   * users. Default a tenth of `maxConnections` (1,000).
   */
  maxPendingHandshakes?: number;
  /** Open sockets from one client address (an IPv6 address counts by its /64), above which its upgrades are refused with HTTP 429. Default 1,000. */
  maxConnectionsPerAddress?: number;
  /** Sockets of one client address without a finished handshake, above which its upgrades are refused with HTTP 429. Default 32. */
  maxPendingHandshakesPerAddress?: number;
  /**
   * Bytes that may wait to be sent to one socket (`ws.bufferedAmount`: what its client has not read
   * yet). Past it the socket is closed with 4010 (`SLOW_CONSUMER`): a client that stops reading
   * cannot make the server hold its replies and events without end. Default 4 MiB.
   */
  maxBufferedBytes?: number;
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
  /** Open lives one user may own at once (see `HubOptions.maxLivesPerUser`); `0`: no limit. Default 3. */
  maxLivesPerUser?: number;
  /** How a large room's events are coalesced (see `HubOptions.fanOut`). Defaults: `DEFAULT_FAN_OUT`. */
  fanOut?: HubOptions['fanOut'];
  /** The clock and timers of the rooms. Default `realScheduler`. Transport timers always use real time. */
  scheduler?: Scheduler;
  /**
   * The monotonic clock (ms) of the message rate limits. Default `performance.now()`. Tests pass
   * one they move by hand; the heartbeat and the handshake timeout always run on real timers.
   */
  clock?: () => number;
  /** Turns server messages into text (see `HubOptions.serialize`). Default `JSON.stringify`. */
  serialize?: (message: ServerMessage) => string;
  /** Receives one line per notable event (start, refusals, errors). Default: silent. */
  logger?: ServerLogger;
  /**
   * How media moves (docs/media.md). Default `{ mode: 'mesh' }`: peer connections between the
   * members, no media server. `{ mode: 'sfu', janus: [...] }`: through Janus VideoRoom instances
   * that this server owns; the secrets come from here (or the environment, in the CLI), never from
   * clients. See docs/deployment.md, "Janus".
   */
  media?: MediaOptions;
  /**
   * Runs this server as one process of a cluster on Redis (docs/deployment.md, "Cluster on
   * Redis"; docs/decisions/0041): `{ redis: 'redis://127.0.0.1:6379' }`. The server connects
   * before it listens (and fails to start when Redis is unreachable or `ioredis`, an optional peer
   * dependency, is not installed), registers its node with its load, and keeps one connection per
   * user across every process. Default: none, the server runs alone and never loads `ioredis`.
   */
  cluster?: ClusterOptions;
}

/** `ServerOptions.cluster`. */
export interface ClusterOptions {
  /** The Redis URL: `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  readonly redis: string;
  /**
   * This process's name in the cluster, unique among its processes (letters, digits, `.`, `_`,
   * `-`, at most 64). Default: the host name, the process id and a random suffix.
   */
  readonly nodeId?: string;
  /** The prefix of every key and channel, so that one Redis can serve several clusters. Default `'co-guest:'`. */
  readonly prefix?: string;
}

/** `ServerOptions.media`. */
export type MediaOptions = { readonly mode: 'mesh' } | ({ readonly mode: 'sfu' } & SfuOptions);

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_MAX_MESSAGE_BYTES = 16_384;
export const DEFAULT_MESSAGES_PER_SECOND = 20;
export const DEFAULT_SIGNALS_PER_SECOND = 50;
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/** The share of `maxConnections` that sockets without a finished handshake may take by default. */
export const DEFAULT_PENDING_HANDSHAKE_SHARE = 0.1;
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;
export const DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS = 32;
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
export const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;

function quiet(): void {
  // The default logger says nothing.
}

/** The default logger. Compared by identity: work done only for a log line is skipped when silent. */
export const SILENT_LOGGER: ServerLogger = Object.freeze({ info: quiet, warn: quiet });

/** The hub's part of the options: what the server passes on to `createHub` as given. */
export type ResolvedHubOptions = Readonly<
  Pick<
    HubOptions,
    'scheduler' | 'roomLimits' | 'protocolLimits' | 'replayBufferSize' | 'maxLivesPerUser' | 'fanOut'
  > & {
    serialize: (message: ServerMessage) => string;
  }
>;

/** `ServerOptions` checked, with every default applied. Frozen. */
export interface ResolvedOptions {
  readonly dev: boolean;
  /** The given secret, or in dev mode without one a random secret of this process. */
  readonly secret: string;
  readonly logger: ServerLogger;
  readonly host: string;
  readonly port: number;
  readonly maxMessageBytes: number;
  readonly messagesPerSecond: number;
  readonly signalsPerSecond: number;
  readonly maxConnections: number;
  readonly maxPendingHandshakes: number;
  readonly maxConnectionsPerAddress: number;
  readonly maxPendingHandshakesPerAddress: number;
  readonly maxBufferedBytes: number;
  readonly handshakeTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly closeTimeoutMs: number;
  /** The allowed origins, normalized (see `normalizeOrigin`). */
  readonly allowedOrigins: readonly string[];
  /** The allowed host names, normalized (see `normalizeAllowedHost`). */
  readonly allowedHosts: readonly string[];
  /** The trusted proxies. */
  readonly trustedProxies: ProxyTrust;
  /** The clock of the rate limits. */
  readonly clock: () => number;
  /** The folder of static files as given (not yet checked: that needs the file system), or `null`. */
  readonly staticDir: string | null;
  readonly hub: ResolvedHubOptions;
  /** The SFU mode's options (Janus URLs at least one, each a `ws:`/`wss:` URL), or `null` for the mesh. */
  readonly sfu: SfuOptions | null;
  /** The cluster's options, checked, with its node id; `null` for a server that runs alone. */
  readonly cluster: ResolvedClusterOptions | null;
}

/** `ServerOptions.cluster` checked, with every default applied. */
export interface ResolvedClusterOptions {
  readonly redis: string;
  readonly nodeId: string;
  readonly prefix: string | undefined;
}

/** What a node id may be: short, and safe in a Redis key and channel name. */
const NODE_ID = /^[A-Za-z0-9._-]{1,64}$/;

function clusterOptions(cluster: ClusterOptions | undefined): ResolvedClusterOptions | null {
  if (cluster === undefined) return null;
  if (typeof cluster !== 'object' || cluster === null) {
    throw new TypeError(`createServer: cluster must be an object like { redis: 'redis://127.0.0.1:6379' }`);
  }
  const { redis, nodeId, prefix } = cluster;
  if (typeof redis !== 'string' || !isRedisUrl(redis)) {
    throw new TypeError(
      `createServer: cluster.redis must be a Redis URL like redis://127.0.0.1:6379 (or rediss://… for TLS), not ${JSON.stringify(typeof redis === 'string' ? redacted(redis) : redis)}`,
    );
  }
  if (nodeId !== undefined && (typeof nodeId !== 'string' || !NODE_ID.test(nodeId))) {
    throw new TypeError(
      `createServer: cluster.nodeId must be 1 to 64 letters, digits, '.', '_' or '-', not ${JSON.stringify(nodeId)}`,
    );
  }
  if (prefix !== undefined && (typeof prefix !== 'string' || prefix === '')) {
    throw new TypeError(`createServer: cluster.prefix must be a non-empty string`);
  }
  return Object.freeze({
    redis,
    nodeId:
      nodeId ??
      `${hostname()
        .replace(/[^A-Za-z0-9._-]/g, '-')
        .slice(0, 40)}-${process.pid}-${randomBytes(3).toString('hex')}`,
    prefix,
  });
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`createServer: ${name} must be a positive number`);
  }
  return value;
}

function origins(list: readonly string[]): readonly string[] {
  const normalized: string[] = [];
  for (const origin of list) {
    const one = normalizeOrigin(origin);
    if (one === null) {
      throw new TypeError(
        `createServer: allowedOrigins has ${JSON.stringify(origin)}; write an origin like https://app.example.com`,
      );
    }
    normalized.push(one);
  }
  return Object.freeze(normalized);
}

function hosts(list: readonly string[]): readonly string[] {
  const normalized: string[] = [];
  for (const host of list) {
    const one = normalizeAllowedHost(host);
    if (one === null) {
      throw new TypeError(
        `createServer: allowedHosts has ${JSON.stringify(host)}; write a host name like live.example.com`,
      );
    }
    normalized.push(one);
  }
  return Object.freeze(normalized);
}

function performanceNow(): number {
  return performance.now();
}

function sfuOptions(media: MediaOptions | undefined): SfuOptions | null {
  if (media === undefined || media.mode === 'mesh') return null;
  if (media.mode !== 'sfu') {
    throw new TypeError(`createServer: media.mode must be 'mesh' or 'sfu'`);
  }
  const janus = [...(media.janus ?? [])];
  if (janus.length === 0) {
    throw new TypeError(`createServer: media.janus needs at least one Janus WebSocket URL in SFU mode`);
  }
  for (const url of janus) {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      // Refused below.
    }
    if (protocol !== 'ws:' && protocol !== 'wss:') {
      throw new TypeError(
        `createServer: media.janus has ${JSON.stringify(url)}; write a URL like ws://127.0.0.1:8188`,
      );
    }
  }
  return Object.freeze({ ...media, janus: Object.freeze(janus) });
}

function hubOptions(options: ServerOptions): ResolvedHubOptions {
  const hub: {
    -readonly [K in keyof ResolvedHubOptions]: ResolvedHubOptions[K];
  } = { serialize: options.serialize ?? ((message: ServerMessage) => JSON.stringify(message)) };
  if (options.scheduler) hub.scheduler = options.scheduler;
  if (options.roomLimits) hub.roomLimits = options.roomLimits;
  if (options.protocolLimits) hub.protocolLimits = options.protocolLimits;
  if (options.replayBufferSize !== undefined) hub.replayBufferSize = options.replayBufferSize;
  if (options.maxLivesPerUser !== undefined) hub.maxLivesPerUser = options.maxLivesPerUser;
  if (options.fanOut) hub.fanOut = options.fanOut;
  return Object.freeze(hub);
}

/**
 * Checks `options` and applies the defaults. Throws a `TypeError` (no secret outside dev mode, an
 * allowed origin that is not an origin, an allowed host that is not a host name, a trusted proxy
 * that is not an address, a cluster whose Redis URL or node id is malformed) or a `RangeError` (a
 * port or limit out of range), each
 * starting with `createServer:`.
 */
export function resolveOptions(options: ServerOptions): ResolvedOptions {
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
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError('createServer: port must be an integer in 0..65535');
  }
  const maxConnections = Math.floor(
    positive(options.maxConnections, DEFAULT_MAX_CONNECTIONS, 'maxConnections'),
  );
  return Object.freeze({
    dev,
    secret,
    logger: options.logger ?? SILENT_LOGGER,
    host: options.host ?? DEFAULT_HOST,
    port,
    maxMessageBytes: Math.floor(
      positive(options.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, 'maxMessageBytes'),
    ),
    messagesPerSecond: positive(options.messagesPerSecond, DEFAULT_MESSAGES_PER_SECOND, 'messagesPerSecond'),
    signalsPerSecond: positive(options.signalsPerSecond, DEFAULT_SIGNALS_PER_SECOND, 'signalsPerSecond'),
    maxConnections,
    maxPendingHandshakes: Math.floor(
      positive(
        options.maxPendingHandshakes,
        Math.max(1, Math.floor(maxConnections * DEFAULT_PENDING_HANDSHAKE_SHARE)),
        'maxPendingHandshakes',
      ),
    ),
    maxConnectionsPerAddress: Math.floor(
      positive(
        options.maxConnectionsPerAddress,
        DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
        'maxConnectionsPerAddress',
      ),
    ),
    maxPendingHandshakesPerAddress: Math.floor(
      positive(
        options.maxPendingHandshakesPerAddress,
        DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS,
        'maxPendingHandshakesPerAddress',
      ),
    ),
    maxBufferedBytes: Math.floor(
      positive(options.maxBufferedBytes, DEFAULT_MAX_BUFFERED_BYTES, 'maxBufferedBytes'),
    ),
    handshakeTimeoutMs: positive(
      options.handshakeTimeoutMs,
      DEFAULT_HANDSHAKE_TIMEOUT_MS,
      'handshakeTimeoutMs',
    ),
    heartbeatIntervalMs: positive(
      options.heartbeatIntervalMs,
      DEFAULT_HEARTBEAT_INTERVAL_MS,
      'heartbeatIntervalMs',
    ),
    closeTimeoutMs: positive(options.closeTimeoutMs, DEFAULT_CLOSE_TIMEOUT_MS, 'closeTimeoutMs'),
    allowedOrigins: origins(options.allowedOrigins ?? []),
    allowedHosts: hosts(options.allowedHosts ?? []),
    trustedProxies: createProxyTrust(options.trustedProxies ?? []),
    clock: options.clock ?? performanceNow,
    staticDir: options.staticDir ?? null,
    hub: hubOptions(options),
    sfu: sfuOptions(options.media),
    cluster: clusterOptions(options.cluster),
  });
}
