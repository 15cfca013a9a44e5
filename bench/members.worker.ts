/**
 * Many members of one live in one worker thread. In `kit` mode each member is the kit's headless
 * client (`createSession`: login, `joinLive`, its stores), so what a member "has applied" is its
 * seat store showing the change; in `bare` mode (the baselines) a plain socket that parses what
 * it receives. Started by `bench/lib.ts`; every timestamp is
 * `performance.timeOrigin + performance.now()`, comparable across the threads and processes of
 * one run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { createSession, type Session, type WebSocketConstructor } from '../src/core/index.js';
import { createToken } from '../src/server/token.js';
import { textOf } from './lib.js';

export interface MembersConfig {
  readonly url: string;
  /** `kit`: hello + live.join; `bare`: a plain socket. */
  readonly mode: 'kit' | 'bare';
  readonly secret: string;
  readonly prefix: string;
  readonly count: number;
  readonly liveId: string;
  /** A loopback source address (127.0.0.x), so that many runs do not exhaust one address's ports. */
  readonly localAddress: string;
}

export type ToMembers =
  | { readonly cmd: 'watchSeatLock'; readonly seatIndex: number; readonly locked: boolean }
  | { readonly cmd: 'watchText'; readonly text: string }
  | { readonly cmd: 'apply'; readonly at: number; readonly spreadMs: number }
  | { readonly cmd: 'echo'; readonly at: number; readonly spreadMs: number }
  | { readonly cmd: 'resetRates' }
  | { readonly cmd: 'rates' }
  | { readonly cmd: 'handshake' }
  | { readonly cmd: 'close' };

export type FromMembers =
  | { readonly kind: 'ready'; readonly count: number }
  | { readonly kind: 'failed'; readonly message: string }
  | {
      readonly kind: 'watched';
      readonly first: number;
      readonly last: number;
      readonly count: number;
      /** The text of the first watched message. */
      readonly text: string;
    }
  | { readonly kind: 'latencies'; readonly latencies: number[]; readonly failures: number }
  | { readonly kind: 'rates'; readonly maxPerSecond: number; readonly updates: number }
  /** What the server answered the first member's `hello` and `live.join` (`kit` mode). */
  | { readonly kind: 'handshake'; readonly welcome: string; readonly join: string }
  | { readonly kind: 'closed' };

const config = workerData as MembersConfig;
const port = parentPort;
if (!port) throw new Error('members.worker runs in a worker thread');

function now(): number {
  return performance.timeOrigin + performance.now();
}

function post(message: FromMembers): void {
  port?.postMessage(message);
}

interface WireEvent {
  readonly seq: number;
  readonly event: { readonly type: string };
}

interface Member {
  /** The member's socket (in `kit` mode, the one its session opened). */
  socket: WebSocket | null;
  /** The headless client (`kit` mode). */
  session: Session | null;
  /** Times of room updates (`event` and `batch` messages) since the last reset. */
  updates: number[];
  /** The text of the last room update (`kit` mode). */
  lastUpdate: string;
}

type Watch = ((text: string, events: readonly WireEvent[] | null) => boolean) | null;

const members: Member[] = [];
let watch: Watch = null;
let watched: number[] = [];
let watchedText = '';

