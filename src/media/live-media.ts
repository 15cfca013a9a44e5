/**
 * `LiveMedia` and `mediaFor`, the media of a live as the kit's modules and `<live-core-view>` see
 * them. Their code (`LiveMediaRuntime`, src/media/live-media-runtime.ts: the connections, remote
 * audio, the speaking meter) is loaded the first time a live's media is asked for: a subscriber of
 * one of its stores, `start()` or `resumeAudio()` (docs/decisions/0024 and 0030). Until then every
 * store holds its initial value, which is the runtime's: nothing can have run before the code is
 * there. Once loaded, each store follows the runtime's while it has subscribers, and `get()` reads
 * it.
 */
import { atom, onMount, type ReadableAtom, type WritableAtom } from 'nanostores';
import type { Session } from '../core/session.js';
import { DeviceStore } from './device-store.js';
import type { LiveMediaRuntime, LiveMediaView, ViewerStatus } from './live-media-runtime.js';
import type { ConnectionQualityInfo } from './quality.js';
import type { MediaQuality } from './transport.js';

export type { LiveMediaView, ViewerStatus } from './live-media-runtime.js';
export type { MediaQuality } from './transport.js';
export type { ConnectionQualityInfo, QualityLevel } from './quality.js';

type RuntimeModule = typeof import('./live-media-runtime.js');

let runtimeModule: Promise<RuntimeModule> | null = null;
/** The module once loaded: stores subscribe to the runtime's synchronously from then on. */
let loaded: RuntimeModule | null = null;
/** Stores that follow the runtime without loading it: attached when something else loads it. */
const awaiting = new Set<(module: RuntimeModule) => void>();

function loadRuntime(): Promise<RuntimeModule> {
  runtimeModule ??= import('./live-media-runtime.js').then(
    (module) => {
      loaded = module;
      for (const attach of [...awaiting]) attach(module);
      awaiting.clear();
      return module;
    },
    (error: unknown) => {
      // Not cached: the next subscriber or action tries again.
      runtimeModule = null;
      throw error;
    },
  );
  return runtimeModule;
}

/** The runtime of `liveId` on `session`, with the session's devices. */
function runtimeOf(module: RuntimeModule, session: Session, liveId: string): LiveMediaRuntime {
  return module.LiveMediaRuntime.for(session, liveId, DeviceStore.for(session));
}

const caches = new WeakMap<Session, Map<string, LiveMedia>>();

/**
 * A store that holds `initial` until the runtime is loaded, then follows `pick(runtime)` while it
 * has subscribers. Subscribing loads the runtime (a failed load leaves the initial value), unless
 * `load` is `false`: the store then waits until something else loads it.
 */
function follow<T>(
  session: Session,
  liveId: string,
  initial: T,
  pick: (runtime: LiveMediaRuntime) => ReadableAtom<T>,
  load = true,
): WritableAtom<T> {
  const $store = atom(initial);
  onMount($store, () => {
    let stop: (() => void) | null = null;
    let active = true;
    const attach = (module: RuntimeModule): void => {
      if (active) stop = pick(runtimeOf(module, session, liveId)).subscribe((value) => $store.set(value));
    };
    if (loaded !== null) attach(loaded);
    else if (load) loadRuntime().then(attach, () => undefined);
    else awaiting.add(attach);
    return () => {
      active = false;
      awaiting.delete(attach);
      stop?.();
    };
  });
  return $store;
}

