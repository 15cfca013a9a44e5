/**
 * Requests from one process to another, over Redis pub/sub: each node listens on its own channel
 * (`rpc:<nodeId>`), where requests to it and replies to its requests arrive.
 *
 * This is how a command for a live owned elsewhere reaches its owner: `request(ownerId, name, body)`
 * publishes the request; the owner's handler answers; the reply comes back on the asker's channel.
 * Every request gets exactly one outcome: the handler's answer; `no-responder` at once when no
 * process listens for that node (it is gone: Redis says nobody received the message); `timeout`
 * when no reply came in time (the owner died or was cut off while handling it: the command may or
 * may not have run, so the caller retries with the same request id and the room's reply cache
 * answers a repeat); `remote-error` when the handler threw; `unreachable` when Redis is down;
 * `closed` after `close()`. Bodies are JSON values.
 */
import { randomBytes } from 'node:crypto';
import { clusterKeys, type ClusterKeys } from './keys.js';
import type { RedisConnection } from './redis.js';
import {
  attempt,
  clusterFail,
  ClusterErrorCode,
  ok,
  type ClusterFailure,
  type ClusterResult,
} from './result.js';

/** How long a request waits for its reply by default, in ms. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 2_000;

/** A request as its handler sees it. */
export interface NodeRequest {
  /** The node that asked. */
  readonly from: string;
  /** What is asked (`live.command`, `live.replay`, …). */
  readonly name: string;
  readonly body: unknown;
}

/** Answers the requests to this node: the reply's body, or a throw (`remote-error`). */
export type NodeRequestHandler = (request: NodeRequest) => unknown;

/** Options of `NodeRequests.start`. */
export interface NodeRequestOptions {
  /** Answers the requests to this node. Default: every request fails with `remote-error`. */
  readonly handler?: NodeRequestHandler;
  /** How long a request waits for its reply. Default 2,000 ms. */
  readonly timeoutMs?: number;
}

type Message =
  | { kind: 'request'; id: string; from: string; name: string; body: unknown }
  | { kind: 'reply'; id: string; ok: true; body: unknown }
  | { kind: 'reply'; id: string; ok: false; errorMessage: string };

interface Pending {
  resolve(result: ClusterResult<unknown>): void;
  timer: ReturnType<typeof setTimeout>;
}

/** The requests of one node: what it asks other nodes, and how it answers them. */
export class NodeRequests {
  readonly nodeId: string;
  readonly #redis: RedisConnection;
  readonly #keys: ClusterKeys;
  readonly #timeoutMs: number;
  readonly #pending = new Map<string, Pending>();
  readonly #prefix = randomBytes(6).toString('base64url');
  readonly #onMessage = (channel: string, message: string) => this.#receive(channel, message);
  readonly #onReady = () => void this.#subscribe();
  #handler: NodeRequestHandler | undefined;
  #counter = 0;
  #closed = false;

  /** Listens on the node's channel; fails as Redis fails (nothing is left listening then). */
  static async start(
    redis: RedisConnection,
    nodeId: string,
    options: NodeRequestOptions = {},
  ): Promise<ClusterResult<NodeRequests>> {
    const requests = new NodeRequests(redis, nodeId, options);
    const subscribed = await requests.#subscribe();
    if (!subscribed.isSuccess) {
      requests.close();
      return subscribed;
    }
    return ok(requests);
  }

  private constructor(redis: RedisConnection, nodeId: string, options: NodeRequestOptions) {
    this.#redis = redis;
    this.#keys = clusterKeys(redis.prefix);
    this.nodeId = nodeId;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#handler = options.handler;
    redis.subscriber.on('message', this.#onMessage);
    redis.subscriber.on('ready', this.#onReady);
  }

  /** Replaces the handler of the requests to this node. */
  handle(handler: NodeRequestHandler): void {
    this.#handler = handler;
  }

  /** Asks node `nodeId`; see the module's comment for the outcomes. */
  async request(
    nodeId: string,
    name: string,
    body: unknown,
    options: { timeoutMs?: number } = {},
  ): Promise<ClusterResult<unknown>> {
    if (this.#closed) return closedFailure();
    const id = `${this.#prefix}.${++this.#counter}`;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const answer = new Promise<ClusterResult<unknown>>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(
          clusterFail(ClusterErrorCode.TIMEOUT, `${name} to node ${nodeId}: no reply within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.#pending.set(id, { resolve, timer });
    });
    const message: Message = { kind: 'request', id, from: this.nodeId, name, body };
    const sent = await attempt(`${name} to node ${nodeId}`, () =>
      this.#redis.command.publish(this.#keys.rpc(nodeId), JSON.stringify(message)),
    );
    if (!sent.isSuccess || sent.data === 0) {
      this.#settle(
        id,
        sent.isSuccess
          ? clusterFail(ClusterErrorCode.NO_RESPONDER, `${name}: no process listens for node ${nodeId}`)
          : sent,
      );
    }
    return answer;
  }

  /** Stops listening; pending requests fail with `closed`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#redis.subscriber.off('message', this.#onMessage);
    this.#redis.subscriber.off('ready', this.#onReady);
    this.#redis.subscriber.unsubscribe(this.#keys.rpc(this.nodeId)).catch(() => undefined);
    for (const id of [...this.#pending.keys()]) this.#settle(id, closedFailure());
  }

  #subscribe(): Promise<ClusterResult<unknown>> {
    if (this.#closed) return Promise.resolve(closedFailure());
    return attempt('request channel', () => this.#redis.subscriber.subscribe(this.#keys.rpc(this.nodeId)));
  }

  #settle(id: string, result: ClusterResult<unknown>): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(result);
  }

  #receive(channel: string, text: string): void {
    if (channel !== this.#keys.rpc(this.nodeId)) return;
    const message = parse(text);
    if (!message) return;
    if (message.kind === 'reply') {
      this.#settle(
        message.id,
        message.ok ? ok(message.body) : clusterFail(ClusterErrorCode.REMOTE_ERROR, message.errorMessage),
      );
      return;
    }
    void this.#answer(message);
  }

  async #answer(request: Extract<Message, { kind: 'request' }>): Promise<void> {
    let reply: Message;
    try {
      if (!this.#handler) throw new Error(`node ${this.nodeId} answers no requests`);
      const body: unknown = await this.#handler({
        from: request.from,
        name: request.name,
        body: request.body,
      });
      reply = { kind: 'reply', id: request.id, ok: true, body: body ?? null };
    } catch (error) {
      reply = {
        kind: 'reply',
        id: request.id,
        ok: false,
        errorMessage: `${request.name} on node ${this.nodeId}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if (this.#closed) return;
    // A reply that cannot be sent is the asker's timeout.
    await attempt('reply', () =>
      this.#redis.command.publish(this.#keys.rpc(request.from), JSON.stringify(reply)),
    );
  }
}

function closedFailure(): ClusterFailure {
  return clusterFail(ClusterErrorCode.CLOSED, 'the node requests are closed');
}

/** A request or reply, or `null` for anything else. */
function parse(text: string): Message | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Record<string, unknown>;
  if (typeof message.id !== 'string') return null;
  if (message.kind === 'request') {
    return typeof message.from === 'string' && typeof message.name === 'string' ? (message as Message) : null;
  }
  if (message.kind === 'reply') {
    if (message.ok === true) return message as Message;
    return message.ok === false && typeof message.errorMessage === 'string' ? (message as Message) : null;
  }
  return null;
}
