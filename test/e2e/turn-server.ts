/**
 * coturn (Debian's `coturn`, `/usr/bin/turnserver`; `TURNSERVER_PATH` overrides it) for the
 * end-to-end tests: `startTurn({ address })` writes a throwaway configuration into a temporary
 * folder (a random `static-auth-secret`, the TURN REST API's time-limited credentials, UDP and TCP
 * on `address` only, relays on `address` in a small port range, no TLS, no DTLS, no CLI, no log
 * file: the log goes to the process's stdout, which this module reads), starts coturn on it and
 * resolves once it answers a STUN binding request. `stop()` ends it by its PID and removes the
 * folder. `allocations()` and `relayPorts()` read what coturn logged, so that a test can tell that
 * media went through it. Run it only inside a network namespace of the test's own
 * (test/e2e/turn-scenario.ts).
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs coturn. */
export const TURNSERVER_PATH = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';
/** util-linux's `setpriv`: coturn gets a parent-death signal, as Janus does (scripts/janus-process.mjs). */
const SETPRIV = '/usr/bin/setpriv';
/** How long `startTurn` waits for coturn to answer. */
const READY_MS = 15_000;
/** How soon an unanswered STUN binding request is sent again (UDP: the first may come too early). */
const STUN_RESEND_MS = 100;
/** How long `stop()` waits after SIGTERM before SIGKILL. */
const STOP_MS = 5_000;

export interface TurnOptions {
  /** The address coturn listens and relays on (the namespace's own, never a machine's). */
  readonly address: string;
  /** The listening port (UDP and TCP). Default 3478. */
  readonly port?: number;
  /** The relay ports. Default 49152-49251. */
  readonly minPort?: number;
  readonly maxPort?: number;
}

/** One entry of `RTCConfiguration.iceServers`. */
export interface TurnIceServer {
  readonly urls: string;
  readonly username: string;
  readonly credential: string;
}

/** A running coturn. */
export interface TurnServer {
  /** `turn:<address>:<port>` (UDP). */
  readonly url: string;
  readonly address: string;
  readonly minPort: number;
  readonly maxPort: number;
  readonly pid: number;
  /** A user's time-limited credentials (TURN REST API: `<expiry>:<name>`, HMAC-SHA1 of the secret). */
  iceServer(name: string): TurnIceServer;
  /** How many allocations coturn granted so far (`ALLOCATE processed, success` in its log). */
  allocations(): number;
  /** The relay ports coturn handed out so far (`Local relay addr: <address>:<port>`). */
  relayPorts(): ReadonlySet<number>;
  /** The last lines of coturn's log, for a failure's message. */
  log(): string;
  stop(): Promise<void>;
}

/** The running coturn processes: killed if this process exits first. */
const running = new Set<ReturnType<typeof spawn>>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The configuration file. `dir` holds the PID file and the user database coturn opens. */
export function turnConfig(
  options: Required<TurnOptions> & { readonly secret: string; readonly dir: string },
): string {
  return [
    `listening-ip=${options.address}`,
    `relay-ip=${options.address}`,
    `listening-port=${options.port}`,
    `min-port=${options.minPort}`,
    `max-port=${options.maxPort}`,
    'use-auth-secret',
    `static-auth-secret=${options.secret}`,
    'realm=co-guest-kit.test',
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-software-attribute',
    'no-multicast-peers',
    // The log on stdout (read by this module), one line per request: allocations are counted.
    'log-file=stdout',
    'simple-log',
    'verbose',
    `pidfile=${join(options.dir, 'turnserver.pid')}`,
    `userdb=${join(options.dir, 'turndb')}`,
    '',
  ].join('\n');
}

/** A STUN binding request (RFC 5389): type 0x0001, no attribute, the magic cookie, `id`. */
function bindingRequest(id: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt32BE(0x2112a442, 4);
  return Buffer.concat([header, id]);
}

