/**
 * The server side of a benchmark, in its own process so that its memory is its own. Started by
 * `bench/lib.ts` as `node --expose-gc --import tsx bench/server-proc.ts <kit|bare>`; talks over IPC.
 *
 * - `kit`: the kit's `createServer` on 127.0.0.1, port 0, limits raised for the room sizes of the
 *   benchmarks (the defaults would refuse 20,000 members).
 * - `bare`: a plain `ws` server on 127.0.0.1, port 0: echoes every message (round-trip baseline)
 *   and broadcasts one frame on request, its text encoded to UTF-8 once (fan-out baseline).
 * - `replay`: the same plain server, which instead of echoing answers a `hello` and a `live.join`
 *   with the texts the kit's server sent (`script`, taken from a kit run), so that the kit's
 *   headless clients log in and join a live on it; then it broadcasts as `bare` does.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { createServer } from '../src/server/index.js';

export type ToServer =
  | { readonly cmd: 'mem' }
  | { readonly cmd: 'broadcast'; readonly text: string }
  | { readonly cmd: 'script'; readonly welcome: string; readonly join: string }
  | { readonly cmd: 'close' };

export type FromServer =
  | { readonly kind: 'ready'; readonly url: string }
  | { readonly kind: 'mem'; readonly rss: number; readonly heapUsed: number; readonly external: number }
  | {
      readonly kind: 'broadcast';
      readonly startedAt: number;
      readonly sentAt: number;
      readonly sockets: number;
    }
  | { readonly kind: 'scripted' }
  | { readonly kind: 'closed' };

const mode = process.argv[2];
const secret = process.env.BENCH_SECRET ?? '';

function post(message: FromServer): void {
  process.send?.(message);
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) gc?.();
}

/** `replay`: what the kit's server answered to a `hello` and to a `live.join` (see `answer`). */
let script: { readonly welcome: string; readonly join: Record<string, unknown> } | null = null;

/** `replay`: the kit's welcome to a `hello`, its join reply (with the command's id) to a `live.join`. */
function answer(socket: WebSocket, text: string): void {
  if (script === null) return;
  const message = JSON.parse(text) as { type?: string; id?: string; name?: string };
  if (message.type === 'hello') socket.send(script.welcome);
  else if (message.type === 'cmd' && message.name === 'live.join') {
    socket.send(JSON.stringify({ ...script.join, id: message.id }));
  }
}

async function main(): Promise<void> {
  let close: () => Promise<void>;
  let broadcast: (text: string) => number = () => 0;
  if (mode === 'kit') {
    const handle = await createServer({
      port: 0,
      host: '127.0.0.1',
      secret,
      maxConnections: 50_000,
      // Members come from a few loopback addresses, hundreds at a time: the per-address and
      // pre-hello budgets that guard a public server would measure themselves here, not the room.
      maxPendingHandshakes: 50_000,
      maxPendingHandshakesPerAddress: 50_000,
      maxConnectionsPerAddress: 50_000,
      messagesPerSecond: 100_000,
      signalsPerSecond: 100_000,
      handshakeTimeoutMs: 60_000,
      roomLimits: { maxMembers: 50_000, maxPendingApplications: 50_000 },
    });
    post({ kind: 'ready', url: handle.url });
    close = () => handle.close();
  } else if (mode === 'bare' || mode === 'replay') {
    const sockets = new Set<WebSocket>();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 16 * 1024 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('message', (data, isBinary) => {
        if (mode === 'bare') socket.send(data, { binary: isBinary });
        else answer(socket, Buffer.isBuffer(data) ? data.toString('utf8') : '');
      });
      socket.on('close', () => sockets.delete(socket));
    });
    // One frame encoded once: the same UTF-8 bytes go to every socket.
    broadcast = (text) => {
      const bytes = Buffer.from(text, 'utf8');
      for (const socket of sockets) socket.send(bytes, { binary: false });
      return sockets.size;
    };
    const address = wss.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    post({ kind: 'ready', url: `ws://127.0.0.1:${port}/` });
    close = () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate();
        wss.close(() => resolve());
      });
  } else {
    throw new Error(`unknown mode ${String(mode)}`);
  }
  process.on('message', (message: ToServer) => {
    if (message.cmd === 'mem') {
      collect();
      const usage = process.memoryUsage();
      post({ kind: 'mem', rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external });
    } else if (message.cmd === 'script') {
      script = { welcome: message.welcome, join: JSON.parse(message.join) as Record<string, unknown> };
      post({ kind: 'scripted' });
    } else if (message.cmd === 'broadcast') {
      const startedAt = now();
      const sockets = broadcast(message.text);
      post({ kind: 'broadcast', startedAt, sentAt: now(), sockets });
    } else {
      void close().then(() => {
        post({ kind: 'closed' });
        process.exit(0);
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

void main();
