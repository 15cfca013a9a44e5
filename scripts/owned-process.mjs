// @ts-check
/**
 * A service program the tests start and own (Janus, redis-server, …): started on a port of
 * 127.0.0.1 with a throwaway folder, stopped by PID, and dead with its parent. `setpriv
 * --pdeathsig` (util-linux) sets the parent-death signal and execs the program (same PID), so it
 * dies even when this process is killed; an exit hook covers the rest. Used by
 * scripts/janus-process.mjs and scripts/redis-process.mjs.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';

const SETPRIV = '/usr/bin/setpriv';
/** Lines of a program's output kept for an error message. */
const TAIL_LINES = 40;

/** Every program started here and still running: killed when this process exits. */
const running = new Set(/** @type {import('node:child_process').ChildProcess[]} */ ([]));
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A free TCP port on `host` (free when asked: the program takes it right after). */
export function freePort(host = '127.0.0.1') {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, host, () => {
        const address = server.address();
        server.close(() =>
          address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
        );
      });
    })
  );
}

/**
 * Starts `path` with `args`, owned by this process; `dir` (its throwaway folder) is removed once it
 * exits.
 * @param {string} path
 * @param {readonly string[]} args
 * @param {{ dir: string, onLog?: (line: string) => void, stopTimeoutMs?: number }} options
 */
export function spawnOwned(path, args, options) {
  const child = existsSync(SETPRIV)
    ? spawn(SETPRIV, ['--pdeathsig', 'SIGKILL', '--', path, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(path, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  /** The last lines the program printed. @type {string[]} */
  const tail = [];
  const onOutput = (/** @type {Buffer} */ chunk) => {
    for (const line of String(chunk).split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLog?.(line);
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const exited = /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */ (
    new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  );
  const removeFolder = () => rm(options.dir, { recursive: true, force: true });
  void exited.then(() => {
    running.delete(child);
    return removeFolder();
  });
  const alive = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
  /** SIGTERM (SIGKILL after `stopTimeoutMs`, default 5 s), then removes the folder. */
  const stop = async () => {
    if (alive()) {
      process.kill(/** @type {number} */ (child.pid), 'SIGTERM');
      const timer = setTimeout(() => {
        if (alive()) process.kill(/** @type {number} */ (child.pid), 'SIGKILL');
      }, options.stopTimeoutMs ?? 5_000);
      await exited;
      clearTimeout(timer);
    }
    await removeFolder();
  };
  /** SIGKILL at once (a crash), then removes the folder. */
  const kill = async () => {
    if (alive()) process.kill(/** @type {number} */ (child.pid), 'SIGKILL');
    await exited;
    await removeFolder();
  };
  return { child, tail, exited, alive, stop, kill };
}
