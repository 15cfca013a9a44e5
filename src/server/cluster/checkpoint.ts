/**
 * The last checkpoint of each live's room, in Redis, written only by the live's owner.
 *
 * A checkpoint is an opaque string (the room's state as JSON: seats, requests with their absolute
 * deadlines, the reply cache; what it holds is the room's business) and the `seq` of the last event
 * it covers. `write` is one Lua script that checks, atomically with the write, that the writer holds
 * the live's lease at its epoch (`live:<id>:lease` is `<epoch>:<nodeId>`): a former owner fenced out
 * by a newer epoch gets `fenced` and writes nothing, ever; one whose lease ran out with nobody
 * taking over gets `lease-lost`. A checkpoint whose `seq` is lower than the stored one is `stale`:
 * checkpoints never go back.
 */
import { clusterKeys, type ClusterKeys } from './keys.js';
import { lostAt } from './lease.js';
import { luaScript, runScript, type RedisConnection } from './redis.js';
import { attempt, clusterFail, ClusterErrorCode, ok, type ClusterResult } from './result.js';

/** A stored checkpoint. */
export interface Checkpoint {
  /** The epoch of the owner that wrote it. */
  readonly epoch: number;
  /** The `seq` of the last event of the room it covers. */
  readonly seq: number;
  /** The room's state, opaque to the store. */
  readonly data: string;
}

// KEYS: lease, epoch, checkpoint. ARGV: "<epoch>:<node>", epoch, seq, data.
// → {1} | {0, 'lost', latest epoch} | {0, 'stale', stored seq}
const WRITE = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return {0, 'lost', tonumber(redis.call('GET', KEYS[2]) or '0')}
end
local stored = redis.call('HGET', KEYS[3], 'seq')
if stored and tonumber(stored) > tonumber(ARGV[3]) then return {0, 'stale', tonumber(stored)} end
redis.call('HSET', KEYS[3], 'epoch', ARGV[2], 'seq', ARGV[3], 'data', ARGV[4])
return {1}
`);

/** The checkpoints of the lives, as one node (`nodeId`) writes and reads them. */
export class CheckpointStore {
  readonly nodeId: string;
  readonly #redis: RedisConnection;
  readonly #keys: ClusterKeys;

  constructor(redis: RedisConnection, nodeId: string) {
    this.#redis = redis;
    this.#keys = clusterKeys(redis.prefix);
    this.nodeId = nodeId;
  }

  /**
   * Stores the live's checkpoint if this node holds its lease at `epoch`. Fails with `fenced` (a
   * newer owner exists: never write again), `lease-lost` (the lease ran out or was released),
   * `stale` (`seq` below the stored one), or as Redis fails (`unreachable`, `timeout`): then
   * nothing was written, and the owner must not treat the change as committed.
   */
  async write(liveId: string, epoch: number, seq: number, data: string): Promise<ClusterResult> {
    const keys = [this.#keys.lease(liveId), this.#keys.epoch(liveId), this.#keys.checkpoint(liveId)];
    const answer = await attempt('checkpoint write', () =>
      runScript(this.#redis.command, WRITE, keys, [`${epoch}:${this.nodeId}`, epoch, seq, data]),
    );
    if (!answer.isSuccess) return answer;
    const [written, why, value] = answer.data as [number, string?, number?];
    if (written === 1) return ok();
    if (why === 'stale') {
      return clusterFail(
        ClusterErrorCode.STALE,
        `live ${liveId}: checkpoint seq ${seq} is below the stored ${value}`,
      );
    }
    return lostAt(liveId, epoch, Number(value ?? 0));
  }

  /** The live's latest checkpoint, or `null` when none was written. Fails as Redis fails. */
  async read(liveId: string): Promise<ClusterResult<Checkpoint | null>> {
    const answer = await attempt('checkpoint read', () =>
      this.#redis.command.hmget(this.#keys.checkpoint(liveId), 'epoch', 'seq', 'data'),
    );
    if (!answer.isSuccess) return answer;
    const [epoch, seq, data] = answer.data;
    if (epoch == null || seq == null || data == null) return ok(null);
    return ok({ epoch: Number(epoch), seq: Number(seq), data });
  }
}
