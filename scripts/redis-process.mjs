// @ts-check
/**
 * A throwaway Redis for tests and benchmarks: Debian's `redis-server` on a free 127.0.0.1 port, with
 * nothing kept (`--save ''`, `--appendonly no`), its working folder a temporary one.
 *
 * `startRedis()` resolves once the server answers `PING` with `+PONG` (it retries the connection
 * until the server listens, or the process exits, or the deadline passes: no sleeps). `stop()` ends
 * it by its PID (SIGTERM, SIGKILL after a bound) and removes the folder; `kill()` sends SIGKILL at
 * once, as a crash would. The server dies with this process too: it is started through util-linux's
 * `setpriv --pdeathsig SIGKILL` (same PID), and an exit hook kills what is left. Used by the cluster
 * tests (test/server/cluster-*.test.ts) and meant for the cluster benchmark. Types:
 * scripts/redis-process.d.mts.
 *
 * `redis-server` is looked for at `options.redisPath`, then `$REDIS_SERVER_PATH`, then
 * `/usr/bin/redis-server`; when it is missing, `startRedis()` rejects saying how to install it.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnOwned } from './owned-process.mjs';

export { freePort };

/** Where Debian installs the server. */
export const DEFAULT_REDIS_PATH = '/usr/bin/redis-server';
/** What `startRedis()` waits for the server to answer, at most. */
export const DEFAULT_READY_TIMEOUT_MS = 10_000;
/** How soon a refused connection to a starting server is retried. */
const RETRY_CONNECT_MS = 10;

/**
 * Sends `PING` over a plain TCP connection: resolves with `true` on `+PONG`, `false` on any other
 * answer (`-LOADING`, an error), rejects when the connection fails (refused while the server starts).
 * @param {string} host
 * @param {number} port
 * @param {number} timeoutMs
 * @returns {Promise<boolean>}
 */
export function pingRedis(host, port, timeoutMs = 2_000) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`redis-server on ${host}:${port} did not answer PING within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += String(chunk);
      if (!answer.includes('\r\n')) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer.startsWith('+PONG'));
    });
  });
}

/**
 * Pings until the server answers `+PONG`, the process exits, or `deadline` passes. A refused
 * connection is retried once the previous attempt has failed; so is an answer other than PONG.
 * @param {string} host
 * @param {number} port
 * @param {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @param {number} deadline epoch ms
 */
async function untilPong(host, port, exited, deadline) {
  let gone = /** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */ (null);
  void exited.then((how) => (gone = how));
  for (;;) {
    if (gone)
      throw new Error(`redis-server exited (${gone.signal ?? `code ${gone.code}`}) before it was ready`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`redis-server did not answer PING on ${host}:${port} in time`);
    try {
      if (await pingRedis(host, port, left)) return;
    } catch (error) {
      const code = /** @type {{ code?: string }} */ (error).code;
      if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET') throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_CONNECT_MS));
  }
}

/**
 * Starts a throwaway `redis-server`; resolves once it answers `PING`.
 * @param {import('./redis-process.d.mts').StartRedisOptions} [options]
 * @returns {Promise<import('./redis-process.d.mts').RedisProcess>}
 */
export async function startRedis(options = {}) {
  const redisPath = options.redisPath ?? process.env.REDIS_SERVER_PATH ?? DEFAULT_REDIS_PATH;
  if (!existsSync(redisPath)) {
    throw new Error(
      `redis-server not found at ${redisPath}: install Debian's redis-server (apt-get install redis-server), or set REDIS_SERVER_PATH`,
    );
  }
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const dir = await mkdtemp(join(tmpdir(), 'co-guest-redis-'));
  await chmod(dir, 0o700);
  const args = [
    '--bind',
    host,
    '--port',
    String(port),
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    '--loglevel',
    'warning',
    '--logfile',
    '',
  ];
  const { child, tail, exited, stop, kill } = spawnOwned(redisPath, args, {
    dir,
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.stopTimeoutMs !== undefined ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
  });

  try {
    await untilPong(host, port, exited, Date.now() + (options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS));
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\n--- last lines of redis-server's output ---\n${tail.join('\n')}`, {
      cause: error,
    });
  }
  return {
    url: `redis://${host}:${port}`,
    host,
    port,
    pid: /** @type {number} */ (child.pid),
    dir,
    exited,
    stop,
    kill,
    log: () => tail.join('\n'),
  };
}
