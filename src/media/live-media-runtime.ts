/**
 * The code of `LiveMedia` (src/media/live-media.ts), loaded the first time a live's media is asked
 * for (its own chunk in the browser bundle, docs/decisions/0024 and 0030): when the media of one
 * live runs on one session, what this user sends, and what it does with what arrives (the remote
 * streams, their audio, who speaks). The connections themselves are a `MediaTransport`'s
 * (src/media/transport.ts): the peer mesh today. Every behaviour is documented on `LiveMedia`.
 */
import { atom, computed, onMount, type ReadableAtom } from 'nanostores';
import type { Session } from '../core/session.js';
import type { DeviceStore } from './device-store.js';
import { MeshTransport } from './mesh-transport.js';
import { SfuTransport } from './sfu-transport.js';
import { SpeakingMeter } from './speaking.js';
import type {
  ConnectionQualityInfo,
  LocalTracks,
  MediaConnections,
  MediaQuality,
  MediaTransport,
  ViewerStatus,
} from './transport.js';

export type { ViewerStatus } from './transport.js';

/** What `<live-core-view>` shows: every seat holder's stream (this user's own included) and who speaks. */
export interface LiveMediaView {
  /**
   * Remote streams by user id, plus this user's own `DeviceStore.localStream` under its id. While
   * a subscriber listens, the live's media runs (as with `LiveMedia.start()`).
   */
  readonly streams: ReadableAtom<ReadonlyMap<string, MediaStream>>;
  /** The ids of the users speaking now (remote and local). Subscribing also runs the live's media. */
  readonly speakingUsers: ReadableAtom<ReadonlySet<string>>;
}

/**
 * What the runtime reads of the session's `DeviceStore`: handed over by `LiveMedia`, so this chunk
 * does not import the store (nor, through it, the session's code).
 */
export type LocalDevices = Pick<DeviceStore, 'localStream' | 'screenStream' | 'currentSpeaker'>;

const caches = new WeakMap<Session, Map<string, LiveMediaRuntime>>();

/** The media of one live on one session, once its code is loaded; see `LiveMedia`. */
export class LiveMediaRuntime {
  /**
   * The media of `liveId` on `session` (one instance per session and live); `devices` is the
   * session's `DeviceStore` (read by the first call).
   */
  static for(session: Session, liveId: string, devices: LocalDevices): LiveMediaRuntime {
    let lives = caches.get(session);
    if (lives === undefined) {
      lives = new Map();
      caches.set(session, lives);
    }
    let media = lives.get(liveId);
    if (media === undefined) {
      media = new LiveMediaRuntime(session, liveId, devices);
      lives.set(liveId, media);
    }
    return media;
  }

  /** Each watched seat holder's stream, by user id (tracks come and go in the same stream). */
  readonly remoteStreams: ReadableAtom<ReadonlyMap<string, MediaStream>>;
  /** How each seat holder this user watches is received, by user id. */
  readonly viewerStatus: ReadableAtom<ReadonlyMap<string, ViewerStatus>>;
  /** The ids of the users speaking now, from audio levels (measured while someone listens). */
  readonly speakingUsers: ReadableAtom<ReadonlySet<string>>;
  /** Remote audio (or the level meter) waits for a user gesture: call `resumeAudio()` from one. */
  readonly autoplayBlocked: ReadableAtom<boolean>;
  /** The transport's `connectionQuality`: each seat holder's, and this user's uplink under its id. */
  readonly connectionQuality: ReadableAtom<ReadonlyMap<string, ConnectionQualityInfo>>;

  readonly #session: Session;
  readonly #liveId: string;
  readonly #devices: LocalDevices;
  readonly #transport: MediaTransport;
  readonly #meter = new SpeakingMeter();
  readonly #$autoplayBlocked = atom(false);
  readonly #$running = atom(false);
  #explicit = false;
  /** Subscribers of `view`'s stores. */
  #demands = 0;
  /** Unsubscribers of what runs while started. */
  #started: (() => void)[] = [];
  /** Unsubscribers of what runs while the session is a member of the live. */
  #inside: (() => void)[] | null = null;
  /** The `<audio>` of each remote stream (its `srcObject`), by user id; none outside a document. */
  readonly #audios = new Map<string, HTMLAudioElement>();
  #connected = false;
  #view: LiveMediaView | null = null;

