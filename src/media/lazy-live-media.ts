/**
 * `LiveMedia` and `mediaFor` as the kit's root module and `<live-core-view>` see them: the same API
 * as src/media/live-media.ts, whose code (peer connections, remote audio, the speaking meter) is
 * loaded the first time a live's media is asked for: a subscriber of one of its stores, `start()`
 * or `resumeAudio()` (docs/decisions/0024). Until then every store holds its initial value, which
 * is the real one: nothing can have run before the code is there. Once loaded, each store follows
 * the real one while it has subscribers, and `get()` reads it.
 */
import { atom, onMount, type ReadableAtom, type WritableAtom } from 'nanostores';
import type { Session } from '../core/session.js';
import type * as Real from './live-media.js';
import type { LiveMediaView, ViewerStatus } from './live-media.js';

export type { LiveMediaView, ViewerStatus } from './live-media.js';

type LiveMediaModule = typeof import('./live-media.js');

let liveMediaModule: Promise<LiveMediaModule> | null = null;
/** The module once loaded: stores subscribe to the real ones synchronously from then on. */
let loaded: LiveMediaModule | null = null;

function loadLiveMedia(): Promise<LiveMediaModule> {
  liveMediaModule ??= import('./live-media.js').then(
    (module) => (loaded = module),
    (error: unknown) => {
      // Not cached: the next subscriber or action tries again.
      liveMediaModule = null;
      throw error;
    },
  );
  return liveMediaModule;
}

const caches = new WeakMap<Session, Map<string, LiveMedia>>();

/**
 * A store that holds `initial` until the real module is loaded, then follows `pick(real)` while it
 * has subscribers. Subscribing loads the module (a failed load leaves the initial value).
 */
function follow<T>(
  session: Session,
  liveId: string,
  initial: T,
  pick: (real: Real.LiveMedia) => ReadableAtom<T>,
): WritableAtom<T> {
  const $store = atom(initial);
  onMount($store, () => {
    let stop: (() => void) | null = null;
    let active = true;
    const attach = (module: LiveMediaModule): void => {
      if (active) stop = pick(module.LiveMedia.for(session, liveId)).subscribe((value) => $store.set(value));
    };
    if (loaded !== null) attach(loaded);
    else loadLiveMedia().then(attach, () => undefined);
    return () => {
      active = false;
      stop?.();
    };
  });
  return $store;
}

/**
 * The media of one live on one session; see the real `LiveMedia` (src/media/live-media.ts) for
 * what it does. Get it with `LiveMedia.for(session, liveId)`.
 */
export class LiveMedia {
  /** The media of `liveId` on `session` (one instance per session and live). */
  static for(session: Session, liveId: string): LiveMedia {
    let lives = caches.get(session);
    if (lives === undefined) {
      lives = new Map();
      caches.set(session, lives);
    }
    let media = lives.get(liveId);
    if (media === undefined) {
      media = new LiveMedia(session, liveId);
      lives.set(liveId, media);
    }
    return media;
  }

  readonly session: Session;
  readonly liveId: string;
  /** Each watched seat holder's stream, by user id (tracks come and go in the same stream). */
  readonly remoteStreams: ReadableAtom<ReadonlyMap<string, MediaStream>>;
  /** How each seat holder this user watches is received, by user id. */
  readonly viewerStatus: ReadableAtom<ReadonlyMap<string, ViewerStatus>>;
  /** The ids of the users speaking now, from audio levels (measured while someone listens). */
  readonly speakingUsers: ReadableAtom<ReadonlySet<string>>;
  /** Remote audio (or the level meter) waits for a user gesture: call `resumeAudio()` from one. */
  readonly autoplayBlocked: ReadableAtom<boolean>;

  readonly #$running: WritableAtom<boolean>;
  /** Whether `start()` was called last (not `stop()`): a start waiting for the code checks it. */
  #started = false;
  #view: LiveMediaView | null = null;

  private constructor(session: Session, liveId: string) {
    this.session = session;
    this.liveId = liveId;
    this.remoteStreams = follow<ReadonlyMap<string, MediaStream>>(
      session,
      liveId,
      new Map(),
      (real) => real.remoteStreams,
    );
    this.viewerStatus = follow<ReadonlyMap<string, ViewerStatus>>(
      session,
      liveId,
      new Map(),
      (real) => real.viewerStatus,
    );
    this.speakingUsers = follow<ReadonlySet<string>>(
      session,
      liveId,
      new Set(),
      (real) => real.speakingUsers,
    );
    this.autoplayBlocked = follow(session, liveId, false, (real) => real.autoplayBlocked);
    this.#$running = follow(session, liveId, false, (real) => real.running);
  }

  /** Whether the media runs (started, or asked for through `mediaFor`). */
  get running(): ReadableAtom<boolean> {
    return this.#real?.running ?? this.#$running;
  }

  /**
   * The users this session has a connection with now, each way: `publishing` to its viewers,
   * `watching` the seat holders whose offer it took (for diagnostics and tests).
   */
  get connections(): { readonly publishing: readonly string[]; readonly watching: readonly string[] } {
    return this.#real?.connections ?? { publishing: [], watching: [] };
  }

  /** Runs the media (see the real `LiveMedia`). Idempotent; `stop()` ends it. */
  start(): void {
    this.#started = true;
    const real = this.#real;
    if (real !== null) {
      real.start();
      return;
    }
    this.#$running.set(true);
    this.#load().then(
      (loadedReal) => {
        if (this.#started) loadedReal.start();
      },
      () => {
        if (this.#real === null) this.#$running.set(false);
      },
    );
  }

  /** Ends what `start()` began (unless `mediaFor` still has a subscriber). */
  stop(): void {
    this.#started = false;
    const real = this.#real;
    if (real !== null) real.stop();
    else this.#$running.set(false);
  }

  /**
   * Starts remote audio the browser held back (`autoplayBlocked`) and the level meter; call it from
   * a user gesture (a click). Resolves `true` once nothing waits any more.
   */
  async resumeAudio(): Promise<boolean> {
    try {
      return await (await this.#load()).resumeAudio();
    } catch {
      return false;
    }
  }

  /** The stores `<live-core-view>` reads; see `mediaFor`. */
  get view(): LiveMediaView {
    this.#view ??= {
      streams: follow<ReadonlyMap<string, MediaStream>>(
        this.session,
        this.liveId,
        new Map(),
        (real) => real.view.streams,
      ),
      speakingUsers: follow<ReadonlySet<string>>(
        this.session,
        this.liveId,
        new Set(),
        (real) => real.view.speakingUsers,
      ),
    };
    return this.#view;
  }

  /** The real instance, if its module is loaded. */
  get #real(): Real.LiveMedia | null {
    return loaded === null ? null : loaded.LiveMedia.for(this.session, this.liveId);
  }

  async #load(): Promise<Real.LiveMedia> {
    return (await loadLiveMedia()).LiveMedia.for(this.session, this.liveId);
  }
}

/**
 * The streams and speakers `<live-core-view>` shows for `liveId` on `session` when its `streams` /
 * `speakingUsers` properties are `null`. Subscribing runs the live's media (`LiveMedia`); the last
 * subscriber leaving stops it (unless `start()` was called).
 */
export function mediaFor(session: Session, liveId: string): LiveMediaView {
  return LiveMedia.for(session, liveId).view;
}