/** Resolves once `address:port` answers a STUN binding request with a success; rejects on `gone` or after `ms`. */
function stunAnswers(address: string, port: number, gone: Promise<string>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const id = randomBytes(12);
    const request = bindingRequest(id);
    const send = (): void => socket.send(request, port, address);
    const resend = setInterval(send, STUN_RESEND_MS);
    const deadline = setTimeout(
      () => finish(new Error(`coturn did not answer STUN on ${address}:${port} within ${ms} ms`)),
      ms,
    );
    let finished = false;
    function finish(error?: Error): void {
      if (finished) return;
      finished = true;
      clearInterval(resend);
      clearTimeout(deadline);
      socket.close();
      if (error) reject(error);
      else resolve();
    }
    void gone.then((why) => finish(new Error(`coturn exited (${why}) before it was ready`)));
    socket.on('message', (message) => {
      if (message.length >= 20 && message.readUInt16BE(0) === 0x0101 && message.subarray(8, 20).equals(id)) {
        finish();
      }
    });
    socket.on('error', (error) => finish(error));
    send();
  });
}

/** Starts coturn with a throwaway configuration; resolves once it answers STUN. */
export async function startTurn(options: TurnOptions): Promise<TurnServer> {
  if (!existsSync(TURNSERVER_PATH)) {
    throw new Error(
      `coturn not found at ${TURNSERVER_PATH}: install Debian's coturn ` +
        '(apt-get install --no-install-recommends coturn; .ci/run does) or set TURNSERVER_PATH',
    );
  }
  const settings = {
    address: options.address,
    port: options.port ?? 3478,
    minPort: options.minPort ?? 49_152,
    maxPort: options.maxPort ?? 49_251,
  };
  const secret = randomBytes(32).toString('base64url');
  const dir = await mkdtemp(join(tmpdir(), 'co-guest-turn-'));
  await chmod(dir, 0o700);
  const config = join(dir, 'turnserver.conf');
  await writeFile(config, turnConfig({ ...settings, secret, dir }), { mode: 0o600 });

  const args = ['-c', config];
  const child = existsSync(SETPRIV)
    ? spawn(SETPRIV, ['--pdeathsig', 'SIGKILL', '--', TURNSERVER_PATH, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(TURNSERVER_PATH, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const tail: string[] = [];
  let allocations = 0;
  const relayPorts = new Set<number>();
  const relayLine = new RegExp(
    `Local relay addr(?: \\(RTCP\\))?: ${settings.address.replace(/\./g, '\\.')}:(\\d+)`,
  );
  let partial = '';
  const onOutput = (chunk: Buffer): void => {
    const lines = (partial + String(chunk)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('incoming packet ALLOCATE processed, success')) allocations++;
      const relay = relayLine.exec(line);
      if (relay?.[1] !== undefined) relayPorts.add(Number(relay[1]));
      if (line.trim() === '' || /^\d+: : *$/.test(line)) continue;
      tail.push(line);
      if (tail.length > 60) tail.shift();
    }
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `code ${String(code)}`));
  });
  const removeFolder = (): Promise<void> => rm(dir, { recursive: true, force: true });
  void exited.then(() => {
    running.delete(child);
    return removeFolder();
  });

  const stop = async (): Promise<void> => {
    const pid = child.pid;
    if (child.exitCode === null && child.signalCode === null && pid !== undefined) {
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      }, STOP_MS);
      await exited;
      clearTimeout(timer);
    }
    await removeFolder();
  };

  try {
    await stunAnswers(settings.address, settings.port, exited, READY_MS);
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${reason}\n--- last lines of coturn's log ---\n${tail.join('\n')}`, { cause: error });
  }
  return {
    url: `turn:${settings.address}:${settings.port}`,
    address: settings.address,
    minPort: settings.minPort,
    maxPort: settings.maxPort,
    pid: child.pid ?? -1,
    iceServer(name) {
      // Valid for an hour: long enough for any run.
      const username = `${Math.floor(Date.now() / 1000) + 3600}:${name}`;
      const credential = createHmac('sha1', secret).update(username).digest('base64');
      return { urls: `turn:${settings.address}:${settings.port}`, username, credential };
    },
    allocations: () => allocations,
    relayPorts: () => relayPorts,
    log: () => tail.join('\n'),
    stop,
  };
}
