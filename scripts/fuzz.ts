/**
 * Fuzz the signaling server with hostile messages while a live goes on.
 *
 *   node --import tsx scripts/fuzz.ts [--messages N] [--seed S]     (npm run fuzz: 100,000 messages)
 *
 * A server on 127.0.0.1 (a free port) holds a live with a host, a seated guest, an applicant and an
 * audience member on real sockets. Fuzzing clients, never members of that live, send random bytes,
 * mutated valid messages, wrong types, huge and deeply nested JSON, long and odd Unicode, invalid
 * UTF-8 and binary frames, before and after their handshake. Checked:
 *
 * - the server never fails: no `hub error`, no closed-for-internal-error connection, `/healthz` ok;
 * - every message is answered: one `reply` or `error` each, or the connection is closed with a code
 *   and a reason (the messages after the closing one are not read);
 * - the users of the live notice nothing: not one message reaches them, and the live's state
 *   (a fresh snapshot) is the same after the run;
 * - memory is flat: heap and RSS after a forced GC, once warm and at the end.
 *
 * Seeded and reproducible: the seed is printed; pass it back with `--seed`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { WebSocket } from 'ws';
import { CloseCode } from '../src/protocol/errors.js';
import type { ServerMessage } from '../src/protocol/messages.js';
import { PROTOCOL_VERSION } from '../src/protocol/version.js';
import { createServer, type ServerHandle } from '../src/server/server.js';
import { createToken } from '../src/server/token.js';
import { seededRun } from './seeded-run.js';

const SECRET = 'fuzz-secret-0123456789abcdef0123456789abcdef';
const LIVE = 'show';
const MAX_MESSAGE_BYTES = 16_384;
const WAIT_MS = 10_000;

export interface FuzzOptions {
  readonly messages: number;
  readonly seed: number;
  /** Receives progress lines. Default: silent. */
  readonly log?: (line: string) => void;
}

export interface FuzzReport {
  readonly seed: number;
  readonly messages: number;
  /** Messages by kind of input. */
  readonly kinds: Record<string, number>;
  readonly replies: number;
  readonly errors: number;
  /** Close codes seen by the fuzzing clients, with counts. */
  readonly closes: Record<string, number>;
  /** Fuzzing connections opened. */
  readonly connections: number;
  /** Problems found; empty when everything held. */
  readonly failures: string[];
  readonly heapWarmMB: number;
  readonly heapEndMB: number;
  readonly rssWarmMB: number;
  readonly rssEndMB: number;
  /** Heap and RSS after a forced GC, every tenth of the run. */
  readonly samples: readonly { readonly messages: number; readonly heapMB: number; readonly rssMB: number }[];
  readonly seconds: number;
}

// ── a seeded random source ──────────────────────────────────────────────────────────────────

