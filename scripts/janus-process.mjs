// @ts-check
/**
 * A Janus process for development and tests: the configuration templates of `janus/` filled in
 * (ports, secrets, ICE interface, public address, TURN) into a throwaway folder, and Debian's
 * `janus` started on it, bound to loopback.
 *
 * `startJanus()` resolves once Janus answers on its WebSocket (it watches Janus's log for the
 * transport's start, then connects and asks `info`): no sleeps. `stop()` ends the process by its
 * PID and removes the folder. Used by `scripts/janus.mjs` (`npm run janus`) and by the tests
 * (test/server/janus-*.test.ts). Types: scripts/janus-process.d.mts.
 *
 * Janus is looked for at `options.janusPath`, then `$JANUS_PATH`, then `/usr/bin/janus`; its
 * plugins at `options.libFolder`, then `$JANUS_LIB_FOLDER`, then Debian's and the usual install
 * folders. When it is missing, `startJanus()` rejects saying how to install it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { freePort, spawnOwned } from './owned-process.mjs';

export { freePort };

/** The folder of configuration templates. */
export const TEMPLATE_FOLDER = fileURLToPath(new URL('../janus/', import.meta.url));
/** The files of a configuration folder, each filled in from the template of the same name. */
export const CONFIG_FILES = ['janus.jcfg', 'janus.plugin.videoroom.jcfg', 'janus.transport.websockets.jcfg'];
/** Where Debian installs the gateway. */
export const DEFAULT_JANUS_PATH = '/usr/bin/janus';
/** What `startJanus()` waits for Janus to answer, at most. */
export const DEFAULT_READY_TIMEOUT_MS = 15_000;

/** How soon a refused connection to a starting Janus is retried. */
const RETRY_CONNECT_MS = 20;
/** Janus's UDP ports for media when none is given. */
export const DEFAULT_RTP_PORT_RANGE = '20000-40000';

/** A random secret: 32 bytes, base64url. */
export function generateSecret() {
  return randomBytes(32).toString('base64url');
}

/** Where the plugin, transport, logger and event handler folders are (`…/janus`). */
export function findLibFolder(given = process.env.JANUS_LIB_FOLDER) {
  const multiarch = arch() === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  const candidates = given
    ? [given]
    : [`/usr/lib/${multiarch}/janus`, '/usr/lib/janus', '/usr/local/lib/janus', '/opt/janus/lib/janus'];
  return candidates.find((folder) => existsSync(join(folder, 'plugins', 'libjanus_videoroom.so'))) ?? null;
}

/**
 * A value that goes between double quotes in a `.jcfg` file: no quote, backslash or line break.
 * @param {string} name
 * @param {unknown} value
 */
