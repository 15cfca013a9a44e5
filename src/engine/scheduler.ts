/**
 * The engine's only window on time. The server and the in-page hub pass `realScheduler`; tests pass
 * a `ManualScheduler` and move its clock by hand.
 */
export interface Scheduler {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now. Returns a handle for `clearTimer`. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Opaque timer handle. */
export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimer: (delayMs, callback) => {
    const timer = setTimeout(callback, delayMs);
    // Never keep a Node process alive for a room timer alone.
    (timer as { unref?: () => void }).unref?.();
    return timer;
  },
  clearTimer: (handle) => clearTimeout(handle as unknown as ReturnType<typeof setTimeout>),
};

interface PendingTimer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/** A scheduler whose clock moves only when told to. Timers fire in deadline order, then creation order. */
export class ManualScheduler implements Scheduler {
  #now: number;
  #order = 0;
  readonly #timers = new Map<object, PendingTimer>();

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const handle = {};
    this.#timers.set(handle, { at: this.#now + Math.max(0, delayMs), order: this.#order++, callback });
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as object);
  }

  /** Number of timers not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves the clock forward by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): void {
    const target = this.#now + Math.max(0, ms);
    for (;;) {
      let next: [object, PendingTimer] | undefined;
      for (const entry of this.#timers) {
        if (entry[1].at > target) continue;
        if (
          !next ||
          entry[1].at < next[1].at ||
          (entry[1].at === next[1].at && entry[1].order < next[1].order)
        ) {
          next = entry;
        }
      }
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].callback();
    }
    this.#now = target;
  }
}