/**
 * The media of one live on one session (docs/media.md). Get it with `LiveMedia.for(session, liveId)`.
 *
 * While running (`start()`, or a subscriber of `mediaFor(session, liveId)`) and while the session is
 * a member of the live, it:
 * - watches every seat holder but its own user (`media.watch`) and stops watching those who leave
 *   their seat (`media.unwatch`); the publisher's connection arrives as an offer, the viewer's side
 *   (a non-initiator peer) is made then, and `remoteStreams` gets the publisher's stream. Told that
 *   the server ended a pair it watches (`media.viewer` `left`: the publisher's page reloaded), it
 *   watches again;
 * - while its own user sits on a seat, answers each `media.viewer` `joined` with a connection that
 *   sends `DeviceStore.localStream`'s tracks, and closes it on `left`; starting in a live where it
 *   holds a seat, it asks for the viewers it already has (`media.viewers`). Turning a device on,
 *   off or switching it changes the tracks on the open connections (never a new connection);
 * - plays every remote stream's audio through one `<audio>` element it owns (not in the document);
 *   `autoplayBlocked` says the browser refused to start it before a user gesture (`resumeAudio()`).
 *
 * Leaving or losing the seat closes the connections it published; leaving the live, the live's
 * end, logging out and `stop()` close every one and empty the stores. simple-peer (src/media/peer.ts)
 * is loaded the first time a connection is needed. ICE servers come from `session.iceServers`
 * (none by default).
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
  /**
   * The quality of this user's connections, by user id: each watched seat holder's, and this user's
   * own uplink under its own id while it sends (docs/media.md, "Connection quality"). Statistics are
   * read every `QUALITY_SAMPLE_MS` only while this store has a subscriber and the media runs;
   * subscribing does not load the media code nor start the media. Empty while nothing is measured.
   */
  readonly connectionQuality: ReadableAtom<ReadonlyMap<string, ConnectionQualityInfo>>;

  readonly #$running: WritableAtom<boolean>;
  /** Whether `start()` was called last (not `stop()`): a start waiting for the runtime checks it. */
  #started = false;
  #view: LiveMediaView | null = null;

  private constructor(session: Session, liveId: string) {
    this.session = session;
    this.liveId = liveId;
    this.remoteStreams = follow<ReadonlyMap<string, MediaStream>>(
      session,
      liveId,
      new Map(),
      (runtime) => runtime.remoteStreams,
    );
    this.viewerStatus = follow<ReadonlyMap<string, ViewerStatus>>(
      session,
      liveId,
      new Map(),
      (runtime) => runtime.viewerStatus,
    );
    this.speakingUsers = follow<ReadonlySet<string>>(
      session,
      liveId,
      new Set(),
      (runtime) => runtime.speakingUsers,
    );
    this.autoplayBlocked = follow(session, liveId, false, (runtime) => runtime.autoplayBlocked);
    this.connectionQuality = follow<ReadonlyMap<string, ConnectionQualityInfo>>(
      session,
      liveId,
      new Map(),
      (runtime) => runtime.connectionQuality,
      false,
    );
    this.#$running = follow(session, liveId, false, (runtime) => runtime.running);
  }

  /** Whether the media runs (started, or asked for through `mediaFor`). */
  get running(): ReadableAtom<boolean> {
    return this.#runtime?.running ?? this.#$running;
  }

  /**
   * The users this session has a connection with now, each way: `publishing` to its viewers,
   * `watching` the seat holders whose offer it took (for diagnostics and tests).
   */
  get connections(): { readonly publishing: readonly string[]; readonly watching: readonly string[] } {
    return this.#runtime?.connections ?? { publishing: [], watching: [] };
  }

  /** Runs the media (see the class). Idempotent; `stop()` ends it. */
  start(): void {
    this.#started = true;
    const runtime = this.#runtime;
    if (runtime !== null) {
      runtime.start();
      return;
    }
    this.#$running.set(true);
    this.#load().then(
      (loadedRuntime) => {
        if (this.#started) loadedRuntime.start();
      },
      () => {
        if (this.#runtime === null) this.#$running.set(false);
      },
    );
  }

  /** Ends what `start()` began: every connection closes and the stores empty (unless `mediaFor` still has a subscriber). */
  stop(): void {
    this.#started = false;
    const runtime = this.#runtime;
    if (runtime !== null) runtime.stop();
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

  /**
   * The quality this user wants of `publisherId`'s video: `high` (a large tile, the default), `low`
   * (a small one) or `off` (not shown; the audio goes on). Used in SFU mode, where it picks the
   * simulcast layer the media server relays; the mesh sends one quality and ignores it.
   */
  setWantedQuality(publisherId: string, quality: MediaQuality): void {
    this.#load().then(
      (runtime) => runtime.setWantedQuality(publisherId, quality),
      () => undefined,
    );
  }

  /** The stores `<live-core-view>` reads; see `mediaFor`. */
  get view(): LiveMediaView {
    this.#view ??= {
      streams: follow<ReadonlyMap<string, MediaStream>>(
        this.session,
        this.liveId,
        new Map(),
        (runtime) => runtime.view.streams,
      ),
      speakingUsers: follow<ReadonlySet<string>>(
        this.session,
        this.liveId,
        new Set(),
        (runtime) => runtime.view.speakingUsers,
      ),
    };
    return this.#view;
  }

  /** The runtime of this live, if its module is loaded. */
  get #runtime(): LiveMediaRuntime | null {
    return loaded === null ? null : runtimeOf(loaded, this.session, this.liveId);
  }

  async #load(): Promise<LiveMediaRuntime> {
    return runtimeOf(await loadRuntime(), this.session, this.liveId);
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
