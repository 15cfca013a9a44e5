import { ContextConsumer, createContext } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { atom, type ReadableAtom } from 'nanostores';
import type { CoGuestStore } from '../core/co-guest-store.js';
import type { LiveAudienceStore } from '../core/live-audience-store.js';
import type { LiveSeatStore } from '../core/live-seat-store.js';
import { getDefaultSession, type Session } from '../core/session.js';
import { StoreController } from './store-controller.js';

/** What `<live-core-view>` hands down to the kit's elements inside it. */
export interface LiveTarget {
  /** The session whose stores the elements read. */
  readonly session: Session;
  /** The live the elements show, or `null` while none is set. */
  readonly liveId: string | null;
}

/** The context `<live-core-view>` provides (`@lit/context`). */
export const liveContext = createContext<LiveTarget | undefined>(Symbol.for('co-guest-kit.live'));

/** The stores of one live on one session. */
export interface LiveStores {
  readonly session: Session;
  readonly liveId: string;
  readonly coGuest: CoGuestStore;
  readonly seats: LiveSeatStore;
  readonly audience: LiveAudienceStore;
}

/** An element that shows one live: it may name the session and the live itself. */
export interface LiveHost extends ReactiveControllerHost, HTMLElement {
  /** An explicit session; `null` to take it from the context or the default session. */
  session: Session | null;
  /** An explicit live (`live-id`); `null` to take it from the context. */
  liveId: string | null;
}

/** A store value bound through `LiveController.bind`. */
export interface Bound<T> {
  readonly value: T;
}

interface Binding {
  readonly controller: StoreController<unknown>;
  /** The store to read now. */
  readonly pick: () => ReadableAtom<unknown>;
}

/**
 * Finds the session and live an element shows, in the order DESIGN.md gives: the element's own
 * `session` property and `live-id` attribute, then the context of an enclosing `<live-core-view>`,
 * then the page's default session. Store values bound with `bind()` follow when any of these change;
 * listeners attached with `listen()` are moved to the new stores.
 *
 * ```ts
 * #live = new LiveController(this);
 * #status = this.#live.bind((live) => live.coGuest.coGuestState.selfStatus, 'idle');
 * render() { return html`${this.#status.value}`; }
 * ```
 */
export class LiveController implements ReactiveController {
  readonly #host: LiveHost;
  readonly #consumer: ContextConsumer<typeof liveContext, LiveHost>;
  readonly #bindings: Binding[] = [];
  readonly #listeners: {
    readonly attach: (stores: LiveStores) => () => void;
    detach: (() => void) | null;
  }[] = [];
  #stores: LiveStores | null = null;
  #session: Session | null = null;
  #connected = false;

  constructor(host: LiveHost) {
    this.#host = host;
    this.#consumer = new ContextConsumer(host, {
      context: liveContext,
      subscribe: true,
      callback: () => {
        this.#resolve();
      },
    });
    host.addController(this);
  }

  /** The session the element shows. */
  get session(): Session {
    this.#resolve();
    return this.#session ?? this.#pick().session;
  }

  /** The live the element shows, or `null`. */
  get liveId(): string | null {
    this.#resolve();
    return this.#stores?.liveId ?? null;
  }

  /** The stores of the live the element shows, or `null` while it has no live. */
  get stores(): LiveStores | null {
    this.#resolve();
    return this.#stores;
  }

  /**
   * Binds a store of the live: `.value` reads it, the element updates when it changes, and it
   * follows the element to another session or live. Reads `fallback` while there is no live.
   */
  bind<T>(select: (stores: LiveStores) => ReadableAtom<T>, fallback: T): Bound<T> {
    const idle = atom(fallback);
    return this.#add(() => (this.#stores === null ? idle : select(this.#stores)));
  }

  /** Binds a store of the session (connection state, logged-in user); follows a change of session. */
  bindSession<T>(select: (session: Session) => ReadableAtom<T>): Bound<T> {
    return this.#add(() => select(this.session));
  }

  /**
   * Runs `attach` with the live's stores while the element is connected and has a live; the
   * function it returns runs when the element disconnects or moves to another live or session.
   * Use it for listener objects (`addHostListener`/`removeHostListener`).
   */
  listen(attach: (stores: LiveStores) => () => void): void {
    const entry = { attach, detach: null as (() => void) | null };
    this.#listeners.push(entry);
    if (this.#connected && this.#stores !== null) entry.detach = attach(this.#stores);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#resolve(true);
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#detachAll();
  }

  hostUpdate(): void {
    this.#resolve();
  }

  #pick(): LiveTarget {
    const host = this.#host;
    const provided = this.#consumer.value;
    return {
      session: host.session ?? provided?.session ?? getDefaultSession(),
      liveId: host.liveId ?? provided?.liveId ?? null,
    };
  }

  #resolve(reattach = false): void {
    const { session, liveId } = this.#pick();
    const current = this.#stores;
    const sameSession = session === this.#session;
    const same = sameSession && (liveId === null ? current === null : current?.liveId === liveId);
    if (same && !reattach) return;
    if (!same) {
      this.#detachAll();
      this.#session = session;
      this.#stores =
        liveId === null
          ? null
          : {
              session,
              liveId,
              coGuest: session.coGuestStore(liveId),
              seats: session.liveSeatStore(liveId),
              audience: session.liveAudienceStore(liveId),
            };
      for (const binding of this.#bindings) binding.controller.setStore(binding.pick());
      this.#host.requestUpdate();
    }
    if (this.#connected && this.#stores !== null) {
      for (const entry of this.#listeners) entry.detach ??= entry.attach(this.#stores);
    }
  }

  #add<T>(pick: () => ReadableAtom<T>): Bound<T> {
    const controller = new StoreController<T>(this.#host, pick());
    this.#bindings.push({ controller, pick });
    // Reading resolves first, so an element deriving state in `willUpdate` (before `hostUpdate`)
    // already sees the stores of a changed `session` or `live-id`.
    const resolve = (): void => {
      this.#resolve();
    };
    return {
      get value(): T {
        resolve();
        return controller.value;
      },
    };
  }

  #detachAll(): void {
    for (const entry of this.#listeners) {
      entry.detach?.();
      entry.detach = null;
    }
  }
}
