import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';

/** What the composable needs of a nanostores store (every store of the kit has it). */
export interface ReadableStore<T> {
  get(): T;
  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void;
}

/** A store's value as a Vue ref: a store change re-renders the components that read it. */
export function useStore<T>(store: ReadableStore<T>): Readonly<ShallowRef<T>> {
  const value = shallowRef(store.get());
  const stop = store.subscribe((next) => {
    value.value = next;
  });
  onScopeDispose(stop);
  return value;
}
