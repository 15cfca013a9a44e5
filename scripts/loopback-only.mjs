// @ts-check
/**
 * Runs a command with no network but loopback: `node scripts/loopback-only.mjs <command> [args…]`.
 *
 * The browser and end-to-end tests open real WebRTC connections; they must never reach past this
 * machine's loopback interface (no STUN host, no candidate on a LAN address). This wrapper:
 *
 * 1. runs the command as it is when the process already sees only `lo` (CI: `.ci/run` starts
 *    `npm test` inside `unshare -n`);
 * 2. otherwise runs it in a new network namespace with only `lo` up: `unshare -n` as root,
 *    `unshare -rn` (a user namespace) for anyone else;
 * 3. when neither is possible (macOS, Windows, Linux without user namespaces), says so loudly and
 *    runs the command with the machine's network, setting `CO_GUEST_NETWORK=host` so that the
 *    end-to-end harness knows the isolation was tried and is not available. The tests still use no
 *    ICE server, so no traffic leaves the machine, but Chromium may pair the machine's own
 *    non-loopback addresses.
 *
 * The exit code is the command's.
 */
import { spawn, spawnSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node scripts/loopback-only.mjs <command> [args…]');
  process.exit(2);
}

/** @returns {boolean} the process sees no interface but loopback. */
function loopbackOnly() {
  return Object.keys(networkInterfaces()).every((name) => name === 'lo');
}

/** @returns {string[] | null} the `unshare` flags that work here, or `null`. */
function unshareFlags() {
  if (process.platform !== 'linux') return null;
  const candidates = process.getuid?.() === 0 ? [['-n'], ['-rn']] : [['-rn']];
  for (const flags of candidates) {
    const probe = spawnSync('unshare', [...flags, 'sh', '-c', 'ip link set lo up'], {
      stdio: 'ignore',
    });
    if (probe.status === 0) return flags;
  }
  return null;
}

/**
 * @param {string} file
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
function run(file, args, env) {
  const child = spawn(file, args, { stdio: 'inherit', env });
  const forward = (/** @type {NodeJS.Signals} */ signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    process.exit(code ?? 1);
  });
}

const [file, ...args] = command;
if (loopbackOnly()) {
  run(/** @type {string} */ (file), args, process.env);
} else {
  const flags = unshareFlags();
  if (flags) {
    run('unshare', [...flags, 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...command], process.env);
  } else {
    console.warn(
      [
        '',
        '!!! loopback-only: cannot create a network namespace here (unshare -n / unshare -rn).',
        '!!! Running with this machine network: no ICE server is used, but WebRTC may pair this',
        "!!! machine's own non-loopback addresses.",
        '',
      ].join('\n'),
    );
    run(/** @type {string} */ (file), args, { ...process.env, CO_GUEST_NETWORK: 'host' });
  }
}