class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }
  /** 0 ≤ x < 1 (mulberry32). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(max: number): number {
    return Math.floor(this.next() * max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ── inputs ───────────────────────────────────────────────────────────────────────────────────

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202e\u0645\u0631\u062d\u0628\u0627', // right-to-left override and Arabic
  '\u200b\u200c\u200d\ufeff', // zero-width
  'e\u0301\u0301\u0301\u0301\u0301\u0301', // stacked combining marks
  '\ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67\u200d\ud83d\udc66', // a family emoji
  '\ud800', // a lone high surrogate
  '\udfff', // a lone low surrogate
  '<img src=x onerror=alert(1)>',
  '"><script>alert(1)</script>',
  'javascript:alert(1)',
  '__proto__',
  'constructor',
  '{"type":"hello"}',
  '\\u0000',
  '%00%0d%0a',
  '\r\n\t\v\f',
  'A'.repeat(64),
  'A'.repeat(65),
  '\uffff\ufffe',
  '𝕳𝖊𝖑𝖑𝖔',
];

const COMMAND_NAMES = [
  'live.create',
  'live.join',
  'live.leave',
  'live.end',
  'live.list',
  'member.setAdmin',
  'guest.apply',
  'guest.cancelApplication',
  'guest.acceptApplication',
  'guest.rejectApplication',
  'guest.invite',
  'guest.cancelInvitation',
  'guest.acceptInvitation',
  'guest.rejectInvitation',
  'seat.take',
  'seat.leave',
  'seat.move',
  'seat.kick',
  'seat.lock',
  'device.publish',
  'device.closeRemote',
  'device.setRemoteAllowed',
  'media.watch',
  'media.unwatch',
  'media.viewers',
  'media.signal',
  'live.destroy',
  '__proto__',
  'constructor',
  'toString',
];

const MEMBERS = ['host', 'guest', 'applicant', 'viewer'];

function oddString(random: Random): string {
  const base = random.pick(ODD_STRINGS);
  return random.chance(0.2) ? base.repeat(1 + random.int(200)) : base;
}

function randomScalar(random: Random): unknown {
  switch (random.int(9)) {
    case 0:
      return null;
    case 1:
      return random.chance(0.5);
    case 2:
      return random.int(40) - 20;
    case 3:
      return random.pick([1e308, -1e308, 0.5, -0, 2 ** 53 + 1, 1e-300]);
    case 4:
      return oddString(random);
    case 5:
      return [];
    case 6:
      return {};
    case 7:
      return random.pick(MEMBERS);
    default:
      // Never the bystanders' live: a valid `live.join` of it would be a legitimate change.
      return random.pick(['fz-1', 'fz-2', 'nolive']);
  }
}

function randomValue(random: Random, depth = 0): unknown {
  if (depth > 3 || random.chance(0.6)) return randomScalar(random);
  if (random.chance(0.5)) return Array.from({ length: random.int(4) }, () => randomValue(random, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = random.int(4); i > 0; i--) out[oddString(random) || 'k'] = randomValue(random, depth + 1);
  return out;
}

/**
 * A well-formed command, aimed so that it cannot reach the live of the bystanders even when valid:
 * it names the fuzzer's own lives, or `show` only for commands that need a membership it lacks.
 */
function validCommand(random: Random, id: string): Record<string, unknown> {
  const name = random.pick(COMMAND_NAMES.slice(0, 25));
  const own = random.pick(['fz-1', 'fz-2', 'fz-3']);
  const liveId = name === 'live.create' || name === 'live.join' ? own : random.pick([LIVE, own]);
  const userId = random.pick([...MEMBERS, 'fuzz', 'nobody']);
  const args: Record<string, unknown> = { liveId };
  switch (name) {
    case 'live.create':
      args.liveName = oddString(random).slice(0, 64);
      args.seatMode = random.pick(['apply', 'free']);
      args.maxSeatCount = 1 + random.int(16);
      break;
    case 'live.join':
      if (random.chance(0.5)) args.sinceSeq = random.int(100);
      break;
    case 'live.list':
      // Pages: a cursor of this server, an empty one or an odd one, and counts in and out of range.
      args.cursor = random.pick(['', '1', 'zz', oddString(random)]);
      args.count = random.int(80) - 10;
      break;
    case 'guest.apply':
    case 'guest.invite':
      args.seatIndex = random.int(17) - 1;
      args.timeout = random.int(30);
      args.extraInfo = oddString(random).slice(0, 256);
      args.inviteeId = userId;
      break;
    case 'media.signal':
      args.to = userId;
      args.data = random.chance(0.5)
        ? { type: 'offer', sdp: `v=0\r\n${oddString(random)}` }
        : { type: 'candidate', candidate: { candidate: oddString(random).slice(0, 200), sdpMid: '0' } };
      break;
    default:
      args.userId = userId;
      args.inviterId = userId;
      args.publisherId = userId;
      args.seatIndex = random.int(16);
      args.targetIndex = random.int(16);
      args.device = random.pick(['microphone', 'camera']);
      args.allowed = random.chance(0.5);
      args.admin = random.chance(0.5);
  }
  return { type: 'cmd', id, name, args };
}