  private constructor(session: Session, liveId: string, devices: LocalDevices) {
    this.#session = session;
    this.#liveId = liveId;
    this.#devices = devices;
    // The server said how media moves on it in its welcome (a live is joined after one).
    this.#transport =
      session.mediaMode === 'sfu' ? new SfuTransport(session, liveId) : new MeshTransport(session, liveId);
    this.remoteStreams = this.#transport.remoteStreams;
    this.viewerStatus = this.#transport.viewerStatus;
    this.connectionQuality = this.#transport.connectionQuality;
    this.speakingUsers = this.#meter.speaking;
    this.autoplayBlocked = this.#$autoplayBlocked;
    this.remoteStreams.listen((streams) => {
      this.#play(streams);
    });
  }

  /** Whether the media runs (started, or asked for through `mediaFor`). */
  get running(): ReadableAtom<boolean> {
    return this.#$running;
  }

  /**
   * The users this session has a connection with now, each way: `publishing` to its viewers,
   * `watching` the seat holders whose offer it took (for diagnostics and tests).
   */
  get connections(): MediaConnections {
    return this.#transport.connections;
  }

  /** Runs the media (see `LiveMedia`). Idempotent; `stop()` ends it. */
  start(): void {
    this.#explicit = true;
    this.#update();
  }

  /** Ends what `start()` began: every connection closes and the stores empty (unless `mediaFor` still has a subscriber). */
  stop(): void {
    this.#explicit = false;
    this.#update();
  }

  /** The quality this user wants of `publisherId`'s video (see `LiveMedia.setWantedQuality`). */
  setWantedQuality(publisherId: string, quality: MediaQuality): void {
    this.#transport.setWantedQuality(publisherId, quality);
  }

  /**
   * Starts remote audio the browser held back (`autoplayBlocked`) and the level meter; call it from
   * a user gesture (a click). Resolves `true` once nothing waits any more.
   */
  async resumeAudio(): Promise<boolean> {
    const plays = [...this.#audios.values()].map(async (audio) => {
      if (!audio.paused) return true;
      try {
        await audio.play();
        return true;
      } catch {
        return false;
      }
    });
    const results = await Promise.all([...plays, this.#meter.resume()]);
    const resumed = results.every(Boolean);
    if (resumed) this.#$autoplayBlocked.set(false);
    return resumed;
  }

  /** The stores `<live-core-view>` reads; see `mediaFor`. */
  get view(): LiveMediaView {
    return (this.#view ??= this.#createView());
  }

  // ── running ─────────────────────────────────────────────────────────────────────────────────

  #update(): void {
    const run = this.#explicit || this.#demands > 0;
    if (run === this.#$running.get()) return;
    this.#$running.set(run);
    if (run) {
      const session = this.#session;
      const check = (): void => {
        this.#checkMembership();
      };
      this.#started = [
        session.liveListStore.currentLive.subscribe(check),
        session.loginStore.loginUserInfo.listen(check),
        session.$connection.listen((status) => {
          const connected = status === 'connected';
          const back = connected && !this.#connected;
          this.#connected = connected;
          if (back) this.#transport.resume();
        }),
      ];
      this.#connected = session.$connection.get() === 'connected';
    } else {
      for (const off of this.#started.splice(0)) off();
      this.#exit();
    }
  }

  #selfId(): string | null {
    return this.#session.loginStore.loginUserInfo.get()?.userId ?? null;
  }

  #checkMembership(): void {
    const member =
      this.#selfId() !== null && this.#session.liveListStore.currentLive.get()?.liveId === this.#liveId;
    if (member && this.#inside === null) this.#enter();
    else if (!member && this.#inside !== null) this.#exit();
  }

  #enter(): void {
    const devices = this.#devices;
    const transport = this.#transport;
    const inside: (() => void)[] = [];
    const send = (): void => {
      this.#sendLocalTracks();
    };
    // Set before subscribing: the subscriptions below call back at once.
    this.#inside = inside;
    transport.open();
    send();
    inside.push(
      this.#session.liveSeatStore(this.#liveId).seatList.subscribe((seats) => {
        // Only a seat holder sends: leaving or losing the seat ends what this user published.
        const selfId = this.#selfId();
        if (!seats.some((seat) => seat.userInfo?.userId === selfId)) transport.unpublish();
      }),
      devices.localStream.listen(send),
      devices.screenStream.listen(send),
      devices.currentSpeaker.listen((speaker) => {
        for (const audio of this.#audios.values()) this.#applySpeaker(audio, speaker);
      }),
    );
  }

