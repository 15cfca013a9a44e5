/**
 * Who owns a live: a lease in Redis with a fencing epoch.
 *
 * The lease is one key, `live:<id>:lease = "<epoch>:<nodeId>"`, that expires after `ttlMs` unless
 * its holder renews it. Acquiring succeeds only when the key is absent (free, or expired), and then,
 * in the same Lua script, increments the live's epoch counter: every new owner gets an epoch
 * strictly greater than every owner before it. Renewing and releasing succeed only for the holder
 * at its epoch. The epoch is the fencing token: the checkpoint store (`checkpoint.ts`) and the event
 * bus (`event-bus.ts`) refuse what an older epoch sends, so a former owner that was paused or cut
 * off can never write again once another took over.
 *
 * Epochs survive Redis losing its data: a new epoch is the last one plus one, or Redis's clock in
 * milliseconds when that is greater. A Redis restarted empty (no persistence) or a replica promoted
 * before it had the last epoch still hands out epochs above every earlier one, as long as its clock
 * is not behind the old one's; epochs are therefore large numbers (about 1.8e12), safe integers.
 *
 * Times are Redis's (`PX`, `PTTL`, `TIME`): the nodes' clocks do not matter. A `LeaseKeeper` renews a held
 * lease and tells its holder when it is lost: renewal refused (`lease-lost`, `fenced`), or Redis out
 * of reach until the moment the lease may have run out, by the holder's own monotonic clock counted
 * from when its last successful renewal was *sent* (never later than Redis's expiry). The holder
 * must stop acting for the live then.
 */
import type { RedisConnection } from './redis.js';
import { clusterKeys, type ClusterKeys } from './keys.js';
import { luaScript, runScript } from './redis.js';
import {
  attempt,
  clusterFail,
  ClusterErrorCode,
  ok,
  type ClusterFailure,
  type ClusterResult,
} from './result.js';

/** The lease's time to live by default: a dead owner's live is free at most this long after its last renewal. */
export const DEFAULT_LEASE_TTL_MS = 2_000;
/** How often a `LeaseKeeper` renews by default. */
export const DEFAULT_LEASE_RENEW_MS = 500;

/** The current owner of a live. */
export interface LeaseHolder {
  readonly nodeId: string;
  readonly epoch: number;
  /** What is left of the lease, by Redis's clock, when it was read. */
  readonly ttlMs: number;
}

/** What `acquire` found: the lease is the caller's now, at `epoch`; or another holds it. */
export type AcquireOutcome =
  | { readonly acquired: true; readonly epoch: number }
  | { readonly acquired: false; readonly holder: LeaseHolder };

/** A live's lease as `read` sees it. */
export interface LeaseState {
  /** The owner, or `null` when the lease is free (never taken, released, or expired). */
  readonly holder: LeaseHolder | null;
  /** The last epoch handed out (`0`: never). */
  readonly epoch: number;
}

/** Options of `LiveLeases`. */
export interface LeaseOptions {
  /** The lease's time to live. Default 2,000 ms. */
  readonly ttlMs?: number;
  /** How often a keeper renews. Default 500 ms (a quarter of the default TTL). */
  readonly renewMs?: number;
  /** The monotonic clock of keepers, in ms. Default `performance.now()`. */
  readonly now?: () => number;
}