function mutateText(random: Random, text: string): string {
  let out = text;
  for (let n = 1 + random.int(4); n > 0; n--) {
    const at = random.int(out.length + 1);
    switch (random.int(6)) {
      case 0: // flip one character
        out = out.slice(0, at) + String.fromCharCode(random.int(0x3000)) + out.slice(at + 1);
        break;
      case 1: // delete a range
        out = out.slice(0, at) + out.slice(at + 1 + random.int(12));
        break;
      case 2: // insert JSON punctuation
        out =
          out.slice(0, at) +
          random.pick(['{', '}', '[', ']', '"', ',', ':', '\\', 'null', '1e999']) +
          out.slice(at);
        break;
      case 3: // duplicate a slice
        out = out.slice(0, at) + out.slice(at, at + random.int(20)) + out.slice(at);
        break;
      case 4: // truncate
        out = out.slice(0, at);
        break;
      default: // swap a quote for an odd string
        out = out.replace('"', `"${oddString(random).replace(/"/g, '')}`);
    }
  }
  return out;
}

/** A valid command with one field replaced by a value of another type. */
function wrongTypes(random: Random, id: string): string {
  const command = validCommand(random, id);
  const args = command.args as Record<string, unknown>;
  const keys = Object.keys(args);
  const targets = ['type', 'id', 'name', 'args', ...keys.map((key) => `args.${key}`)];
  const target = random.pick(targets);
  const value = randomValue(random);
  if (target.startsWith('args.')) args[target.slice(5)] = value;
  else command[target] = value;
  const text = JSON.stringify(command);
  return random.chance(0.2) ? text.replace('"args":{', '"args":{"__proto__":{"admin":true},') : text;
}

function deepJson(random: Random, id: string): string {
  const depth = 100 + random.int(4_000);
  const open = random.chance(0.5) ? '[' : '{"a":';
  const close = open === '[' ? ']' : '}';
  const nested = open.repeat(depth) + '1' + close.repeat(depth);
  if (nested.length > MAX_MESSAGE_BYTES - 200) return open.repeat(depth);
  return random.chance(0.5)
    ? nested
    : `{"type":"cmd","id":"${id}","name":"guest.apply","args":{"liveId":"${LIVE}","extraInfo":${nested}}}`;
}

function hugeJson(random: Random, id: string): string {
  if (random.chance(0.5)) {
    // Over the limit: the server closes with 1009.
    return JSON.stringify({
      type: 'cmd',
      id,
      name: 'live.list',
      args: { pad: 'x'.repeat(MAX_MESSAGE_BYTES + random.int(40_000)) },
    });
  }
  // Just under the limit: answered.
  const pad = 'é'.repeat(Math.floor((MAX_MESSAGE_BYTES - 300) / 2));
  return JSON.stringify({ type: 'cmd', id, name: 'guest.apply', args: { liveId: LIVE, extraInfo: pad } });
}

function randomText(random: Random): string {
  const length = random.int(300);
  let out = '';
  for (let i = 0; i < length; i++)
    out += String.fromCharCode(random.chance(0.8) ? 32 + random.int(95) : random.int(0x10000));
  return out;
}

type Input =
  | { readonly kind: string; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: Buffer }
  | { readonly kind: 'badUtf8'; readonly bytes: Buffer };

/** The close an input must cause on an authenticated connection, or `null` for an answer. */
function expectedClose(input: Input): number | null {
  if (input.kind === 'binary') return CloseCode.UNSUPPORTED_DATA;
  if (input.kind === 'badUtf8') return 1007;
  if ('text' in input && Buffer.byteLength(input.text) > MAX_MESSAGE_BYTES) return CloseCode.TOO_BIG;
  return null;
}

const KINDS = [
  'randomText',
  'mutated',
  'mutated',
  'mutated',
  'wrongTypes',
  'wrongTypes',
  'valid',
  'oddUnicode',
  'deep',
  'huge',
  'binary',
  'badUtf8',
  'hello',
] as const;