  /** Leaves: every connection closes, the stores empty (the meter follows `remoteStreams`). */
  #exit(): void {
    const inside = this.#inside;
    this.#inside = null;
    if (inside !== null) for (const off of inside) off();
    this.#transport.close();
    this.#$autoplayBlocked.set(false);
  }

  // ── what this user sends ────────────────────────────────────────────────────────────────────

  /**
   * What this user sends: the microphone, and the shared screen while there is one, else the
   * camera. The screen takes the video section's place (docs/decisions/0012): no new section.
   */
  #localTracks(): LocalTracks {
    const stream = this.#devices.localStream.get();
    const screen = this.#devices.screenStream.get()?.getVideoTracks()[0];
    return {
      audio: stream?.getAudioTracks()[0] ?? null,
      video: screen ?? stream?.getVideoTracks()[0] ?? null,
    };
  }

  /** What this user sends, now (entering the live) or changed (a device opened, closed or switched). */
  #sendLocalTracks(): void {
    this.#transport.publish(this.#localTracks());
    this.#updateMeter();
  }

  // ── remote audio and levels ─────────────────────────────────────────────────────────────────

  /** Follows the remote streams: one `<audio>` per stream, and the level meter. */
  #play(streams: ReadonlyMap<string, MediaStream>): void {
    for (const [userId, audio] of this.#audios) {
      if (streams.get(userId) === audio.srcObject) continue;
      this.#audios.delete(userId);
      audio.pause();
      audio.srcObject = null;
    }
    if (typeof document !== 'undefined') {
      for (const [userId, stream] of streams) {
        if (!this.#audios.has(userId)) this.#audios.set(userId, this.#audio(stream));
      }
    }
    this.#updateMeter();
  }

  /** One `<audio>` per remote stream (not in the document): the only place remote sound plays. */
  #audio(stream: MediaStream): HTMLAudioElement {
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.srcObject = stream;
    this.#applySpeaker(audio, this.#devices.currentSpeaker.get());
    audio.play().catch((error: unknown) => {
      // `NotAllowedError`: the browser wants a user gesture first.
      const notAllowed = error instanceof DOMException && error.name === 'NotAllowedError';
      if (notAllowed && audio.srcObject === stream) this.#$autoplayBlocked.set(true);
    });
    return audio;
  }

  #applySpeaker(audio: HTMLAudioElement, speaker: string | null): void {
    if (typeof audio.setSinkId !== 'function') return;
    audio.setSinkId(speaker ?? '').catch(() => {
      // The speaker went away: the browser keeps the default output.
    });
  }

  #updateMeter(): void {
    const tracks = new Map<string, MediaStreamTrack>();
    for (const [userId, stream] of this.remoteStreams.get()) {
      const track = stream.getAudioTracks()[0];
      if (track !== undefined) tracks.set(userId, track);
    }
    const selfId = this.#selfId();
    const local = this.#devices.localStream.get()?.getAudioTracks()[0];
    if (selfId !== null && local !== undefined && this.#inside !== null) tracks.set(selfId, local);
    this.#meter.setTracks(tracks);
  }

  #createView(): LiveMediaView {
    const devices = this.#devices;
    /** The own stream while sharing: one per screen share, so that a tile showing it never reloads. */
    let shared: { screen: MediaStream; stream: MediaStream } | null = null;
    const streams = computed(
      [this.remoteStreams, devices.localStream, devices.screenStream, this.#session.loginStore.loginUserInfo],
      (remote, local, screen, user): ReadonlyMap<string, MediaStream> => {
        if (user === null) return remote;
        // While sharing, the user sees what the others see: the screen, with the microphone.
        let own = local;
        if (screen !== null) {
          if (shared?.screen !== screen)
            shared = { screen, stream: new MediaStream(screen.getVideoTracks()) };
          own = shared.stream;
          const audio = local?.getAudioTracks() ?? [];
          for (const track of own.getAudioTracks()) if (!audio.includes(track)) own.removeTrack(track);
          for (const track of audio) if (!own.getTracks().includes(track)) own.addTrack(track);
        }
        return own === null ? remote : new Map(remote).set(user.userId, own);
      },
    );
    const speakingUsers = computed(this.#meter.speaking, (speaking) => speaking);
    for (const store of [streams, speakingUsers]) {
      onMount(store, () => {
        this.#demands++;
        this.#update();
        return () => {
          this.#demands--;
          this.#update();
        };
      });
    }
    return { streams, speakingUsers };
  }
}
