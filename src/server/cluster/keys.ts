/**
 * The names of the cluster's keys and channels in Redis, all under one prefix (`co-guest:` by
 * default). Ids are put in as they are: live ids and user ids are validated strings of the
 * protocol, node ids are the server's own.
 *
 * | name                         | type            | what                                              |
 * | ---------------------------- | --------------- | ------------------------------------------------- |
 * | `nodes`                      | set             | node ids that registered                          |
 * | `node:<nodeId>`              | string, TTL     | a node's load, alive while its heartbeat renews it |
 * | `live:<liveId>:lease`        | string, TTL     | `<epoch>:<nodeId>`: the live's owner               |
 * | `live:<liveId>:epoch`        | integer         | the last epoch handed out (fencing token)          |
 * | `live:<liveId>:checkpoint`   | hash            | `epoch`, `seq`, `data`: the room's last checkpoint |
 * | `user:<userId>`              | string, TTL     | JSON `{ nodeId, connectionId }`: the user's socket |
 * | `ev:<liveId>` (channel)      | pub/sub         | the live's events, each once per audience class    |
 * | `rpc:<nodeId>` (channel)     | pub/sub         | requests to a node and replies to it               |
 * | `claim:<nodeId>` (channel)   | pub/sub         | "your connection of this user was replaced"        |
 */

/** The keys and channels of one prefix. */
export interface ClusterKeys {
  readonly nodes: string;
  node(nodeId: string): string;
  lease(liveId: string): string;
  epoch(liveId: string): string;
  checkpoint(liveId: string): string;
  user(userId: string): string;
  events(liveId: string): string;
  /** The prefix of every live's event channel (`events(liveId)` is it plus the live id). */
  readonly eventsPrefix: string;
  rpc(nodeId: string): string;
  /** The prefix of every node's claim channel (`claims(nodeId)` is it plus the node id). */
  readonly claimsPrefix: string;
  claims(nodeId: string): string;
}

/** The keys and channels under `prefix`. */
export function clusterKeys(prefix: string): ClusterKeys {
  return {
    nodes: `${prefix}nodes`,
    node: (nodeId) => `${prefix}node:${nodeId}`,
    lease: (liveId) => `${prefix}live:${liveId}:lease`,
    epoch: (liveId) => `${prefix}live:${liveId}:epoch`,
    checkpoint: (liveId) => `${prefix}live:${liveId}:checkpoint`,
    user: (userId) => `${prefix}user:${userId}`,
    eventsPrefix: `${prefix}ev:`,
    events: (liveId) => `${prefix}ev:${liveId}`,
    rpc: (nodeId) => `${prefix}rpc:${nodeId}`,
    claimsPrefix: `${prefix}claim:`,
    claims: (nodeId) => `${prefix}claim:${nodeId}`,
  };
}