function makeInput(random: Random, id: string): Input {
  const kind = random.pick(KINDS);
  switch (kind) {
    case 'randomText':
      return { kind, text: randomText(random) };
    case 'mutated':
      return { kind, text: mutateText(random, JSON.stringify(validCommand(random, id))) };
    case 'wrongTypes':
      return { kind, text: wrongTypes(random, id) };
    case 'valid':
      return { kind, text: JSON.stringify(validCommand(random, id)) };
    case 'oddUnicode': {
      const command = validCommand(random, id);
      (command.args as Record<string, unknown>)[random.pick(['liveId', 'extraInfo', 'liveName', 'userId'])] =
        oddString(random);
      return { kind, text: JSON.stringify(command) };
    }
    case 'deep':
      return { kind, text: deepJson(random, id) };
    case 'huge':
      return { kind, text: hugeJson(random, id) };
    case 'binary':
      return { kind, bytes: Buffer.from(Array.from({ length: 1 + random.int(64) }, () => random.int(256))) };
    case 'badUtf8':
      return { kind, bytes: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe, 0x22, 0x7d]) };
    default:
      return {
        kind,
        text: JSON.stringify({ type: 'hello', protocol: randomScalar(random), token: randomScalar(random) }),
      };
  }
}

// ── clients ──────────────────────────────────────────────────────────────────────────────────

/** A raw client that counts what it gets. */
class Peer {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly #waiters = new Set<() => void>();

  constructor(url: string) {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data, isBinary) => {
      if (!isBinary) this.messages.push(JSON.parse((data as Buffer).toString('utf8')) as ServerMessage);
      this.#notify();
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString('utf8') };
      this.#notify();
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** Resolves once `predicate` holds; rejects after WAIT_MS. */
  until(predicate: () => boolean, what: string): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, WAIT_MS);
      this.#waiters.add(check);
    });
  }

  async open(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('close', () => reject(new Error('closed before open')));
    });
  }

  async login(userId: string): Promise<void> {
    await this.open();
    this.ws.send(
      JSON.stringify({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        token: await createToken({ secret: SECRET, userId, userName: userId }),
      }),
    );
    await this.until(() => this.messages.some((m) => m.type === 'welcome'), `welcome of ${userId}`);
  }

  answered(): number {
    return this.messages.filter((m) => m.type === 'reply' || m.type === 'error').length;
  }

  async command(name: string, args: Record<string, unknown>): Promise<ServerMessage> {
    const id = `setup-${name}-${this.messages.length}-${Math.random().toString(36).slice(2)}`;
    this.ws.send(JSON.stringify({ type: 'cmd', id, name, args }));
    await this.until(() => this.messages.some((m) => m.type === 'reply' && m.id === id), `reply to ${name}`);
    const reply = this.messages.find((m) => m.type === 'reply' && m.id === id);
    if (reply?.type !== 'reply' || !reply.result.isSuccess)
      throw new Error(`${name} failed: ${JSON.stringify(reply)}`);
    return reply;
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.terminate();
  }
}

// ── memory ───────────────────────────────────────────────────────────────────────────────────

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function memory(): { heapMB: number; rssMB: number } {
  gc();
  gc();
  const usage = process.memoryUsage();
  return { heapMB: usage.heapUsed / 2 ** 20, rssMB: usage.rss / 2 ** 20 };
}

const round = (n: number): number => Math.round(n * 10) / 10;

// ── the run ──────────────────────────────────────────────────────────────────────────────────

const CLOSE_CODES_WITH_REASON = new Set<number>([
  CloseCode.UNSUPPORTED_DATA,
  CloseCode.TOO_BIG,
  CloseCode.BAD_HANDSHAKE,
  CloseCode.UNAUTHORIZED,
  CloseCode.TOKEN_EXPIRED,
  CloseCode.UNSUPPORTED_PROTOCOL,
  CloseCode.RATE_LIMITED,
  1007, // invalid UTF-8, closed by ws itself
]);

/**
 * Closes `ws` makes itself, before the server sees the message: the standard code is the whole
 * reason (RFC 6455: 1007 invalid UTF-8, 1009 too big), with no reason text.
 */
const CLOSED_BY_WS = new Set<number>([1007, CloseCode.TOO_BIG]);

