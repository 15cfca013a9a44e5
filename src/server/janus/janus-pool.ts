/**
 * Several Janus instances for one kit server: each live is placed on one instance, the least
 * loaded of those that are up (load = lives placed on it), and stays there while it is up.
 *
 * The pool keeps one socket and one session per instance. An instance is up once its session is
 * created (so a wrong token keeps it down). When its socket drops, or its session times out, it is
 * down: the pool tells `onInstanceDown` listeners which lives it held (they are no longer placed;
 * the caller places them again and moves them), and reconnects with a growing delay until the
 * instance answers again.
 */
import { JanusClient, type JanusClientOptions, type JanusSession } from './janus-client.js';

/** First delay before reconnecting to a down instance, in ms. */
export const DEFAULT_RECONNECT_MS = 250;
/** The delay doubles on each failure up to this, in ms. */
export const DEFAULT_MAX_RECONNECT_MS = 5_000;

export interface JanusPoolOptions extends JanusClientOptions {
  /** The instances' WebSocket URLs (`ws://127.0.0.1:8188`). */
  urls: readonly string[];
  /** First delay before reconnecting. Default 250 ms. */
  reconnectMs?: number;
  /** Longest delay between reconnections. Default 5 000 ms. */
  maxReconnectMs?: number;
  /** Told when connecting to an instance fails (for the server's log). */
  onError?: (url: string, error: unknown) => void;
}

/** One Janus instance of the pool. */
export interface JanusInstance {
  readonly url: string;
  /** Connected, with a session. */
  readonly up: boolean;
  /** Lives placed on it. */
  readonly load: number;
  readonly lives: readonly string[];
  /** The socket while up, `null` while down. */
  readonly client: JanusClient | null;
  /** The pool's session on the instance while up (attach handles to it), `null` while down. */
  readonly session: JanusSession | null;
}

class Instance implements JanusInstance {
  readonly url: string;
  readonly placed = new Set<string>();
  client: JanusClient | null = null;
  session: JanusSession | null = null;
  failures = 0;
  timer: ReturnType<typeof setTimeout> | undefined;

  constructor(url: string) {
    this.url = url;
  }

  get up(): boolean {
    return this.session !== null;
  }

  get load(): number {
    return this.placed.size;
  }

  get lives(): readonly string[] {
    return [...this.placed];
  }
}

/** Several Janus instances, lives placed on the least loaded. Made by `createJanusPool`. */
export class JanusPool {
  readonly #options: JanusPoolOptions;
  readonly #instances: Instance[];
  readonly #placements = new Map<string, Instance>();
  readonly #downListeners = new Set<(url: string, liveIds: string[]) => void>();
  readonly #upListeners = new Set<(url: string) => void>();
  readonly #firstAttempts: Promise<void>;
  #closed = false;

  /** @internal Use `createJanusPool`. */
  constructor(options: JanusPoolOptions) {
    if (options.urls.length === 0) throw new TypeError('createJanusPool: at least one Janus URL is needed');
    this.#options = options;
    this.#instances = [...new Set(options.urls)].map((url) => new Instance(url));
    this.#firstAttempts = Promise.all(this.#instances.map((instance) => this.#connect(instance))).then(
      () => undefined,
    );
  }

  /** Settles once every instance has been tried once (up or down). */
  ready(): Promise<void> {
    return this.#firstAttempts;
  }

  get instances(): readonly JanusInstance[] {
    return this.#instances;
  }

  /** The instance `liveId` is placed on, or `null`. */
  instanceOf(liveId: string): JanusInstance | null {
    return this.#placements.get(liveId) ?? null;
  }

  /**
   * The instance for `liveId`: the one it is on while that is up, otherwise the least loaded up
   * instance (the first listed on a tie), which it is placed on. `null` when none is up.
   */
  place(liveId: string): JanusInstance | null {
    const current = this.#placements.get(liveId);
    if (current?.up) return current;
    if (current) this.#unplace(liveId);
    let best: Instance | null = null;
    for (const instance of this.#instances) {
      if (instance.up && (!best || instance.load < best.load)) best = instance;
    }
    if (!best || this.#closed) return null;
    best.placed.add(liveId);
    this.#placements.set(liveId, best);
    return best;
  }

  /** The live no longer counts on its instance (it ended). */
  release(liveId: string): void {
    this.#unplace(liveId);
  }

  /**
   * Calls `listener(url, liveIds)` when an instance goes down, with the lives that were placed on
   * it (no longer placed: `place()` them again). Returns the removal.
   */
  onInstanceDown(listener: (url: string, liveIds: string[]) => void): () => void {
    this.#downListeners.add(listener);
    return () => this.#downListeners.delete(listener);
  }

  /** Calls `listener(url)` when an instance comes up (at start or after being down). Returns the removal. */
  onInstanceUp(listener: (url: string) => void): () => void {
    this.#upListeners.add(listener);
    return () => this.#upListeners.delete(listener);
  }

  /** Stops reconnecting, destroys the sessions and closes the sockets. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#placements.clear();
    await Promise.all(
      this.#instances.map(async (instance) => {
        clearTimeout(instance.timer);
        instance.placed.clear();
        const { client, session } = instance;
        instance.client = null;
        instance.session = null;
        await session?.destroy().catch(() => undefined);
        await client?.close();
      }),
    );
    await this.#firstAttempts;
  }

  #unplace(liveId: string): void {
    this.#placements.get(liveId)?.placed.delete(liveId);
    this.#placements.delete(liveId);
  }

  async #connect(instance: Instance): Promise<void> {
    instance.timer = undefined;
    let client: JanusClient | null = null;
    try {
      client = await JanusClient.connect(instance.url, this.#options);
      const session = await client.createSession();
      if (this.#closed) {
        await session.destroy().catch(() => undefined);
        await client.close();
        return;
      }
      const connected = client;
      instance.client = connected;
      instance.session = session;
      instance.failures = 0;
      connected.onClose(() => this.#down(instance, connected));
      session.on('timeout', () => {
        this.#down(instance, connected);
        void connected.close();
      });
      this.#tell(this.#upListeners, instance.url);
    } catch (error) {
      await client?.close();
      if (this.#closed) return;
      this.#options.onError?.(instance.url, error);
      this.#retry(instance);
    }
  }

  #down(instance: Instance, client: JanusClient): void {
    if (instance.client !== client) return;
    instance.client = null;
    instance.session = null;
    const lives = [...instance.placed];
    for (const liveId of lives) this.#placements.delete(liveId);
    instance.placed.clear();
    if (this.#closed) return;
    for (const listener of [...this.#downListeners]) {
      try {
        listener(instance.url, lives);
      } catch {
        // The listener's failure is its own.
      }
    }
    this.#retry(instance);
  }

  #retry(instance: Instance): void {
    const first = this.#options.reconnectMs ?? DEFAULT_RECONNECT_MS;
    const max = this.#options.maxReconnectMs ?? DEFAULT_MAX_RECONNECT_MS;
    const delay = Math.min(max, first * 2 ** Math.min(instance.failures, 16));
    instance.failures += 1;
    instance.timer = setTimeout(() => void this.#connect(instance), delay);
  }

  #tell(listeners: Set<(url: string) => void>, url: string): void {
    for (const listener of [...listeners]) {
      try {
        listener(url);
      } catch {
        // As above.
      }
    }
  }
}

/** A pool over `options.urls`; it starts connecting at once (`ready()` settles after the first tries). */
export function createJanusPool(options: JanusPoolOptions): JanusPool {
  return new JanusPool(options);
}
