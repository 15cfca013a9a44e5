/**
 * Many members of one live in one worker thread, speaking the wire protocol directly (what is
 * measured on this side is the server's fan-out, not the client's stores). Started by
 * `bench/lib.ts`; every timestamp is `performance.timeOrigin + performance.now()`, comparable
 * across the threads and processes of one run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { PROTOCOL_VERSION } from '../src/protocol/version.js';
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
  readonly event: { readonly type: string; readonly seats?: readonly { readonly isLocked: boolean }[] };
}

interface Member {
  readonly socket: WebSocket;
  /** Times of room updates (`event` and `batch` messages) since the last reset. */
  updates: number[];
  /** Resolves a pending reply by command id. */
  readonly replies: Map<string, (ok: boolean) => void>;
}

type Watch = ((text: string, events: readonly WireEvent[] | null) => boolean) | null;

const members: Member[] = [];
let watch: Watch = null;
let watched: number[] = [];
let watchedText = '';

function onMessage(member: Member, text: string): void {
  const at = now();
  const message = JSON.parse(text) as {
    type: string;
    id?: string;
    result?: { isSuccess: boolean };
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
  if (message.type === 'reply' && message.id !== undefined) {
    const resolve = member.replies.get(message.id);
    member.replies.delete(message.id);
    resolve?.(message.result?.isSuccess === true);
  }
  if (watch?.(text, events)) {
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
}

let nextId = 0;
function request(member: Member, name: string, args: unknown): Promise<boolean> {
  const id = `b${++nextId}`;
  return new Promise<boolean>((resolve) => {
    member.replies.set(id, resolve);
    member.socket.send(JSON.stringify({ type: 'cmd', id, name, args }));
  });
}

async function open(index: number): Promise<Member> {
  const socket = new WebSocket(config.url, { localAddress: config.localAddress, perMessageDeflate: false });
  const member: Member = { socket, updates: [], replies: new Map() };
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  if (config.mode === 'bare') {
    socket.on('message', (data) => onMessage(member, textOf(data)));
    return member;
  }
  const userId = `${config.prefix}${index}`;
  const token = await createToken({ secret: config.secret, userId, userName: userId });
  await new Promise<void>((resolve, reject) => {
    socket.once('message', (data) => {
      const message = JSON.parse(textOf(data)) as { type: string };
      if (message.type === 'welcome') resolve();
      else reject(new Error(`no welcome for ${userId}: ${textOf(data)}`));
    });
    socket.send(JSON.stringify({ type: 'hello', protocol: PROTOCOL_VERSION, token }));
  });
  socket.on('message', (data) => onMessage(member, textOf(data)));
  if (!(await request(member, 'live.join', { liveId: config.liveId })))
    throw new Error(`${userId} could not join`);
  return member;
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
      watched = [];
      watch = (_text, events) =>
        events?.some(
          (item) =>
            item.event.type === 'seats' && item.event.seats?.[message.seatIndex]?.isLocked === message.locked,
        ) ?? false;
      return;
    case 'watchText':
      watched = [];
      watch = (text) => text === message.text;
      return;
    case 'apply':
      timed(message.at, message.spreadMs, (member) =>
        request(member, 'guest.apply', { liveId: config.liveId, seatIndex: -1 }),
      );
      return;
    case 'echo':
      timed(
        message.at,
        message.spreadMs,
        (member) =>
          new Promise<boolean>((resolve) => {
            const text = JSON.stringify({ type: 'cmd', id: `e${++nextId}`, name: 'echo', args: {} });
            const onEcho = (data: WebSocket.RawData) => {
              if (textOf(data) !== text) return;
              member.socket.off('message', onEcho);
              resolve(true);
            };
            member.socket.on('message', onEcho);
            member.socket.send(text);
          }),
      );
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
      for (const member of members) member.socket.terminate();
      post({ kind: 'closed' });
      return;
  }
});

connectAll().then(
  () => post({ kind: 'ready', count: members.length }),
  (error: unknown) =>
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
);