async function liveSnapshot(host: Peer): Promise<string> {
  const reply = await host.command('live.join', { liveId: LIVE });
  if (reply.type !== 'reply' || !reply.result.isSuccess) return '';
  const data = reply.result.data as { kind: string; snapshot?: unknown; seq?: number };
  return JSON.stringify(data.kind === 'snapshot' ? data.snapshot : data.seq);
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const random = new Random(options.seed);
  const started = performance.now();
  const failures: string[] = [];
  const warnings: string[] = [];
  const server: ServerHandle = await createServer({
    port: 0,
    host: '127.0.0.1',
    secret: SECRET,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    // The fuzzer must reach the parser and the hub, not only the rate limiter.
    messagesPerSecond: 1_000_000,
    // Only failures are kept: the thousands of expected refusals would grow this process's heap.
    logger: {
      info: () => undefined,
      warn: (line) => {
        if (/hub error|failed:/.test(line)) warnings.push(line);
      },
    },
  });
  const bystanders: Peer[] = [];
  try {
    // The live the fuzzing must not disturb.
    const [host, guest, applicant, viewer] = MEMBERS.map(() => new Peer(server.url)) as [
      Peer,
      Peer,
      Peer,
      Peer,
    ];
    bystanders.push(host, guest, applicant, viewer);
    await Promise.all(MEMBERS.map((userId, i) => bystanders[i]!.login(userId)));
    await host.command('live.create', { liveId: LIVE, liveName: 'Fuzz show' });
    for (const peer of [guest, applicant, viewer]) await peer.command('live.join', { liveId: LIVE });
    await guest.command('guest.apply', { liveId: LIVE, seatIndex: 1 });
    await host.command('guest.acceptApplication', { liveId: LIVE, userId: 'guest' });
    await guest.command('device.publish', { liveId: LIVE, microphone: 'on', camera: 'on' });
    await viewer.command('media.watch', { liveId: LIVE, publisherId: 'guest' });
    await applicant.command('guest.apply', { liveId: LIVE, extraInfo: 'hello' });
    const before = await liveSnapshot(host);
    const quiet = bystanders.map((peer) => peer.messages.length);

    const kinds: Record<string, number> = {};
    const closes: Record<string, number> = {};
    let replies = 0;
    let errors = 0;
    let sent = 0;
    let nextId = 0;
    let warm: { heapMB: number; rssMB: number } | null = null;
    const samples: { messages: number; heapMB: number; rssMB: number }[] = [];
    const warmAt = Math.min(options.messages, Math.max(500, Math.floor(options.messages / 10)));
    const BATCH = 25;
    let fuzzer: Peer | null = null;
    let authenticated = false;
    let fuzzerCount = 0;

    const countClose = (peer: Peer, expected: number | null) => {
      const closed = peer.closed;
      if (!closed) return;
      closes[closed.code] = (closes[closed.code] ?? 0) + 1;
      if (expected !== null && closed.code !== expected) {
        failures.push(`expected close ${expected}, got ${closed.code} "${closed.reason}"`);
      } else if (!CLOSE_CODES_WITH_REASON.has(closed.code)) {
        failures.push(`unexpected close ${closed.code} "${closed.reason}"`);
      } else if (closed.reason === '' && !CLOSED_BY_WS.has(closed.code)) {
        failures.push(`close ${closed.code} without a reason`);
      }
    };

    while (sent < options.messages) {
      if (!fuzzer || fuzzer.closed) {
        fuzzer?.close();
        fuzzer = new Peer(server.url);
        fuzzerCount++;
        // Most fuzzers log in first; some fuzz the handshake itself.
        authenticated = random.chance(0.9);
        if (authenticated) await fuzzer.login(`fuzz${fuzzerCount % 8}`);
        else await fuzzer.open();
      }
      const peer: Peer = fuzzer;
      const batchStart = peer.messages.length;
      const answeredBefore = peer.answered();
      let batchSent = 0;
      let closer: number | null = null;
      const size = authenticated ? Math.min(BATCH, options.messages - sent) : 1;
      // A batch ends early with an input that closes the connection: nothing after it would be read.
      for (let i = 0; i < size && closer === null; i++) {
        const input = makeInput(random, `f${nextId++}`);
        kinds[input.kind] = (kinds[input.kind] ?? 0) + 1;
        if ('bytes' in input) peer.ws.send(input.bytes, { binary: input.kind === 'binary' });
        else peer.ws.send(input.text);
        closer = expectedClose(input);
        batchSent++;
        sent++;
      }
      if (!authenticated) {
        // Before the handshake, every input closes the socket (no valid token is ever sent).
        await peer.until(() => peer.closed !== null, 'a close before the handshake');
        countClose(peer, closer);
      } else if (closer !== null) {
        await peer.until(() => peer.closed !== null, `close ${closer}`);
        const answered = peer.answered() - answeredBefore;
        if (answered !== batchSent - 1) {
          failures.push(`${batchSent - 1} messages before a close got ${answered} answers`);
        }
        countClose(peer, closer);
      } else {
        await peer.until(
          () => peer.closed !== null || peer.answered() - answeredBefore >= batchSent,
          'answers',
        );
        const answered = peer.answered() - answeredBefore;
        if (peer.closed) {
          failures.push(`closed without cause after ${answered} of ${batchSent} answers`);
          countClose(peer, null);
        } else if (answered !== batchSent) {
          failures.push(`${batchSent} messages got ${answered} answers`);
        }
      }
      const fresh = peer.messages.slice(batchStart);
      replies += fresh.filter((m) => m.type === 'reply').length;
      errors += fresh.filter((m) => m.type === 'error').length;
      // Forget what was counted: a long-lived fuzzer must not grow the measured heap.
      peer.messages.length = 0;
      if (!warm && sent >= warmAt) warm = memory();
      const tenth = Math.max(1, Math.floor(options.messages / 10));
      if (Math.floor(sent / tenth) !== Math.floor((sent - batchSent) / tenth)) {
        const now = memory();
        samples.push({ messages: sent, heapMB: round(now.heapMB), rssMB: round(now.rssMB) });
        log(`${sent} messages sent, ${fuzzerCount} fuzzing connections, heap ${round(now.heapMB)} MB`);
      }
    }
    fuzzer?.close();

    const after = await liveSnapshot(host);
    if (after !== before) failures.push('the live changed during the fuzzing');
    bystanders.forEach((peer, i) => {
      // The host's own snapshot round trips are its only traffic.
      const extra = peer.messages.slice(quiet[i] ?? 0).filter((m) => m.type !== 'reply');
      if (extra.length > 0)
        failures.push(
          `${MEMBERS[i] ?? '?'} received ${extra.length} messages: ${JSON.stringify(extra.slice(0, 3))}`,
        );
      if (peer.closed) failures.push(`${MEMBERS[i] ?? '?'} was disconnected (${peer.closed.code})`);
    });
    const health = await fetch(`${server.httpUrl}/healthz`);
    if (health.status !== 200) failures.push(`/healthz answered ${health.status}`);
    await health.body?.cancel();
    for (const line of warnings) {
      if (/hub error|failed:/.test(line)) failures.push(`server: ${line.split('\n')[0] ?? ''}`);
    }
    // Flat memory: from the second sample (warm) to the last, no growth beyond noise.
    const warmSample = samples[1];
    const lastSample = samples[samples.length - 1];
    if (warmSample && lastSample && lastSample.messages > warmSample.messages) {
      const growth = lastSample.heapMB - warmSample.heapMB;
      if (growth > 2 && growth / warmSample.heapMB > 0.2) {
        failures.push(`the heap grew from ${warmSample.heapMB} MB to ${lastSample.heapMB} MB`);
      }
    }
    const end = memory();
    const startMemory = warm ?? end;
    return {
      seed: options.seed,
      messages: sent,
      kinds,
      replies,
      errors,
      closes,
      connections: fuzzerCount,
      failures,
      heapWarmMB: round(startMemory.heapMB),
      heapEndMB: round(end.heapMB),
      rssWarmMB: round(startMemory.rssMB),
      rssEndMB: round(end.rssMB),
      samples,
      seconds: round((performance.now() - started) / 1000),
    };
  } finally {
    for (const peer of bystanders) peer.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  await seededRun({
    name: 'fuzz',
    countFlag: '--messages',
    countNoun: 'messages',
    defaultCount: 100_000,
    run: (count, seed, log) => runFuzz({ messages: count, seed, log }),
    passed: 'every message answered, the live untouched, the server up',
  });
}
