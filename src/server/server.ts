/**
 * The Node signaling server: one HTTP server with the WebSocket endpoint (`/ws`), `/healthz`, in
 * dev mode a token route, and optionally the static files of a folder (`staticDir`). It checks the
 * `Host` of every request and the `Origin` of each upgrade, authenticates each socket with a signed
 * token, enforces the transport limits (message size, rate, connections in all and per address,
 * unsent data, heartbeat) and hands the rest to the hub.
 *
 * This module wires the sockets, the heartbeat and `close()`; the options are checked in
 * options.ts, the rate limit is rate-limiter.ts, the connection budget connection-limits.ts (by
 * the client addresses of address.ts), the `hello` and the token's end handshake.ts, and the plain
 * HTTP requests http-routes.ts.
 *
 * See `docs/protocol.md` for the wire protocol, close codes and limits, and `docs/deployment.md`
 * for running it.
 */
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { createHub, type Hub } from '../hub/index.js';
import { createSfuMedia } from './sfu/sfu-media.js';
import { CloseCode } from '../protocol/errors.js';
import { addressKey, clientAddress, hasForwardedHeader } from './address.js';
import { clearTimers, closeClient, remoteOf, type Client } from './client.js';
import { createConnectionLimits, type AddressCount } from './connection-limits.js';
import { createHandshake } from './handshake.js';
import { API_HEADERS } from './headers.js';
import { createHostCheck } from './host.js';
import { createRequestListener, hostRefusal } from './http-routes.js';
import { resolveOptions, type ServerOptions } from './options.js';
import { createOriginCheck } from './origin.js';
import { createRateLimiter } from './rate-limiter.js';
import { createStaticFiles, type StaticFiles } from './static.js';
import type { ClusterNode } from './cluster/cluster-node.js';
import type { ClusterRooms } from './cluster/cluster-rooms.js';

export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_HOST,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_PENDING_HANDSHAKES_PER_ADDRESS,
  DEFAULT_MESSAGES_PER_SECOND,
  DEFAULT_PENDING_HANDSHAKE_SHARE,
  DEFAULT_PORT,
  DEFAULT_SIGNALS_PER_SECOND,
  type ServerLogger,
  type ServerOptions,
} from './options.js';

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
  /** The host names answered besides the defaults (`allowedHosts`, normalized). */
  readonly allowedHosts: readonly string[];
  readonly hub: Hub;
  /** This process's node id in its cluster (`ServerOptions.cluster`), or `null` when it runs alone. */
  readonly nodeId: string | null;
  /**
   * Graceful shutdown: every live ends (`endedByServer`), every client gets `bye {reason:'shutdown'}`
   * and close 1001, timers stop and the HTTP server closes; a node of a cluster then leaves it
   * (its registry entry and its users' claims) and closes its Redis connections. Safe to call twice.
   */
  close(): Promise<void>;
}

/** `ws` send options of a text frame whose payload is given as UTF-8 bytes. */
const TEXT_FRAME = { binary: false } as const;

/** The `error` listener of an upgrading socket (a shared function: no closure keeps the request). */
function destroySocket(this: Duplex): void {
  this.destroy();
}

/** `4 MiB`, `256 KiB`, `900 bytes`: a size for a log line. */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** The API headers (see headers.ts) as lines of a raw HTTP answer. */
const API_HEADER_LINES = Object.entries(API_HEADERS)
  .map(([name, value]) => `${name}: ${String(value)}\r\n`)
  .join('');

/**
 * Answers an upgrade with `status` and `{error: reason}` and closes the socket. A refusal of the
 * connection budget (429, 503) says when to try again.
 */
