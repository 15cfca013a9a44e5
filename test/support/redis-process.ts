/**
 * Redis for the cluster tests: a throwaway `redis-server` (scripts/redis-process.mjs), connections
 * to it under a prefix of each test's own, and a bounded wait for a condition. When redis-server is
 * missing, `startTestRedis()` rejects saying how to install it: the tests fail, they never skip.
 */
import { randomBytes } from 'node:crypto';
import { startRedis, type RedisProcess } from '../../scripts/redis-process.mjs';
import {
  connectRedis,
  type RedisConnection,
  type RedisConnectionOptions,
} from '../../src/server/cluster/index.js';

export type { RedisProcess };

/** A redis-server on 127.0.0.1, on `port` (a free one by default). */
export function startTestRedis(port?: number): Promise<RedisProcess> {
  return startRedis(port === undefined ? {} : { port });
}

/** A prefix no other test uses. */
export function testPrefix(): string {
  return `test-${randomBytes(4).toString('hex')}:`;
}

/** Both connections to `redis` under `prefix`; throws when they cannot be made (a broken test setup). */
export async function connectTest(
  redis: RedisProcess,
  prefix: string,
  options: Partial<RedisConnectionOptions> = {},
): Promise<RedisConnection> {
  const connected = await connectRedis({ url: redis.url, prefix, ...options });
  if (!connected.isSuccess) throw new Error(`connecting to ${redis.url}: ${connected.errorMessage}`);
  return connected.data;
}

/**
 * Resolves with the first truthy value of `probe`, asked again after each answer (every `everyMs`),
 * or rejects naming `what` after `timeoutMs`. For conditions that no event announces (a TTL running
 * out in Redis); the bound is generous, and nothing asserts how long it took.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  { timeoutMs = 10_000, everyMs = 20 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Resolves when `connection`'s command connection is ready (after Redis came back). */
export function ready(connection: RedisConnection): Promise<void> {
  const both = [connection.command, connection.subscriber].map((client) =>
    client.status === 'ready'
      ? Promise.resolve()
      : new Promise<void>((resolve) => client.once('ready', resolve)),
  );
  return Promise.all(both).then(() => undefined);
}
