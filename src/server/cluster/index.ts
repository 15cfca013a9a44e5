/**
 * The substrate of a cluster of kit servers on Redis (docs/decisions/0041-cluster-on-redis.md):
 * the connections (`ioredis`, loaded only when a cluster is configured), the node registry, the
 * lives' leases with fencing epochs, the fenced checkpoint store, the event bus with `seq` gap
 * repair, requests between nodes, and one connection per user. Every call resolves to a
 * `ClusterResult`; none throws or rejects because Redis is unreachable. Node only.
 */
export { CheckpointStore, type Checkpoint } from './checkpoint.js';
export {
  decode,
  encode,
  EventBus,
  type BusEvent,
  type BusProblem,
  type EventBusOptions,
  type RepairOutcome,
} from './event-bus.js';
export {
  DEFAULT_LEASE_RENEW_MS,
  DEFAULT_LEASE_TTL_MS,
  LeaseKeeper,
  LiveLeases,
  type AcquireOutcome,
  type LeaseHolder,
  type LeaseLoss,
  type LeaseOptions,
  type LeaseState,
} from './lease.js';
export { clusterKeys, type ClusterKeys } from './keys.js';
export {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_NODE_TTL_MS,
  leastLoaded,
  NodeRegistry,
  type NodeInfo,
  type NodeLoad,
  type NodeRegistryOptions,
} from './node-registry.js';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  NodeRequests,
  type NodeRequest,
  type NodeRequestHandler,
  type NodeRequestOptions,
} from './node-requests.js';
export {
  connectRedis,
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_KEY_PREFIX,
  DEFAULT_MAX_RECONNECT_DELAY_MS,
  isRedisUrl,
  loadIoredis,
  redacted,
  type IoredisModule,
  type RedisConnection,
  type RedisConnectionOptions,
} from './redis.js';
export { clusterFail, ClusterErrorCode, type ClusterFailure, type ClusterResult } from './result.js';
export {
  DEFAULT_CLAIM_TTL_MS,
  UserClaims,
  type ClaimHolder,
  type ClaimReplaced,
  type UserClaimOptions,
} from './user-claims.js';
