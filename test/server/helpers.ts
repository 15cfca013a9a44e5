/**
 * Test helpers for the server: real `ws` clients on 127.0.0.1, waits bounded by timeouts, nothing
 * printed.
 */
import { WebSocket, type ClientOptions } from 'ws';
import { createServer, type ServerHandle, type ServerOptions } from '../../src/server/server.js';
import { createToken } from '../../src/server/token.js';
import type {
  CommandInput,
  CommandName,
  LiveEvent,
  ReplyMessage,
  ServerEvent,
  ServerMessage,
} from '../../src/protocol/index.js';
import { PROTOCOL_VERSION } from '../../src/protocol/index.js';

export const SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const TIMEOUT_MS = 3_000;

/** Rejects with `what` if `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, what: string, ms = TIMEOUT_MS): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** A server on a random loopback port with the test secret. */
export function startServer(options: ServerOptions = {}): Promise<ServerHandle> {
  return createServer({ port: 0, host: '127.0.0.1', secret: SECRET, ...options });
}

export function token(
  userId: string,
  extra: { expiresIn?: number | string; secret?: string } = {},
): Promise<string> {
  return createToken({
    secret: extra.secret ?? SECRET,
    userId,
    userName: `Name of ${userId}`,
    ...(extra.expiresIn === undefined ? {} : { expiresIn: extra.expiresIn }),
  });
}

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

/** Command ids are remembered per user across connections, so they must be unique across them. */
let nextId = 1;

interface Waiter {
  readonly predicate: (message: ServerMessage) => boolean;
  readonly from: number;
  readonly resolve: (message: ServerMessage) => void;
}

