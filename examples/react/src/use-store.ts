import { useCallback, useSyncExternalStore } from 'react';

/** What the hook needs of a nanostores store (every store of the kit has it). */
export interface ReadableStore<T> {
  get(): T;
  /** Calls `listener` on every change (not now); returns the unsubscribe function. */
  listen(listener: (value: T) => void): () => void;
}

/** A store's value in a component: a store change re-renders it. */
export function useStore<T>(store: ReadableStore<T>): T {
  const subscribe = useCallback((changed: () => void) => store.listen(changed), [store]);
  const snapshot = useCallback(() => store.get(), [store]);
  return useSyncExternalStore(subscribe, snapshot);
}