function quoted(name, value) {
  if (typeof value !== 'string' || /["\\\r\n]/.test(value)) {
    throw new TypeError(`janus config: ${name} must be a string without quotes, backslashes or line breaks`);
  }
  return `"${value}"`;
}

/**
 * The `nat` lines that differ per run.
 * @param {import('./janus-process.d.mts').JanusConfigOptions} options
 */
function natLines(options) {
  const lines = [];
  if (options.iceInterface) lines.push(`ice_enforce_list = ${quoted('iceInterface', options.iceInterface)}`);
  if (options.natMapping) {
    lines.push(`nat_1_1_mapping = ${quoted('natMapping', options.natMapping)}`);
    if (options.keepPrivateHost) lines.push('keep_private_host = true');
  }
  if (options.stun) {
    lines.push(`stun_server = ${quoted('stun.server', options.stun.server)}`);
    lines.push(`stun_port = ${Number(options.stun.port ?? 3478)}`);
  }
  const turn = options.turn;
  if (turn && 'restApi' in turn) {
    lines.push(`turn_rest_api = ${quoted('turn.restApi', turn.restApi)}`);
    if (turn.restApiKey) lines.push(`turn_rest_api_key = ${quoted('turn.restApiKey', turn.restApiKey)}`);
    lines.push(`turn_rest_api_method = ${quoted('turn.restApiMethod', turn.restApiMethod ?? 'GET')}`);
  } else if (turn) {
    lines.push(`turn_server = ${quoted('turn.server', turn.server)}`);
    lines.push(`turn_port = ${Number(turn.port ?? 3478)}`);
    lines.push(`turn_type = ${quoted('turn.type', turn.type ?? 'udp')}`);
    lines.push(`turn_user = ${quoted('turn.user', turn.user)}`);
    lines.push(`turn_pwd = ${quoted('turn.password', turn.password)}`);
  }
  return lines.map((line) => `\t${line}`).join('\n');
}

/**
 * The three configuration files, filled in.
 * @param {import('./janus-process.d.mts').JanusConfigOptions} options
 * @returns {Promise<Record<string, string>>}
 */
export async function renderJanusConfig(options) {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new RangeError('janus config: port must be 1..65535');
  const rtpPortRange = options.rtpPortRange ?? DEFAULT_RTP_PORT_RANGE;
  if (!/^\d{1,5}-\d{1,5}$/.test(rtpPortRange))
    throw new TypeError('janus config: rtpPortRange must be "min-max"');
  const debugLevel = Number(options.debugLevel ?? 3);
  if (!Number.isInteger(debugLevel) || debugLevel < 0 || debugLevel > 7) {
    throw new RangeError('janus config: debugLevel must be 0..7');
  }
  const sessionTimeout = Number(options.sessionTimeout ?? 60);
  if (!Number.isInteger(sessionTimeout) || sessionTimeout < 0) {
    throw new RangeError('janus config: sessionTimeout must be a whole number of seconds');
  }
  /** @type {Record<string, string>} */
  const values = {
    SESSION_TIMEOUT: String(sessionTimeout),
    CONFIGS_FOLDER: quoted('configsFolder', options.configsFolder).slice(1, -1),
    LIB_FOLDER: quoted('libFolder', options.libFolder).slice(1, -1),
    DEBUG_LEVEL: String(debugLevel),
    TOKEN_AUTH_SECRET: quoted('tokenSecret', options.tokenSecret).slice(1, -1),
    ADMIN_SECRET: quoted('adminSecret', options.adminSecret).slice(1, -1),
    ADMIN_KEY: quoted('adminKey', options.adminKey).slice(1, -1),
    RTP_PORT_RANGE: rtpPortRange,
    WS_PORT: String(port),
    WS_IP: quoted('host', options.host ?? '127.0.0.1').slice(1, -1),
    NAT: natLines(options),
  };
  for (const name of ['tokenSecret', 'adminSecret', 'adminKey']) {
    if (!(/** @type {Record<string, unknown>} */ (options)[name]))
      throw new TypeError(`janus config: ${name} is required`);
  }
  /** @type {Record<string, string>} */
  const files = {};
  for (const file of CONFIG_FILES) {
    const template = await readFile(join(TEMPLATE_FOLDER, file), 'utf8');
    files[file] = template.replace(/@([A-Z_]+)@/g, (match, /** @type {string} */ name) => {
      const value = values[name];
      if (value === undefined) throw new Error(`janus config: ${file} has an unknown placeholder ${match}`);
      return value;
    });
  }
  return files;
}

/**
 * Asks Janus `info` over the WebSocket: resolves with its answer, rejects when it does not answer.
 * @param {string} url
 * @param {number} timeoutMs
 * @returns {Promise<Record<string, unknown>>}
 */
export function janusInfo(url, timeoutMs = 5_000) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'janus-protocol');
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`Janus at ${url} did not answer info within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('open', () => socket.send(JSON.stringify({ janus: 'info', transaction: 'ready' })));
    socket.on('message', (data) => {
      clearTimeout(timer);
      socket.close();
      resolve(JSON.parse(String(data)));
    });
  });
}

/**
 * Connects to Janus until it answers `info`: each refused connection is retried once the previous
 * attempt has failed (Janus binds its port about 200 ms after it starts), until `deadline`, or
 * until the process exits.
 * @param {string} url
 * @param {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @param {number} deadline epoch ms
 * @returns {Promise<Record<string, unknown>>}
 */
async function untilAnswers(url, exited, deadline) {
  let gone = /** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */ (null);
  void exited.then((how) => (gone = how));
  for (;;) {
    if (gone) throw new Error(`Janus exited (${gone.signal ?? `code ${gone.code}`}) before it was ready`);
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`Janus did not answer on ${url} in time`);
    try {
      return await janusInfo(url, left);
    } catch (error) {
      const code = /** @type {{ code?: string }} */ (error).code;
      if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET') throw error;
      await new Promise((resolve) => setTimeout(resolve, RETRY_CONNECT_MS));
    }
  }
}

/**
 * Starts Janus with a throwaway configuration; resolves once it answers on its WebSocket.
 * @param {import('./janus-process.d.mts').StartJanusOptions} [options]
 * @returns {Promise<import('./janus-process.d.mts').JanusProcess>}
 */
export async function startJanus(options = {}) {
  const janusPath = options.janusPath ?? process.env.JANUS_PATH ?? DEFAULT_JANUS_PATH;
  if (!existsSync(janusPath)) {
    throw new Error(
      `Janus not found at ${janusPath}: install Debian's janus (apt-get install janus), or set JANUS_PATH`,
    );
  }
  const libFolder = options.libFolder ?? findLibFolder();
  if (!libFolder) {
    throw new Error(
      "Janus plugins not found (libjanus_videoroom.so): install Debian's janus, or set JANUS_LIB_FOLDER",
    );
  }
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const secrets = {
    tokenSecret: options.tokenSecret ?? generateSecret(),
    adminKey: options.adminKey ?? generateSecret(),
    adminSecret: options.adminSecret ?? generateSecret(),
  };
  const dir = await mkdtemp(join(tmpdir(), 'co-guest-janus-'));
  await chmod(dir, 0o700);
  try {
    const files = await renderJanusConfig({
      ...options,
      ...secrets,
      host,
      port,
      libFolder,
      configsFolder: dir,
    });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text, { mode: 0o600 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const args = ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'];
  if (options.logFile) args.push('-L', options.logFile);
  const { child, tail, exited, stop } = spawnOwned(janusPath, args, {
    dir,
    ...(options.onLog ? { onLog: options.onLog } : {}),
    ...(options.stopTimeoutMs !== undefined ? { stopTimeoutMs: options.stopTimeoutMs } : {}),
  });
  const url = `ws://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  try {
    const info = await untilAnswers(url, exited, Date.now() + readyTimeoutMs);
    if (info.janus !== 'server_info') throw new Error(`Janus answered info with ${JSON.stringify(info)}`);
    return {
      url,
      port,
      host,
      pid: /** @type {number} */ (child.pid),
      dir,
      secrets,
      version: typeof info.version_string === 'string' ? info.version_string : '',
      exited,
      stop,
      log: () => tail.join('\n'),
    };
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\n--- last lines of Janus's log ---\n${tail.join('\n')}`, { cause: error });
  }
}