const ROOM_UPDATE = /^\{"type":"(event|batch)"/;
/** The first welcome and join reply (a snapshot) this thread's members received. */
const handshake = { welcome: '', join: '' };

/** Records one member's sighting of the watched change; posts the times once all have seen it. */
function sighted(at: number, text: string): void {
  if (watched.length === 0) watchedText = text;
  watched.push(at);
  if (watched.length === members.length) {
    post({
      kind: 'watched',
      first: Math.min(...watched),
      last: Math.max(...watched),
      count: watched.length,
      text: watchedText,
    });
    watch = null;
  }
}

/** A `bare` member's message. */
function onMessage(member: Member, text: string): void {
  const at = now();
  const message = JSON.parse(text) as {
    type: string;
    seq?: number;
    event?: WireEvent['event'];
    events?: WireEvent[];
  };
  let events: WireEvent[] | null = null;
  if (message.type === 'event' && message.event) {
    events = [{ seq: message.seq ?? 0, event: message.event }];
  } else if (message.type === 'batch' && message.events) {
    events = message.events;
  }
  if (events) member.updates.push(at);
  if (watch?.(text, events)) sighted(at, text);
}

let nextId = 0;
async function openBare(): Promise<Member> {
  const socket = new WebSocket(config.url, { localAddress: config.localAddress, perMessageDeflate: false });
  const member: Member = { socket, session: null, updates: [], lastUpdate: '' };
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('message', (data) => onMessage(member, textOf(data)));
  return member;
}

/**
 * The socket class a `kit` member's session opens: `ws` from this thread's loopback source
 * address, noting the member's room updates (their times for the rate, the last text for B2's
 * baseline) before the session reads them.
 */
function memberSocket(member: Member): WebSocketConstructor {
  return class MemberSocket extends WebSocket {
    constructor(url: string) {
      super(url, { localAddress: config.localAddress, perMessageDeflate: false });
      member.socket = this;
      this.on('message', (data) => {
        const text = textOf(data);
        if (ROOM_UPDATE.test(text)) {
          member.updates.push(now());
          member.lastUpdate = text;
        } else if (handshake.welcome === '' && text.startsWith('{"type":"welcome"')) {
          handshake.welcome = text;
        } else if (
          handshake.join === '' &&
          text.startsWith('{"type":"reply"') &&
          text.includes('"snapshot"')
        ) {
          handshake.join = text;
        }
      });
    }
  };
}

/** A `kit` member: the headless client, logged in with its own token and in the live. */
async function openKit(index: number): Promise<Member> {
  const member: Member = { socket: null, session: null, updates: [], lastUpdate: '' };
  const session = createSession({ WebSocket: memberSocket(member), reconnect: false });
  member.session = session;
  const userId = `${config.prefix}${index}`;
  const token = await createToken({ secret: config.secret, userId, userName: userId });
  const login = await session.loginStore.login({ serverUrl: config.url, token });
  if (!login.isSuccess) throw new Error(`${userId} could not log in: ${login.errorMessage}`);
  const joined = await session.liveListStore.joinLive(config.liveId);
  if (!joined.isSuccess) throw new Error(`${userId} could not join: ${joined.errorMessage}`);
  return member;
}

function open(index: number): Promise<Member> {
  return config.mode === 'kit' ? openKit(index) : openBare();
}

/** Resolves once each `kit` member's seat store shows seat `seatIndex` as `locked`. */
function watchSeatLock(seatIndex: number, locked: boolean): void {
  watched = [];
  for (const member of members) {
    const seats = member.session?.liveSeatStore(config.liveId).seatList;
    if (!seats) continue;
    const stop = seats.listen((list) => {
      if (list[seatIndex]?.isLocked !== locked) return;
      stop();
      sighted(now(), member.lastUpdate);
    });
  }
}

async function connectAll(): Promise<void> {
  const batch = 100;
  for (let start = 0; start < config.count; start += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, config.count - start) }, (_, i) => open(start + i)),
    );
    members.push(...opened);
  }
}

function maxPerSecond(times: readonly number[]): number {
  let best = 0;
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    const at = times[to] ?? 0;
    while ((times[from] ?? 0) <= at - 1000) from++;
    best = Math.max(best, to - from + 1);
  }
  return best;
}

function timed(at: number, spreadMs: number, run: (member: Member) => Promise<boolean>): void {
  const latencies: number[] = [];
  let failures = 0;
  let done = 0;
  members.forEach((member, i) => {
    const sendAt = at + (members.length > 1 ? (i / (members.length - 1)) * spreadMs : 0);
    setTimeout(
      () => {
        const start = now();
        void run(member).then((ok) => {
          if (ok) latencies.push(now() - start);
          else failures++;
          if (++done === members.length) post({ kind: 'latencies', latencies, failures });
        });
      },
      Math.max(0, sendAt - now()),
    );
  });
}

port.on('message', (message: ToMembers) => {
  switch (message.cmd) {
    case 'watchSeatLock':
      watchSeatLock(message.seatIndex, message.locked);
      return;
    case 'watchText':
      watched = [];
      watch = (text) => text === message.text;
      return;
    case 'apply':
      timed(message.at, message.spreadMs, async (member) => {
        const store = member.session?.coGuestStore(config.liveId);
        return store ? (await store.applyForSeat({ seatIndex: -1 })).isSuccess : false;
      });
      return;
    case 'echo':
      timed(
        message.at,
        message.spreadMs,
        (member) =>
          new Promise<boolean>((resolve) => {
            const socket = member.socket;
            if (socket === null) return resolve(false);
            const text = JSON.stringify({ type: 'cmd', id: `e${++nextId}`, name: 'echo', args: {} });
            const onEcho = (data: WebSocket.RawData) => {
              if (textOf(data) !== text) return;
              socket.off('message', onEcho);
              resolve(true);
            };
            socket.on('message', onEcho);
            socket.send(text);
          }),
      );
      return;
    case 'handshake':
      post({ kind: 'handshake', welcome: handshake.welcome, join: handshake.join });
      return;
    case 'resetRates':
      for (const member of members) member.updates = [];
      return;
    case 'rates': {
      let best = 0;
      let updates = 0;
      for (const member of members) {
        best = Math.max(best, maxPerSecond(member.updates));
        updates += member.updates.length;
      }
      post({ kind: 'rates', maxPerSecond: best, updates });
      return;
    }
    case 'close':
      for (const member of members) {
        member.session?.dispose();
        member.socket?.terminate();
      }
      post({ kind: 'closed' });
      return;
  }
});

connectAll().then(
  () => post({ kind: 'ready', count: members.length }),
  (error: unknown) =>
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
