/**
 * The Redis connections of one server process in a cluster, over `ioredis`.
 *
 * `ioredis` is an optional peer dependency: it is loaded with a dynamic `import()` only when a
 * cluster is configured, so a server that runs alone never needs it. Each process opens two
 * connections: `command` for keys, scripts and `PUBLISH`, and `subscriber`, which Redis's pub/sub
 * mode reserves for `SUBSCRIBE` (the event bus, the request channel and the claim notices share it).
 *
 * Both connections fail fast rather than queue: with Redis down a command is refused at once
 * (`enableOfflineQueue: false`), a command in flight when the connection drops is not sent again,
 * and a command that gets no answer fails after `commandTimeoutMs`. Meanwhile `ioredis` reconnects
 * on its own (backing off up to `maxReconnectDelayMs`); the modules over it take up again, and
 * re-subscribe, when it is `ready`. Connection errors go to `onError` (never to the console).
 */
import { createHash } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { attempt, clusterFail, ClusterErrorCode, ok, type ClusterResult } from './result.js';

/** How long a command may wait for Redis's answer by default, in ms. */
export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
/** How long connecting may take by default, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
/** The longest wait between two reconnection attempts by default, in ms. */
export const DEFAULT_MAX_RECONNECT_DELAY_MS = 1_000;
/** The prefix of every key and channel by default. */
export const DEFAULT_KEY_PREFIX = 'co-guest:';

/** The `ioredis` module, as far as the cluster uses it. */
export interface IoredisModule {
  readonly Redis: typeof Redis;
}

/** Options of `connectRedis`. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  readonly url: string;
  /**
   * Prefix of every key and channel, so that one Redis can serve several clusters (or tests).
   * Default `'co-guest:'`.
   */
  readonly prefix?: string;
  /** How long a command may wait for its answer before it fails with `timeout`. Default 1,000 ms. */
  readonly commandTimeoutMs?: number;
  /** How long the first connection may take before `connectRedis` fails with `unreachable`. Default 2,000 ms. */
  readonly connectTimeoutMs?: number;
  /** The longest wait between reconnection attempts once connected. Default 1,000 ms. */
  readonly maxReconnectDelayMs?: number;
  /** Connection errors (refused, reset) while `ioredis` reconnects. Default: ignored. */
  readonly onError?: (error: Error) => void;
  /** Loads `ioredis`; tests replace it. Default `import('ioredis')`. */
  readonly importIoredis?: () => Promise<IoredisModule>;
}

/** The two connections of one process, and the key prefix they share. */
export interface RedisConnection {
  /** Keys, scripts and `PUBLISH`. */
  readonly command: Redis;
  /** `SUBSCRIBE` only (pub/sub mode). */
  readonly subscriber: Redis;
  /** The prefix of every key and channel. */
  readonly prefix: string;
  /** Closes both connections (pending commands fail with `unreachable`). */
  close(): Promise<void>;
}

/**
 * Loads `ioredis`: its module, or `ioredis-missing` saying how to install it, when it is not
 * installed.
 */
export async function loadIoredis(
  importIoredis: () => Promise<IoredisModule> = () => import('ioredis'),
): Promise<ClusterResult<IoredisModule>> {
  try {
    return ok(await importIoredis());
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      return clusterFail(
        ClusterErrorCode.IOREDIS_MISSING,
        'A cluster needs the ioredis package, an optional peer dependency of co-guest-kit: npm install ioredis',
      );
    }
    return clusterFail(
      ClusterErrorCode.IOREDIS_MISSING,
      `ioredis could not be loaded (${error instanceof Error ? error.message : String(error)}): npm install ioredis`,
    );
  }
}

/** Whether `url` is a Redis URL the cluster accepts (`redis:` or `rediss:`, with a host). */
export function isRedisUrl(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const parsed = new URL(url);
  return (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') && parsed.hostname !== '';
}

/**
 * Opens both connections and waits until each is ready. Fails with `invalid-url`,
 * `ioredis-missing`, or `unreachable` when Redis does not accept them within `connectTimeoutMs`
 * (both are closed then: nothing keeps retrying behind the caller's back).
 */
export async function connectRedis(options: RedisConnectionOptions): Promise<ClusterResult<RedisConnection>> {
  if (!isRedisUrl(options.url)) {
    return clusterFail(
      ClusterErrorCode.INVALID_URL,
      `Not a Redis URL (redis://host:port or rediss://…): ${options.url}`,
    );
  }
  const loaded = await loadIoredis(options.importIoredis);
  if (!loaded.isSuccess) return loaded;
  const { Redis } = loaded.data;
  const maxDelay = options.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS;
  const settings: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 50, maxDelay),
  };
  const onError = options.onError ?? (() => undefined);
  const command = new Redis(options.url, { ...settings, connectionName: 'co-guest-command' });
  const subscriber = new Redis(options.url, { ...settings, connectionName: 'co-guest-subscriber' });
  command.on('error', onError);
  subscriber.on('error', onError);
  const close = async () => {
    command.disconnect();
    subscriber.disconnect();
    await Promise.resolve();
  };
  const opened = await attempt('connect', () => Promise.all([command.connect(), subscriber.connect()]));
  if (!opened.isSuccess) {
    await close();
    return clusterFail(ClusterErrorCode.UNREACHABLE, `Redis at ${redacted(options.url)} is unreachable`);
  }
  return ok({ command, subscriber, prefix: options.prefix ?? DEFAULT_KEY_PREFIX, close });
}

/** The URL without its password, for messages and logs. */
export function redacted(url: string): string {
  if (!URL.canParse(url)) return url;
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** A Lua script, run by its SHA1 (`EVALSHA`), sent in full (`EVAL`) the first time Redis lacks it. */
export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

/** A script for `runScript`. */
export function luaScript(lua: string): LuaScript {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

/** Runs `script` with `keys` and `args`; rejects as `ioredis` does (see `attempt`). */
export async function runScript(
  redis: Redis,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script.lua, keys.length, ...keys, ...args);
  }
}
