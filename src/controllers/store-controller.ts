import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadableAtom } from 'nanostores';

/**
 * Binds a nanostore to a Lit element: subscribes while the element is connected, exposes the
 * current value as `.value` and asks the element to update when the value changes.
 *
 * ```ts
 * #seats = new StoreController(this, liveSeatStore.seatList);
 * render() { return html`${this.#seats.value.length}`; }
 * ```
 *
 * - Subscribing is lazy, like the store: a store with `onMount` (a socket, a timer) starts only
 *   when the first connected element reads it, and stops after the last one disconnects.
 * - While the element is disconnected, `.value` reads the store directly (`store.get()`).
 * - `setStore()` swaps the store (an element whose `live-id` changed), unsubscribing from the old
 *   one and, when connected, subscribing to the new one.
 *
 * `@nanostores/lit` does the same but ships CommonJS only; this is the ES module replacement.
 */
export class StoreController<T> implements ReactiveController {
  #host: ReactiveControllerHost;
  #store: ReadableAtom<T>;
  #unsubscribe: (() => void) | undefined;
  #value: T | undefined;

  constructor(host: ReactiveControllerHost, store: ReadableAtom<T>) {
    this.#host = host;
    this.#store = store;
    host.addController(this);
  }

  /** The store's current value. */
  get value(): T {
    return this.#unsubscribe === undefined ? this.#store.get() : (this.#value as T);
  }

  /** The store this controller reads. */
  get store(): ReadableAtom<T> {
    return this.#store;
  }

  hostConnected(): void {
    this.#subscribe();
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Reads another store from now on; the host updates when the value differs. */
  setStore(store: ReadableAtom<T>): void {
    if (store === this.#store) return;
    const connected = this.#unsubscribe !== undefined;
    this.hostDisconnected();
    this.#store = store;
    if (connected) this.#subscribe();
    else this.#host.requestUpdate();
  }

  #subscribe(): void {
    if (this.#unsubscribe !== undefined) return;
    // `subscribe` calls back at once (the host may have missed changes while it was disconnected)
    // and then on every change the store reports, including `notify()` after an in-place change,
    // so every call asks for an update; Lit batches them into one render.
    this.#unsubscribe = this.#store.subscribe((value) => {
      this.#value = value;
      this.#host.requestUpdate();
    });
  }
}