/** A raw protocol client that records every message. */
export class TestClient {
  readonly ws: WebSocket;
  /** Every parsed message, in arrival order. */
  readonly messages: ServerMessage[] = [];
  /** Every text frame as received. */
  readonly texts: string[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  #waiters: Waiter[] = [];
  #isClosed = false;

  /** `options` go to `ws` as they are: `localAddress` (another loopback address), `headers`, `autoPong`. */
  constructor(url: string, options: ClientOptions = {}) {
    this.ws = new WebSocket(url, options);
    this.ws.on('error', () => {
      // Reported through `closed`.
    });
    this.opened = new Promise<void>((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode ?? '?'}`)));
      this.ws.once('close', () => reject(new Error('closed before open')));
    });
    // A refused upgrade is reported to whoever awaits `opened`; never an unhandled rejection.
    this.opened.catch(() => undefined);
    this.closed = new Promise<Closed>((resolve) => {
      this.ws.once('close', (code, reason) => {
        this.#isClosed = true;
        resolve({ code, reason: reason.toString('utf8') });
      });
    });
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = (data as Buffer).toString('utf8');
      this.texts.push(text);
      const message = JSON.parse(text) as ServerMessage;
      this.messages.push(message);
      const index = this.messages.length - 1;
      for (const waiter of [...this.#waiters]) {
        if (index >= waiter.from && waiter.predicate(message)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Index of the next message to arrive; pass as `from` to ignore earlier ones. */
  mark(): number {
    return this.messages.length;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  hello(tokenText: unknown, protocol: unknown = PROTOCOL_VERSION): void {
    this.send({ type: 'hello', protocol, token: tokenText });
  }

  /** The first message (at or after `from`) matching `predicate`. */
  waitFor<T extends ServerMessage = ServerMessage>(
    predicate: (message: ServerMessage) => boolean,
    what = 'a message',
    from = 0,
    ms = TIMEOUT_MS,
  ): Promise<T> {
    for (let i = from; i < this.messages.length; i++) {
      const message = this.messages[i];
      if (message && predicate(message)) return Promise.resolve(message as T);
    }
    let waiter: Waiter | undefined;
    const found = new Promise<ServerMessage>((resolve) => {
      waiter = { predicate, from, resolve };
      this.#waiters.push(waiter);
    });
    return within(found, what, ms).finally(() => {
      if (waiter) this.#waiters = this.#waiters.filter((w) => w !== waiter);
    }) as Promise<T>;
  }

  /** The first event of `type` (at or after `from`), optionally matching `test`. */
  waitEvent<E extends LiveEvent['type']>(
    type: E,
    from = 0,
    test: (event: Extract<LiveEvent, { type: E }>, message: ServerEvent) => boolean = () => true,
  ): Promise<ServerEvent & { event: Extract<LiveEvent, { type: E }> }> {
    return this.waitFor(
      (m) =>
        m.type === 'event' && m.event.type === type && test(m.event as Extract<LiveEvent, { type: E }>, m),
      `event ${type}`,
      from,
    );
  }

  /** Events received (at or after `from`). */
  events(from = 0): ServerEvent[] {
    return this.messages.slice(from).filter((m): m is ServerEvent => m.type === 'event');
  }

  /** Sends a command and resolves with its reply. */
  async command<N extends CommandName>(name: N, args: CommandInput<N>, id?: string): Promise<ReplyMessage> {
    const requestId = id ?? `c${nextId++}`;
    const from = this.mark();
    this.send({ type: 'cmd', id: requestId, name, args });
    return this.waitFor<ReplyMessage>(
      (m) => m.type === 'reply' && m.id === requestId,
      `reply to ${name}`,
      from,
    );
  }

  /** Sends a command and returns its reply's data, failing the test if the command failed. */
  async ok<N extends CommandName>(name: N, args: CommandInput<N>): Promise<unknown> {
    const reply = await this.command(name, args);
    if (!reply.result.isSuccess) {
      throw new Error(`${name} failed: ${reply.result.errorCode} ${reply.result.errorMessage}`);
    }
    return reply.result.data;
  }

  waitClose(what = 'close'): Promise<Closed> {
    return within(this.closed, what);
  }

  /** Closes (if still open) and waits for the close to complete. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    if (this.ws.readyState === WebSocket.CONNECTING) {
      await this.opened.catch(() => undefined);
    }
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'bye');
    else if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    await within(this.closed, 'client close').catch(() => {
      this.ws.terminate();
    });
  }

  /** Drops the TCP connection without a close handshake (a lost network). */
  async drop(): Promise<void> {
    this.ws.terminate();
    await within(this.closed, 'client drop');
  }
}

/** Opens a socket (without handshake). */
export async function openSocket(handle: ServerHandle): Promise<TestClient> {
  const client = new TestClient(handle.url);
  await within(client.opened, 'socket open');
  return client;
}

/** Opens a socket and completes the handshake for `userId`. */
export async function connect(handle: ServerHandle, userId: string): Promise<TestClient> {
  const client = await openSocket(handle);
  client.hello(await token(userId));
  await client.waitFor((m) => m.type === 'welcome', `welcome of ${userId}`);
  return client;
}

/** Tracks clients and servers so every test closes what it opens. */
export class Resources {
  readonly #clients: TestClient[] = [];
  readonly #servers: ServerHandle[] = [];

  async server(options: ServerOptions = {}): Promise<ServerHandle> {
    const handle = await startServer(options);
    this.#servers.push(handle);
    return handle;
  }

  track(client: TestClient): TestClient {
    this.#clients.push(client);
    return client;
  }

  async connect(handle: ServerHandle, userId: string, options: ClientOptions = {}): Promise<TestClient> {
    const client = new TestClient(handle.url, options);
    this.#clients.push(client);
    await within(client.opened, 'socket open');
    client.hello(await token(userId));
    await client.waitFor((m) => m.type === 'welcome', `welcome of ${userId}`);
    return client;
  }

  async socket(handle: ServerHandle, options: ClientOptions = {}): Promise<TestClient> {
    const client = new TestClient(handle.url, options);
    this.#clients.push(client);
    await within(client.opened, 'socket open');
    return client;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.#clients.splice(0).map((client) => client.close()));
    await Promise.all(this.#servers.splice(0).map((handle) => handle.close()));
  }
}

/** A logger that keeps the server's lines (nothing is printed) and lets a test wait for one. */
export class LogLines {
  readonly lines: string[] = [];
  readonly #waiters: { readonly pattern: RegExp; readonly resolve: (line: string) => void }[] = [];
  readonly logger = {
    info: (message: string) => this.#add(message),
    warn: (message: string) => this.#add(message),
  };

  /** The first line (already logged or still to come) that matches `pattern`. */
  waitFor(pattern: RegExp, ms = TIMEOUT_MS): Promise<string> {
    const found = this.lines.find((line) => pattern.test(line));
    if (found !== undefined) return Promise.resolve(found);
    return within(
      new Promise<string>((resolve) => this.#waiters.push({ pattern, resolve })),
      `a log line matching ${pattern}`,
      ms,
    );
  }

  #add(line: string): void {
    this.lines.push(line);
    for (const waiter of [...this.#waiters]) {
      if (waiter.pattern.test(line)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  }
}
