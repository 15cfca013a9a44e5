/**
 * One connection per user, across the cluster.
 *
 * A signed-in user's socket claims the user: `user:<userId> = {"nodeId","connectionId"}` with a TTL
 * that the holding node refreshes while the socket is open. A new claim replaces the old one in the
 * same Lua script that publishes, on the old holder's channel (`claim:<nodeId>`), which connection
 * was replaced and by whom; the old holder closes that socket (`REPLACED`), as a single process does
 * today. The holder's node may be the claimer's own: the notice goes the same way. A node that died
 * holds nothing for long: its claims run out after `ttlMs`.
 */
import { clusterKeys, type ClusterKeys } from './keys.js';
import { luaScript, runScript, type RedisConnection } from './redis.js';
import {
  attempt,
  clusterFail,
  ClusterErrorCode,
  ok,
  type ClusterFailure,
  type ClusterResult,
} from './result.js';

/** A claim lives this long by default unless refreshed. */
export const DEFAULT_CLAIM_TTL_MS = 30_000;

/** Who holds a user. */
export interface ClaimHolder {
  readonly nodeId: string;
  readonly connectionId: string;
}

/** What a node is told when a claim of one of its connections was replaced. */
export interface ClaimReplaced {
  readonly userId: string;
  /** The connection of this node that lost the user. */
  readonly connectionId: string;
  /** The new holder. */
  readonly by: ClaimHolder;
}

/** Options of `UserClaims.start`. */
export interface UserClaimOptions {
  /** How long a claim lives unless refreshed. Default 30,000 ms. */
  readonly ttlMs?: number;
  /** A connection of this node was replaced: close it. */
  readonly onReplaced: (notice: ClaimReplaced) => void;
}

// KEYS: user. ARGV: holder JSON, ttl, claim channel prefix, userId. → the previous holder JSON or false
const CLAIM = luaScript(`
local old = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if old and old ~= ARGV[1] then
  local holder = cjson.decode(old)
  local notice = cjson.encode({userId = ARGV[4], connectionId = holder.connectionId, by = cjson.decode(ARGV[1])})
  redis.call('PUBLISH', ARGV[3] .. holder.nodeId, notice)
end
return old
`);
// KEYS: user. ARGV: holder JSON, ttl. → 1 | 0
const REFRESH = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);
// KEYS: user. ARGV: holder JSON. → 1 | 0
const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** The claims of one node's connections, and the notices about them. */
export class UserClaims {
  readonly nodeId: string;
  readonly ttlMs: number;
  readonly #redis: RedisConnection;
  readonly #keys: ClusterKeys;
  readonly #onReplaced: (notice: ClaimReplaced) => void;
  readonly #onMessage = (channel: string, message: string) => this.#receive(channel, message);
  readonly #onReady = () => void this.#subscribe();
  #closed = false;

  /** Listens for the node's notices; fails as Redis fails (nothing is left listening then). */
  static async start(
    redis: RedisConnection,
    nodeId: string,
    options: UserClaimOptions,
  ): Promise<ClusterResult<UserClaims>> {
    const claims = new UserClaims(redis, nodeId, options);
    const subscribed = await claims.#subscribe();
    if (!subscribed.isSuccess) {
      claims.close();
      return subscribed;
    }
    return ok(claims);
  }

