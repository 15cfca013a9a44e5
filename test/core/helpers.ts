/** Test helpers for the client core: bounded waits on stores and listeners, and a scripted hub. */
import type { ReadableAtom } from 'nanostores';
import type { HubConnectionLike, HubLike, HubPeerLike } from '../../src/core/index.js';
import type { ServerMessage } from '../../src/protocol/messages.js';
import type { LiveEvent, LiveInfo, LiveSnapshot, SeatInfo, UserInfo } from '../../src/protocol/types.js';

export const DEFAULT_WAIT_MS = 4000;

/** Resolves with the store's value once `predicate` holds; rejects after `timeoutMs`. */
export function waitFor<T>(
  store: ReadableAtom<T>,
  predicate: (value: T) => boolean,
  label = 'store value',
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const current = store.get();
    if (predicate(current)) {
      resolve(current);
      return;
    }
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for ${label}; last value: ${JSON.stringify(store.get())}`,
        ),
      );
    }, timeoutMs);
    const unsubscribe = store.listen(() => {
      const value = store.get();
      if (!predicate(value)) return;
      clearTimeout(timer);
      queueMicrotask(unsubscribe);
      resolve(value);
    });
  });
}

/** One recorded listener call. */
export interface Call {
  readonly name: string;
  readonly args: readonly unknown[];
}

/**
 * A listener object that implements every method and records the calls. `waitFor(name)` resolves
 * once `name` has been called `count` times; it rejects after a bounded time.
 */
export class Recorder {
  readonly calls: Call[] = [];
  readonly listener: Record<string, (...args: unknown[]) => void>;
  readonly #waiters = new Set<() => void>();

  constructor() {
    this.listener = new Proxy(
      {},
      {
        get: (_target, name) =>
          typeof name === 'string'
            ? (...args: unknown[]) => {
                this.calls.push({ name, args });
                for (const waiter of [...this.#waiters]) waiter();
              }
            : undefined,
      },
    );
  }

  /** Calls of `name`. */
  of(name: string): Call[] {
    return this.calls.filter((call) => call.name === name);
  }

  /** Names of every call, in order. */
  names(): string[] {
    return this.calls.map((call) => call.name);
  }

  waitFor(name: string, count = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<Call> {
    return new Promise<Call>((resolve, reject) => {
      const check = (): boolean => {
        const calls = this.of(name);
        const call = calls[count - 1];
        if (!call) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(call);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${name} x${count}; calls: ${this.names().join(', ')}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.#waiters.add(check);
    });
  }
}

export function user(userId: string): UserInfo {
  return { userId, userName: `User ${userId}`, avatarUrl: '' };
}

export function emptySeats(count: number): SeatInfo[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    isLocked: false,
    isAudioLocked: false,
    isVideoLocked: false,
    userInfo: null,
  }));
}

export function liveInfo(liveId: string, owner: UserInfo): LiveInfo {
  return {
    liveId,
    liveName: liveId,
    owner,
    seatMode: 'apply',
    maxSeatCount: 4,
    keepOwnerOnSeat: false,
    createdAt: 1,
  };
}

export function snapshot(liveId: string, owner: UserInfo, patch: Partial<LiveSnapshot> = {}): LiveSnapshot {
  return {
    live: liveInfo(liveId, owner),
    seats: emptySeats(4),
    members: [],
    memberCount: 1,
    applications: [],
    invitations: [],
    seq: 0,
    ...patch,
  };
}

interface SentCommand {
  readonly id: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/**
 * A hub the test scripts by hand: it welcomes (unless told not to), records commands, and sends
 * whatever replies and events the test asks for. Deliveries go through the same microtask path as
 * the real local transport.
 */
export class ScriptedHub implements HubLike {
  welcome = true;
  /** How many of the next connections to refuse (closed with 1011 instead of a welcome). */
  refuseNext = 0;
  readonly commands: SentCommand[] = [];
  peer: HubPeerLike | null = null;
  connects = 0;
  disconnects = 0;
  readonly #waiters = new Set<() => void>();

  connect(connectingUser: UserInfo, peer: HubPeerLike): HubConnectionLike {
    this.peer = peer;
    this.connects++;
    if (this.refuseNext > 0) {
      this.refuseNext--;
      peer.close(1011, 'refused by the scripted hub');
    } else if (this.welcome)
      this.send({ type: 'welcome', protocol: 1, user: connectingUser, serverTime: Date.now() });
    return {
      receive: (text) => {
        const message = JSON.parse(text) as { type: string } & SentCommand;
        if (message.type !== 'cmd') return;
        this.commands.push({ id: message.id, name: message.name, args: message.args });
        for (const waiter of [...this.#waiters]) waiter();
      },
      disconnected: () => {
        this.disconnects++;
      },
    };
  }

  send(message: ServerMessage): void {
    this.peer?.send(JSON.stringify(message));
  }

  reply(
    id: string,
    result: { isSuccess: boolean; errorCode: number; errorMessage: string; data?: unknown },
  ): void {
    this.send({ type: 'reply', id, result: result as never });
  }

  ok(id: string, data?: unknown): void {
    this.reply(id, { isSuccess: true, errorCode: 0, errorMessage: '', data });
  }

  event(liveId: string, seq: number, event: LiveEvent): void {
    this.send({ type: 'event', liveId, seq, event });
  }

  close(code: number, reason = ''): void {
    this.peer?.close(code, reason);
  }

  /** The `count`-th command named `name` (1-based), once it arrived. */
  command(name: string, count = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<SentCommand> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.commands.filter((command) => command.name === name)[count - 1];
        if (!found) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for command ${name} x${count}`));
      }, timeoutMs);
      if (!check()) this.#waiters.add(check);
    });
  }
}