// KEYS: lease, epoch. ARGV: nodeId, ttl. → {1, "<epoch>"} | {0, "<epoch>:<node>", pttl}
// The new epoch is the last one plus one, or Redis's clock in ms when that is greater (see above).
const ACQUIRE = luaScript(`
local held = redis.call('GET', KEYS[1])
if held then return {0, held, redis.call('PTTL', KEYS[1])} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local epoch = string.format('%.0f', math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, now))
redis.call('SET', KEYS[2], epoch)
redis.call('SET', KEYS[1], epoch .. ':' .. ARGV[1], 'PX', ARGV[2])
return {1, epoch}
`);
// KEYS: lease, epoch. ARGV: "<epoch>:<node>", ttl. → {1} | {0, latest epoch}
const RENEW = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1}
end
return {0, tonumber(redis.call('GET', KEYS[2]) or '0')}
`);
// KEYS: lease. ARGV: "<epoch>:<node>". → 1 | 0
const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);
// KEYS: lease, epoch. → {value or false, pttl, epoch}
const READ = luaScript(`
return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]), tonumber(redis.call('GET', KEYS[2]) or '0')}
`);

/** The leases of the lives, as one node (`nodeId`) takes, keeps and gives them up. */
export class LiveLeases {
  readonly nodeId: string;
  readonly ttlMs: number;
  readonly renewMs: number;
  readonly #redis: RedisConnection;
  readonly #keys: ClusterKeys;
  readonly #now: () => number;

  constructor(redis: RedisConnection, nodeId: string, options: LeaseOptions = {}) {
    this.#redis = redis;
    this.#keys = clusterKeys(redis.prefix);
    this.nodeId = nodeId;
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewMs = options.renewMs ?? Math.max(1, Math.floor(this.ttlMs / 4));
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * Takes the live's lease if it is free (never taken, released or expired), at a new epoch. Fails
   * only when Redis does (`unreachable`, `timeout`, `redis-error`).
   */
  async acquire(liveId: string): Promise<ClusterResult<AcquireOutcome>> {
    const keys = [this.#keys.lease(liveId), this.#keys.epoch(liveId)];
    const answer = await attempt('lease acquire', () =>
      runScript(this.#redis.command, ACQUIRE, keys, [this.nodeId, this.ttlMs]),
    );
    if (!answer.isSuccess) return answer;
    const [acquired, value, ttl] = answer.data as [number, number | string, number?];
    if (acquired === 1) return ok({ acquired: true, epoch: Number(value) });
    return ok({ acquired: false, holder: { ...parseHolder(String(value)), ttlMs: Number(ttl ?? 0) } });
  }

  /**
   * Extends the lease held at `epoch` by `ttlMs`. Fails with `fenced` when a newer epoch was handed
   * out, `lease-lost` when the lease ran out (or was released) and nobody took it yet, or as Redis
   * fails. After `fenced` or `lease-lost` the caller must stop acting for the live.
   */
  async renew(liveId: string, epoch: number): Promise<ClusterResult> {
    const keys = [this.#keys.lease(liveId), this.#keys.epoch(liveId)];
    const answer = await attempt('lease renew', () =>
      runScript(this.#redis.command, RENEW, keys, [`${epoch}:${this.nodeId}`, this.ttlMs]),
    );
    if (!answer.isSuccess) return answer;
    const [renewed, latest] = answer.data as [number, number?];
    if (renewed === 1) return ok();
    return lostAt(liveId, epoch, Number(latest ?? 0));
  }

  /** Gives the lease up (`true`), or finds it is not the caller's at `epoch` any more (`false`). */
  async release(liveId: string, epoch: number): Promise<ClusterResult<boolean>> {
    const answer = await attempt('lease release', () =>
      runScript(this.#redis.command, RELEASE, [this.#keys.lease(liveId)], [`${epoch}:${this.nodeId}`]),
    );
    return answer.isSuccess ? ok(answer.data === 1) : answer;
  }

  /** The live's holder and last epoch, read together. */
  async read(liveId: string): Promise<ClusterResult<LeaseState>> {
    const keys = [this.#keys.lease(liveId), this.#keys.epoch(liveId)];
    const answer = await attempt('lease read', () => runScript(this.#redis.command, READ, keys, []));
    if (!answer.isSuccess) return answer;
    const [value, ttl, epoch] = answer.data as [string | null, number, number];
    const holder =
      typeof value === 'string' ? { ...parseHolder(value), ttlMs: Math.max(0, Number(ttl)) } : null;
    return ok({ holder, epoch: Number(epoch) });
  }

  /**
   * Renews the lease held at `epoch` every `renewMs` until `stop()`, or until it is lost:
   * `onLost` is called once, with `fenced`, `lease-lost`, or `unreachable` when no renewal
   * succeeded before the lease may have run out. The caller has just acquired it.
   */
  keep(liveId: string, epoch: number, onLost: (failure: LeaseLoss) => void): LeaseKeeper {
    return new LeaseKeeper(this, liveId, epoch, this.#now, onLost);
  }
}

/** Why a kept lease was lost. */
export interface LeaseLoss {
  readonly liveId: string;
  readonly epoch: number;
  readonly errorCode:
    typeof ClusterErrorCode.FENCED | typeof ClusterErrorCode.LEASE_LOST | typeof ClusterErrorCode.UNREACHABLE;
  readonly errorMessage: string;
}

/** Keeps one held lease alive (see `LiveLeases.keep`). */
export class LeaseKeeper {
  readonly liveId: string;
  readonly epoch: number;
  readonly #leases: LiveLeases;
  readonly #now: () => number;
  readonly #onLost: (failure: LeaseLoss) => void;
  readonly #interval: ReturnType<typeof setInterval>;
  #deadline: ReturnType<typeof setTimeout>;
  #validUntil: number;
  #renewing = false;
  #done = false;

  constructor(
    leases: LiveLeases,
    liveId: string,
    epoch: number,
    now: () => number,
    onLost: (failure: LeaseLoss) => void,
  ) {
    this.#leases = leases;
    this.liveId = liveId;
    this.epoch = epoch;
    this.#now = now;
    this.#onLost = onLost;
    this.#validUntil = now() + leases.ttlMs;
    this.#deadline = this.#armDeadline();
    this.#interval = setInterval(() => void this.#renew(), leases.renewMs);
    this.#interval.unref();
  }

  /** Whether the keeper still holds the lease (not lost, not stopped). */
  get holding(): boolean {
    return !this.#done;
  }

  /** Until when (the keeper's clock) the lease is surely still the holder's. */
  get validUntil(): number {
    return this.#validUntil;
  }

  /** Stops renewing (the lease then runs out, or was released). `onLost` is not called. */
  stop(): void {
    this.#done = true;
    clearInterval(this.#interval);
    clearTimeout(this.#deadline);
  }

  async #renew(): Promise<void> {
    if (this.#done || this.#renewing) return;
    this.#renewing = true;
    const sentAt = this.#now();
    const renewed = await this.#leases.renew(this.liveId, this.epoch);
    this.#renewing = false;
    if (this.#done) return;
    if (renewed.isSuccess) {
      this.#validUntil = sentAt + this.#leases.ttlMs;
      clearTimeout(this.#deadline);
      this.#deadline = this.#armDeadline();
    } else if (
      renewed.errorCode === ClusterErrorCode.FENCED ||
      renewed.errorCode === ClusterErrorCode.LEASE_LOST
    ) {
      this.#lose(renewed.errorCode, renewed.errorMessage);
    }
    // Redis out of reach: keep trying until the deadline.
  }

  #armDeadline(): ReturnType<typeof setTimeout> {
    const timer = setTimeout(
      () =>
        this.#lose(
          ClusterErrorCode.UNREACHABLE,
          `live ${this.liveId}: no renewal reached Redis before the lease of epoch ${this.epoch} may have run out`,
        ),
      Math.max(0, this.#validUntil - this.#now()),
    );
    timer.unref();
    return timer;
  }

  #lose(errorCode: LeaseLoss['errorCode'], errorMessage: string): void {
    if (this.#done) return;
    this.stop();
    this.#onLost({ liveId: this.liveId, epoch: this.epoch, errorCode, errorMessage });
  }
}

/** `"<epoch>:<nodeId>"` as a holder (the node id may hold colons). */
function parseHolder(value: string): { nodeId: string; epoch: number } {
  const colon = value.indexOf(':');
  return { epoch: Number(value.slice(0, colon)), nodeId: value.slice(colon + 1) };
}

/** The failure of a write or renewal at `epoch` that Redis refused, knowing the `latest` epoch. */
export function lostAt(liveId: string, epoch: number, latest: number): ClusterFailure {
  return latest > epoch
    ? clusterFail(ClusterErrorCode.FENCED, `live ${liveId}: epoch ${epoch} is fenced out by epoch ${latest}`)
    : clusterFail(
        ClusterErrorCode.LEASE_LOST,
        `live ${liveId}: the lease of epoch ${epoch} is not held any more`,
      );
}