  private constructor(redis: RedisConnection, nodeId: string, options: UserClaimOptions) {
    this.#redis = redis;
    this.#keys = clusterKeys(redis.prefix);
    this.nodeId = nodeId;
    this.ttlMs = options.ttlMs ?? DEFAULT_CLAIM_TTL_MS;
    this.#onReplaced = options.onReplaced;
    redis.subscriber.on('message', this.#onMessage);
    redis.subscriber.on('ready', this.#onReady);
  }

  /**
   * Makes `connectionId` of this node the user's one connection, replacing (and notifying) the
   * previous holder: the previous holder, or `null`. Fails as Redis fails: then nothing changed,
   * and the server refuses the sign-in (it cannot promise one connection per user).
   */
  async claim(userId: string, connectionId: string): Promise<ClusterResult<ClaimHolder | null>> {
    if (this.#closed) return closedFailure();
    const answer = await attempt('user claim', () =>
      runScript(
        this.#redis.command,
        CLAIM,
        [this.#keys.user(userId)],
        [this.#holder(connectionId), this.ttlMs, this.#keys.claimsPrefix, userId],
      ),
    );
    if (!answer.isSuccess) return answer;
    return ok(typeof answer.data === 'string' ? parseHolder(answer.data) : null);
  }

  /** Extends the claim; `claim-lost` when another connection took the user or it ran out. */
  async refresh(userId: string, connectionId: string): Promise<ClusterResult> {
    if (this.#closed) return closedFailure();
    const answer = await attempt('user claim refresh', () =>
      runScript(
        this.#redis.command,
        REFRESH,
        [this.#keys.user(userId)],
        [this.#holder(connectionId), this.ttlMs],
      ),
    );
    if (!answer.isSuccess) return answer;
    return answer.data === 1
      ? ok()
      : clusterFail(ClusterErrorCode.CLAIM_LOST, `user ${userId} is not held by connection ${connectionId}`);
  }

  /** Drops the claim if it is still this connection's (`true`), else leaves it (`false`). */
  async release(userId: string, connectionId: string): Promise<ClusterResult<boolean>> {
    const answer = await attempt('user claim release', () =>
      runScript(this.#redis.command, RELEASE, [this.#keys.user(userId)], [this.#holder(connectionId)]),
    );
    return answer.isSuccess ? ok(answer.data === 1) : answer;
  }

  /** The user's holder now, or `null`. */
  async holder(userId: string): Promise<ClusterResult<ClaimHolder | null>> {
    const answer = await attempt('user claim read', () => this.#redis.command.get(this.#keys.user(userId)));
    if (!answer.isSuccess) return answer;
    return ok(answer.data === null ? null : parseHolder(answer.data));
  }

  /** Stops listening for notices. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#redis.subscriber.off('message', this.#onMessage);
    this.#redis.subscriber.off('ready', this.#onReady);
    this.#redis.subscriber.unsubscribe(this.#keys.claims(this.nodeId)).catch(() => undefined);
  }

  #holder(connectionId: string): string {
    return JSON.stringify({ nodeId: this.nodeId, connectionId });
  }

  #subscribe(): Promise<ClusterResult<unknown>> {
    if (this.#closed) return Promise.resolve(closedFailure());
    return attempt('claim channel', () => this.#redis.subscriber.subscribe(this.#keys.claims(this.nodeId)));
  }

  #receive(channel: string, text: string): void {
    if (channel !== this.#keys.claims(this.nodeId)) return;
    const notice = parseNotice(text);
    if (notice) this.#onReplaced(notice);
  }
}

function closedFailure(): ClusterFailure {
  return clusterFail(ClusterErrorCode.CLOSED, 'the user claims are closed');
}

/** A notice, or `null` for anything else (dropped). */
function parseNotice(text: string): ClaimReplaced | null {
  try {
    const notice = JSON.parse(text) as Partial<ClaimReplaced> | null;
    const by = notice?.by ? parseHolder(JSON.stringify(notice.by)) : null;
    if (typeof notice?.userId !== 'string' || typeof notice.connectionId !== 'string' || !by) return null;
    return { userId: notice.userId, connectionId: notice.connectionId, by };
  } catch {
    return null;
  }
}

function parseHolder(text: string): ClaimHolder | null {
  try {
    const value = JSON.parse(text) as Partial<ClaimHolder> | null;
    if (typeof value?.nodeId !== 'string' || typeof value.connectionId !== 'string') return null;
    return { nodeId: value.nodeId, connectionId: value.connectionId };
  } catch {
    return null;
  }
}