function refuseUpgrade(socket: Duplex, status: number, reason: string, retryAfterSeconds?: number): void {
  const body = JSON.stringify({ error: reason });
  const retry = retryAfterSeconds === undefined ? '' : `retry-after: ${retryAfterSeconds}\r\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nconnection: close\r\n${API_HEADER_LINES}${retry}content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroy();
}

/** Starts a server. Resolves once it listens. */
export async function createServer(options: ServerOptions = {}): Promise<ServerHandle> {
  const resolved = resolveOptions(options);
  const { logger } = resolved;
  const { serialize } = resolved.hub;
  const originAllowed = createOriginCheck(resolved.allowedOrigins);
  const hostAllowed = createHostCheck(resolved.allowedHosts, resolved.host);
  const budget = createConnectionLimits(resolved);
  /** Seconds a client refused by the connection budget should wait: a handshake's time at most. */
  const retryAfter = Math.max(1, Math.ceil(resolved.handshakeTimeoutMs / 1000));
  const { maxBufferedBytes, trustedProxies } = resolved;
  /** Whether the hint about forwarded headers without `trustedProxies` was logged (once). */
  let forwardedHinted = false;
  const staticFiles: StaticFiles | null =
    resolved.staticDir === null ? null : await createStaticFiles(resolved.staticDir);
  // A cluster: the node joins before anything else starts (and the server fails if it cannot).
  let hubOfLoad: Hub | null = null;
  let roomsOfLoad: ClusterRooms | null = null;
  const cluster = resolved.cluster ? await startCluster() : null;
  const clusterRooms = cluster ? await startClusterRooms(cluster) : null;
  // SFU mode: the server starts once every Janus instance has been tried (up or not).
  const sfu = resolved.sfu ? createSfuMedia(resolved.sfu) : null;
  await sfu?.ready;
  const hub = createHub({
    ...resolved.hub,
    ...(sfu ? { media: sfu.media } : {}),
    ...(clusterRooms
      ? {
          openRoom: clusterRooms.open,
          findRoom: clusterRooms.find,
          listLives: clusterRooms.list,
          relaySignal: clusterRooms.signal,
        }
      : {}),
    onError: (error) =>
      logger.warn(`hub error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  hubOfLoad = hub;
  if (clusterRooms) clusterRooms.hub = hub;
  const limiter = createRateLimiter(resolved);
  const handshake = createHandshake(resolved, hub, (client) => {
    budget.signedIn(client.address);
    if (cluster) claimUser(cluster, client);
  });

  // ── the cluster: one connection per user across its nodes ───────────────────────────────────

  /** This node's signed-in clients by connection id, and their ids (cluster only). */
  const clusterClients = new Map<string, Client>();
  const connectionIds = new WeakMap<Client, string>();
  let lastConnectionId = 0;

  async function startCluster(): Promise<ClusterNode> {
    const { ClusterNode } = await import('./cluster/cluster-node.js');
    const options = resolved.cluster;
    if (!options) throw new Error('no cluster');
    return ClusterNode.start({
      ...options,
      logger,
      load: () => ({ members: hubOfLoad?.connectionCount ?? 0, lives: roomsOfLoad?.ownedCount ?? 0 }),
      replaced: (connectionId) => clusterClients.get(connectionId)?.hubConnection?.replaced?.(),
    });
  }

  /** The lives of the cluster as this process serves them: owned here, or of another process. */
  async function startClusterRooms(node: ClusterNode): Promise<ClusterRooms> {
    const { ClusterRooms } = await import('./cluster/cluster-rooms.js');
    const { realScheduler } = await import('../engine/scheduler.js');
    const rooms = await ClusterRooms.start(node, {
      scheduler: resolved.hub.scheduler ?? realScheduler,
      limits: resolved.hub.roomLimits,
      logger,
    }).catch(async (error: unknown) => {
      await node.close();
      throw error;
    });
    roomsOfLoad = rooms;
    return rooms;
  }

  /** The client becomes its user's one connection in the cluster, or is closed when it cannot. */
  function claimUser(node: ClusterNode, client: Client): void {
    const connectionId = String(++lastConnectionId);
    clusterClients.set(connectionId, client);
    connectionIds.set(client, connectionId);
    void node.signedIn(client.userId ?? '', connectionId).then((claimed) => {
      if (claimed.isSuccess || !clusterClients.has(connectionId)) return;
      logger.warn(`cluster: cannot claim user ${client.userId ?? '?'}: ${claimed.errorMessage}`);
      closeClient(client, CloseCode.GOING_AWAY, 'the cluster cannot take new sign-ins now; reconnect later');
    });
  }

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

  /** Called once per client when its socket is gone (or declared dead). */
  function release(client: Client): void {
    if (!clients.delete(client.ws)) return;
    budget.closed(client.address, client.userId === null);
    clearTimers(client);
    const connectionId = connectionIds.get(client);
    if (connectionId !== undefined && clusterClients.delete(connectionId)) cluster?.signedOut(connectionId);
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

  // ── one socket ──────────────────────────────────────────────────────────────────────────────

  function onMessage(client: Client, data: RawData, isBinary: boolean): void {
    // Only a pong proves the client alive (see the heartbeat): a client that sends but does not
    // read would otherwise stay connected while its replies pile up.
    if (client.phase === 'closing') return;
    if (isBinary) {
      closeClient(client, CloseCode.UNSUPPORTED_DATA, 'binary frames are not supported; send JSON text');
      return;
    }
    const text = rawText(data);
    const admitted = limiter.admit(client, text);
    if (admitted === 'abuse') {
      logger.warn(`closing ${remoteOf(client)}: message flood`);
      closeClient(client, CloseCode.RATE_LIMITED, 'rate limit exceeded');
      return;
    }
    if (admitted === 'limited') {
      deliver(client, serialize(limiter.refusal(text)));
      return;
    }
    switch (client.phase) {
      case 'handshake':
        handshake.hello(client, text).catch((error: unknown) => fault(client, error));
        return;
      case 'verifying':
        handshake.early(client, text);
        return;
      case 'open':
        client.hubConnection?.receive(text);
        return;
    }
  }

  function onConnection(ws: WebSocket, request: IncomingMessage, key: string): void {
    const address: AddressCount = budget.opened(key);
    const client: Client = {
      ws,
      socket: request.socket,
      address,
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
    handshake.awaitHello(client);
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

  /**
   * Sends one text to a client, and closes it with 4010 once more than `maxBufferedBytes` wait to be
   * sent to it (what its socket could not take yet: the client does not read, or too slowly). The
   * close frame queues behind that data; a client that never reads again is cut by the heartbeat.
   */
  function deliver(client: Client, data: string | Buffer): void {
    const { ws } = client;
    if (ws.readyState !== ws.OPEN || client.phase === 'closing') return;
    ws.send(data, TEXT_FRAME);
    if (ws.bufferedAmount > maxBufferedBytes) {
      logger.warn(
        `closing ${remoteOf(client)}: more than ${formatBytes(maxBufferedBytes)} wait to be sent; it does not read`,
      );
      closeClient(client, CloseCode.SLOW_CONSUMER, 'too much unsent data: the client reads too slowly');
    }
  }

  function peerSend(this: Client, text: string): void {
    deliver(this, bytesOf(text));
  }

  function peerClose(this: Client, code: number, reason: string): void {
    closeClient(this, code, reason);
  }

  const wss = new WebSocketServer({
    WebSocket: ClientSocket,
    noServer: true,
    maxPayload: resolved.maxMessageBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  wss.on('error', (error) => logger.warn(`websocket server: ${error.message}`));
  wss.on('wsClientError', (error, socket) => {
    logger.warn(`bad websocket upgrade: ${error.message}`);
    socket.destroy();
  });

  const http = createHttpServer(
    createRequestListener({
      options: resolved,
      hub,
      staticFiles,
      hostAllowed,
      isClosing: () => closing !== null,
    }),
  );
  http.on('clientError', (_error, socket) => socket.destroy());
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroySocket);
    try {
      const host = req.headers.host;
      if (!hostAllowed(host)) {
        const reason = hostRefusal(host);
        logger.warn(`refused upgrade: ${reason}`);
        refuseUpgrade(socket, 403, reason);
        return;
      }
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (path !== '/ws') {
        refuseUpgrade(socket, 404, 'not found');
        return;
      }
      const origin = req.headers.origin;
      if (!originAllowed(origin, host)) {
        logger.warn(`refused upgrade: origin ${JSON.stringify(origin)} is not allowed`);
        refuseUpgrade(socket, 403, 'origin not allowed');
        return;
      }
      if (closing) {
        refuseUpgrade(socket, 503, 'the server is shutting down', retryAfter);
        return;
      }
      if (cluster && !cluster.reachable) {
        // One connection per user cannot be promised without Redis (docs/decisions/0041).
        refuseUpgrade(socket, 503, "the cluster's store is unreachable; try again later", retryAfter);
        return;
      }
      const peer = req.socket.remoteAddress ?? '?';
      if (!forwardedHinted && trustedProxies.size === 0 && hasForwardedHeader(req.headers)) {
        forwardedHinted = true;
        logger.warn(
          `upgrades from ${peer} carry a forwarded address, which is ignored: every client behind that proxy counts as ${peer}; list the proxy in trustedProxies (--trusted-proxy)`,
        );
      }
      const key = addressKey(clientAddress(peer, req.headers, trustedProxies));
      const refusal = budget.check(key, clients.size);
      if (refusal !== null) {
        logger.warn(`refused upgrade from ${key}: ${refusal.reason}`);
        refuseUpgrade(socket, refusal.status, refusal.reason, retryAfter);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        try {
          onConnection(ws, req, key);
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
    const now = limiter.now();
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
      handshake.scheduleExpiry(client);
      limiter.rest(client, now);
    }
  }, resolved.heartbeatIntervalMs);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      clearInterval(heartbeat);
      void clusterRooms?.close().then(() => cluster?.close());
      reject(error);
    };
    http.once('error', onError);
    http.listen(resolved.port, resolved.host, () => {
      http.off('error', onError);
      http.on('error', (error) => logger.warn(`http server: ${error.message}`));
      resolve();
    });
  });

  const address = http.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const httpUrl = `http://${urlHost}:${address.port}`;
  const url = `ws://${urlHost}:${address.port}/ws`;
  logger.info(`listening on ${url}${resolved.dev ? ' (dev mode)' : ''}`);

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
        }, resolved.closeTimeoutMs);
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
    await clusterRooms?.close();
    await cluster?.close();
    logger.info('closed');
  }

  return {
    url,
    httpUrl,
    port: address.port,
    host: resolved.host,
    dev: resolved.dev,
    staticDir: staticFiles?.root ?? null,
    allowedOrigins: resolved.allowedOrigins,
    allowedHosts: resolved.allowedHosts,
    hub,
    nodeId: cluster?.nodeId ?? null,
    close: () => {
      closing ??= shutdown();
      return closing;
    },
  };
}
