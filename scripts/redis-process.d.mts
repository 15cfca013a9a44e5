/** Types of scripts/redis-process.mjs for the TypeScript tests and scripts that use it. */

export interface StartRedisOptions {
  /** The port on 127.0.0.1. Default: a free one (give the old one to start a server again in its place). */
  port?: number;
  /** Default `$REDIS_SERVER_PATH`, then `/usr/bin/redis-server`. */
  redisPath?: string;
  /** Each line the server prints. */
  onLog?: (line: string) => void;
  /** Default 10 000. */
  readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. Default 5 000. */
  stopTimeoutMs?: number;
}

export interface RedisProcess {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  host: string;
  port: number;
  pid: number;
  /** The throwaway working folder (removed when the server exits). */
  dir: string;
  /** Settles when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (SIGKILL after `stopTimeoutMs`), then removes the folder. */
  stop(): Promise<void>;
  /** SIGKILL at once (a crash), then removes the folder. */
  kill(): Promise<void>;
  /** The last lines the server printed. */
  log(): string;
}

export const DEFAULT_REDIS_PATH: string;
export const DEFAULT_READY_TIMEOUT_MS: number;
export function freePort(host?: string): Promise<number>;
export function pingRedis(host: string, port: number, timeoutMs?: number): Promise<boolean>;
export function startRedis(options?: StartRedisOptions): Promise<RedisProcess>;
