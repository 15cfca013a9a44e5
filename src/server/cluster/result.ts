/**
 * The typed outcomes of the cluster substrate. Every function of `src/server/cluster` that talks to
 * Redis resolves to a `ClusterResult`: the kit's `Success` (`isSuccess`, `data`), or a
 * `ClusterFailure` whose `errorCode` says what went wrong. Nothing rejects or throws for Redis
 * being down, slow or refusing: those are failures like any other.
 *
 * The codes are the cluster's own (strings): they are for the server that runs on the substrate,
 * which decides what a client is told (`SERVER_ERROR`, `SERVER_TIMEOUT`, …), never sent as they are.
 */
import { ok, type Success } from '../../protocol/result.js';

export { ok };

/** Why a cluster call failed. */
export const ClusterErrorCode = {
  /** `ioredis` is not installed: `npm install ioredis` (an optional peer dependency of the kit). */
  IOREDIS_MISSING: 'ioredis-missing',
  /** The Redis URL is not a `redis://` or `rediss://` URL. */
  INVALID_URL: 'invalid-url',
  /** Redis cannot be reached now (refused, connection lost, not reconnected yet). */
  UNREACHABLE: 'unreachable',
  /** Redis, or the node asked, did not answer in time. */
  TIMEOUT: 'timeout',
  /** Redis answered with an error (a script or command refused). */
  REDIS_ERROR: 'redis-error',
  /** The caller does not hold the lease (it ran out and nobody took it yet, or it was released). */
  LEASE_LOST: 'lease-lost',
  /** A newer owner holds the live: the caller's epoch is fenced out and may never write again. */
  FENCED: 'fenced',
  /** A checkpoint older (lower `seq`) than the one stored. */
  STALE: 'stale',
  /** No process listens for that node id (it is gone, or never was). */
  NO_RESPONDER: 'no-responder',
  /** The node asked failed to handle the request (its handler threw or is missing). */
  REMOTE_ERROR: 'remote-error',
  /** The caller's claim on a user was replaced by another connection, or ran out. */
  CLAIM_LOST: 'claim-lost',
  /** The object was closed; it makes no more calls. */
  CLOSED: 'closed',
  /** A message on the bus that is not what the substrate sends (dropped). */
  INVALID_MESSAGE: 'invalid-message',
  /** A gap in a live's `seq` that the repair did not fill (the consumer should resync from a snapshot). */
  GAP_UNREPAIRED: 'gap-unrepaired',
  /** A callback given to the substrate (an event's delivery, a repair) threw or rejected. */
  CALLBACK_FAILED: 'callback-failed',
} as const;
export type ClusterErrorCode = (typeof ClusterErrorCode)[keyof typeof ClusterErrorCode];

/** A failed cluster call: a typed code and a readable message. */
export interface ClusterFailure {
  readonly isSuccess: false;
  readonly errorCode: ClusterErrorCode;
  readonly errorMessage: string;
}

/** What every cluster call resolves to. */
export type ClusterResult<T = undefined> = Success<T> | ClusterFailure;

/** A failed outcome. */
export function clusterFail(errorCode: ClusterErrorCode, errorMessage: string): ClusterFailure {
  return { isSuccess: false, errorCode, errorMessage };
}

/**
 * The failure for an error that an `ioredis` call rejected with: `timeout` for a command that timed
 * out, `redis-error` for Redis's own error replies (`ReplyError`), `unreachable` for the rest (no
 * connection, connection lost, retries exhausted).
 */
export function failureOf(error: unknown, what: string): ClusterFailure {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (/timed out/i.test(message))
    return clusterFail(ClusterErrorCode.TIMEOUT, `${what}: Redis did not answer in time`);
  if (name === 'ReplyError') return clusterFail(ClusterErrorCode.REDIS_ERROR, `${what}: ${message}`);
  return clusterFail(ClusterErrorCode.UNREACHABLE, `${what}: Redis is unreachable (${message})`);
}

/** Runs one Redis call: its value as a success, anything it rejects with as a typed failure. */
export async function attempt<T>(what: string, call: () => Promise<T>): Promise<ClusterResult<T>> {
  try {
    return ok(await call());
  } catch (error) {
    return failureOf(error, what);
  }
}
