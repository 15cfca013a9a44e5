import { batch } from 'nanostores';

/** Methods of a listener object whose arguments are `A`. */
type Args<F> = F extends (...args: infer A) => unknown ? A : never;

/**
 * A set of listener objects, each implementing any subset of `L`'s methods. A listener that throws
 * is reported through `report` and never stops the others or the store.
 */
export class ListenerSet<L extends object> {
  readonly #items = new Set<L>();
  readonly #report: (error: unknown) => void;

  /** `report` receives what a listener throws. */
  constructor(report: (error: unknown) => void) {
    this.#report = report;
  }

  /** Adds `listener` (once: adding it again changes nothing). */
  add(listener: L): void {
    this.#items.add(listener);
  }

  /** Removes `listener`. */
  remove(listener: L): void {
    this.#items.delete(listener);
  }

  /** Calls `name` on every listener that implements it, in the order they were added. */
  emit<K extends keyof L>(name: K, ...args: Args<NonNullable<L[K]>>): void {
    for (const listener of [...this.#items]) {
      const method = listener[name];
      if (typeof method !== 'function') continue;
      try {
        (method as (...a: unknown[]) => unknown).apply(listener, args);
      } catch (error) {
        this.#report(error);
      }
    }
  }
}

/** Runs `update` as one nanostores batch; what a store subscriber throws goes to `report`, never further. */
export function batchReported(report: (error: unknown) => void, update: () => void): void {
  try {
    batch(update);
  } catch (error) {
    report(error);
  }
}
