/**
 * One server process as a node of a cluster on Redis (`ServerOptions.cluster`,
 * docs/decisions/0041-cluster-on-redis.md): its Redis connections, its entry in the node registry
 * with its load, and the claims that keep one connection per user across every node. The server
 * starts it before it listens and closes it last; without `cluster` none of this is loaded.
 */
import type { ServerLogger } from '../options.js';
import { NodeRegistry, type NodeLoad } from './node-registry.js';
import { connectRedis, redacted, type RedisConnection } from './redis.js';
import { ClusterErrorCode, type ClusterResult } from './result.js';
import { UserClaims, type ClaimReplaced } from './user-claims.js';

/** What a node needs to start: where Redis is, who it is, and what it asks of its server. */
export interface ClusterNodeOptions {
  readonly redis: string;
  readonly nodeId: string;
  readonly prefix?: string | undefined;
  readonly logger: ServerLogger;
  /** The node's load now (members on its sockets, lives it owns), for each heartbeat. */
  readonly load: () => NodeLoad;
  /** A connection of this node lost its user to a newer sign-in (on any node): close it. */
  readonly replaced: (connectionId: string) => void;
  /** How often the node writes its heartbeat. Default `DEFAULT_HEARTBEAT_MS` (1 s). */
  readonly heartbeatMs?: number;
  /** How long a user's claim lives unless refreshed. Default `DEFAULT_CLAIM_TTL_MS` (30 s). */
  readonly claimTtlMs?: number;
}

/** A started node. */
export class ClusterNode {
  readonly nodeId: string;
  readonly redis: RedisConnection;
  readonly registry: NodeRegistry;
  readonly claims: UserClaims;
  readonly #options: ClusterNodeOptions;
  /** The users held by this node's connections: connection id → user id. */
  readonly #held = new Map<string, string>();
  readonly #refresher: ReturnType<typeof setInterval>;
  readonly #loadTimer: ReturnType<typeof setInterval>;
  #closed: Promise<void> | null = null;

  /**
   * Connects to Redis, registers the node and listens for its claim notices. Throws an `Error`
   * saying what is wrong (Redis unreachable, `ioredis` not installed): a server that was asked to
   * be part of a cluster does not start alone.
   */
  static async start(options: ClusterNodeOptions): Promise<ClusterNode> {
    const { logger } = options;
    const where = redacted(options.redis);
    const connected = await connectRedis({
      url: options.redis,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      onError: (error) => logger.warn(`cluster: Redis at ${where}: ${error.message}`),
    });
    if (!connected.isSuccess) throw new Error(`createServer: cluster: ${connected.errorMessage}`);
    const redis = connected.data;
    const registry = new NodeRegistry(redis, options.nodeId, {
      ...(options.heartbeatMs === undefined ? {} : { heartbeatMs: options.heartbeatMs }),
      onHeartbeatFailure: (failure) => logger.warn(`cluster: heartbeat failed: ${failure.errorMessage}`),
    });
    const claims = await UserClaims.start(redis, options.nodeId, {
      ...(options.claimTtlMs === undefined ? {} : { ttlMs: options.claimTtlMs }),
      onReplaced: (notice: ClaimReplaced) => options.replaced(notice.connectionId),
    });
    const registered = claims.isSuccess ? await registry.start(options.load()) : claims;
    if (!claims.isSuccess || !registered.isSuccess) {
      if (claims.isSuccess) claims.data.close();
      await registry.stop();
      await redis.close();
      throw new Error(`createServer: cluster: ${registered.isSuccess ? '' : registered.errorMessage}`);
    }
    logger.info(`cluster: node ${options.nodeId} joined through Redis at ${where}`);
    return new ClusterNode(options, redis, registry, claims.data);
  }

  private constructor(
    options: ClusterNodeOptions,
    redis: RedisConnection,
    registry: NodeRegistry,
    claims: UserClaims,
  ) {
    this.#options = options;
    this.nodeId = options.nodeId;
    this.redis = redis;
    this.registry = registry;
    this.claims = claims;
    // The load rides on each heartbeat; the claims are refreshed three times per TTL.
    this.#loadTimer = setInterval(() => registry.setLoad(options.load()), registry.heartbeatMs);
    this.#loadTimer.unref();
    this.#refresher = setInterval(() => this.#refresh(), Math.max(100, Math.floor(claims.ttlMs / 3)));
    this.#refresher.unref();
  }

  /** Whether Redis answers now (both connections ready): else new sign-ins are refused. */
  get reachable(): boolean {
    return this.redis.command.status === 'ready' && this.redis.subscriber.status === 'ready';
  }

  /**
   * A user signed in on connection `connectionId` of this node: it becomes the user's one
   * connection in the cluster (the previous one, on any node, is told to close). Fails as Redis
   * fails: the server then closes the new connection, since it cannot promise one per user.
   */
  async signedIn(userId: string, connectionId: string): Promise<ClusterResult<unknown>> {
    this.#held.set(connectionId, userId);
    const claimed = await this.claims.claim(userId, connectionId);
    if (!claimed.isSuccess) this.#held.delete(connectionId);
    return claimed;
  }

  /** The connection closed: its claim is dropped (if it still holds the user). */
  signedOut(connectionId: string): void {
    const userId = this.#held.get(connectionId);
    if (userId === undefined) return;
    this.#held.delete(connectionId);
    void this.claims.release(userId, connectionId);
  }

  /** Leaves the registry, drops the claims and closes the connections. Safe to call twice. */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    clearInterval(this.#refresher);
    clearInterval(this.#loadTimer);
    this.claims.close();
    await Promise.all([
      this.registry.stop(),
      ...[...this.#held].map(([connectionId, userId]) => this.claims.release(userId, connectionId)),
    ]);
    this.#held.clear();
    await this.redis.close();
  }

  /** Keeps the claims of this node's connections alive. */
  #refresh(): void {
    if (this.#closed) return;
    for (const [connectionId, userId] of this.#held) {
      void this.claims.refresh(userId, connectionId).then(async (refreshed) => {
        if (refreshed.isSuccess || refreshed.errorCode !== ClusterErrorCode.CLAIM_LOST) return;
        if (!this.#held.has(connectionId)) return;
        // Not held by this connection any more: taken by a newer one whose notice was lost (this
        // one closes), or run out while Redis was away (claimed again).
        const holder = await this.claims.holder(userId);
        if (!holder.isSuccess || !this.#held.has(connectionId)) return;
        if (holder.data === null) void this.claims.claim(userId, connectionId);
        else if (holder.data.connectionId !== connectionId) this.#options.replaced(connectionId);
      });
    }
  }
}
