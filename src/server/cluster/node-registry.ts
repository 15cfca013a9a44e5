/**
 * The server processes of a cluster, and how loaded each is.
 *
 * Each node keeps a key `node:<nodeId>` (JSON: its id, members, lives, when it started) alive with
 * a heartbeat: written every `heartbeatMs` with a TTL of `ttlMs`. A node that dies stops renewing
 * it and drops out of `list()` once it runs out; `nodes` (a set) indexes the keys, and `list()`
 * removes the ids whose key is gone. A new live goes to the least loaded node (`leastLoaded`:
 * fewest members, then fewest lives, then the smaller id, so every process picks the same one).
 */
import { clusterKeys, type ClusterKeys } from './keys.js';
import { luaScript, runScript, type RedisConnection } from './redis.js';
import { attempt, ok, type ClusterFailure, type ClusterResult } from './result.js';

/** A node's key lives this long by default without a heartbeat. */
export const DEFAULT_NODE_TTL_MS = 3_000;
/** How often a node writes its heartbeat by default. */
export const DEFAULT_HEARTBEAT_MS = 1_000;

/** What a node carries. */
export interface NodeLoad {
  /** Members of all lives attached to the node's sockets. */
  readonly members: number;
  /** Lives the node owns. */
  readonly lives: number;
}

/** A node of the cluster, as it last reported itself. */
export interface NodeInfo extends NodeLoad {
  readonly nodeId: string;
  /** When the node registered (epoch ms, its own clock). */
  readonly startedAt: number;
}

/** Options of `NodeRegistry`. */
export interface NodeRegistryOptions {
  /** How long a node stays listed without a heartbeat. Default 3,000 ms. */
  readonly ttlMs?: number;
  /** How often the heartbeat is written. Default 1,000 ms. */
  readonly heartbeatMs?: number;
  /** A heartbeat that Redis refused or did not get; the next one tries again. Default: ignored. */
  readonly onHeartbeatFailure?: (failure: ClusterFailure) => void;
}

// KEYS: nodes. ARGV: the node key prefix. → the values of the live nodes.
const LIST = luaScript(`
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local value = redis.call('GET', ARGV[1] .. id)
  if value then table.insert(out, value) else redis.call('SREM', KEYS[1], id) end
end
return out
`);

/** One node's registration, and the view of every node. */
export class NodeRegistry {
  readonly nodeId: string;
  readonly ttlMs: number;
  readonly heartbeatMs: number;
  readonly #redis: RedisConnection;
  readonly #keys: ClusterKeys;
  readonly #onHeartbeatFailure: (failure: ClusterFailure) => void;
  readonly #startedAt = Date.now();
  #load: NodeLoad = { members: 0, lives: 0 };
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(redis: RedisConnection, nodeId: string, options: NodeRegistryOptions = {}) {
    this.#redis = redis;
    this.#keys = clusterKeys(redis.prefix);
    this.nodeId = nodeId;
    this.ttlMs = options.ttlMs ?? DEFAULT_NODE_TTL_MS;
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.#onHeartbeatFailure = options.onHeartbeatFailure ?? (() => undefined);
  }

  /** The load the next heartbeat reports. */
  get load(): NodeLoad {
    return this.#load;
  }

  /**
   * Registers the node with `load` and starts the heartbeat. Fails as Redis fails; the heartbeat
   * is started anyway, so the node appears as soon as Redis is back.
   */
  async start(load: NodeLoad = this.#load): Promise<ClusterResult> {
    this.#load = load;
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.#beat(), this.heartbeatMs);
      this.#timer.unref();
    }
    return this.heartbeat();
  }

  /** Sets the load; `heartbeat()` or the next tick reports it. */
  setLoad(load: NodeLoad): void {
    this.#load = load;
  }

  /** Writes the node's key now (and renews its TTL). */
  async heartbeat(): Promise<ClusterResult> {
    const info: NodeInfo = { nodeId: this.nodeId, startedAt: this.#startedAt, ...this.#load };
    const written = await attempt('node heartbeat', () =>
      this.#redis.command
        .multi()
        .set(this.#keys.node(this.nodeId), JSON.stringify(info), 'PX', this.ttlMs)
        .sadd(this.#keys.nodes, this.nodeId)
        .exec(),
    );
    return written.isSuccess ? ok() : written;
  }

  /** Stops the heartbeat and removes the node's key (it leaves the list at once). */
  async stop(): Promise<ClusterResult> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const removed = await attempt('node deregister', () =>
      this.#redis.command
        .multi()
        .del(this.#keys.node(this.nodeId))
        .srem(this.#keys.nodes, this.nodeId)
        .exec(),
    );
    return removed.isSuccess ? ok() : removed;
  }

  /** The nodes alive now (their key not expired), least loaded first. Fails as Redis fails. */
  async list(): Promise<ClusterResult<NodeInfo[]>> {
    const answer = await attempt('node list', () =>
      runScript(this.#redis.command, LIST, [this.#keys.nodes], [this.#keys.node('')]),
    );
    if (!answer.isSuccess) return answer;
    const nodes = (answer.data as string[]).flatMap((text) => {
      const info = parseNode(text);
      return info ? [info] : [];
    });
    return ok(nodes.sort(byLoad));
  }

  /** The least loaded node alive now, or `null` when none is. Fails as Redis fails. */
  async leastLoaded(): Promise<ClusterResult<NodeInfo | null>> {
    const listed = await this.list();
    return listed.isSuccess ? ok(leastLoaded(listed.data)) : listed;
  }

  async #beat(): Promise<void> {
    const beat = await this.heartbeat();
    if (!beat.isSuccess) this.#onHeartbeatFailure(beat);
  }
}

/** The least loaded of `nodes` (fewest members, then lives, then the smaller id), or `null`. */
export function leastLoaded(nodes: readonly NodeInfo[]): NodeInfo | null {
  return nodes.reduce<NodeInfo | null>(
    (best, node) => (best === null || byLoad(node, best) < 0 ? node : best),
    null,
  );
}

function byLoad(a: NodeInfo, b: NodeInfo): number {
  return (
    a.members - b.members || a.lives - b.lives || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0)
  );
}

function parseNode(text: string): NodeInfo | null {
  try {
    const value = JSON.parse(text) as Partial<NodeInfo> | null;
    if (typeof value?.nodeId !== 'string') return null;
    return {
      nodeId: value.nodeId,
      members: Number(value.members ?? 0),
      lives: Number(value.lives ?? 0),
      startedAt: Number(value.startedAt ?? 0),
    };
  } catch {
    return null;
  }
}
