import { DestroyRef, inject, signal, type Signal } from '@angular/core';

/** What the helper needs of a nanostores store (every store of the kit has it). */
export interface ReadableStore<T> {
  get(): T;
  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void;
}

/**
 * A store's value as an Angular signal: a store change re-renders the templates that read it (with
 * zoneless change detection, setting a signal read by a template schedules the update). Call it in
 * an injection context (a field initializer); it unsubscribes when the component is destroyed.
 */
export function storeSignal<T>(store: ReadableStore<T>): Signal<T> {
  const value = signal(store.get());
  const stop = store.subscribe((next) => value.set(next));
  inject(DestroyRef).onDestroy(stop);
  return value.asReadonly();
}
