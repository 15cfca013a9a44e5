/**
 * The media of one live on one session: peer connections to and from the seat holders, the remote
 * streams, who is watched and how, who speaks, and the playback of remote audio. See
 * docs/media.md ("Shape", "Client API").
 */
import { atom, batch, computed, onMount, type ReadableAtom } from 'nanostores';
import type { Session } from '../core/session.js';
import { ErrorCode } from '../protocol/errors.js';
import type { CommandInput } from '../protocol/messages.js';
import type { LiveEvent, SignalData } from '../protocol/types.js';
import { DeviceStore } from './device-store.js';
import type { MediaPeer, PeerFailure } from './peer.js';
import { SpeakingMeter } from './speaking.js';

/**
 * How this user receives one seat holder's media: `connecting` (asked, or the connection is being
 * set up), `live` (connected), `capped` (the publisher already sends to as many viewers as the live
 * allows, `VIEWER_LIMIT`; retried when the seats or the audience change), `failed` (gave up after
 * retries; retried when the seats change).
 */
export type ViewerStatus = 'connecting' | 'live' | 'capped' | 'failed';

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

/** How long a watch may stay `connecting` before it is asked again (unwatch, watch), in ms. */
export const CONNECT_TIMEOUT_MS = 15_000;
/** Attempts of one watch (the first one included) before it is `failed`. */
export const MAX_WATCH_ATTEMPTS = 3;

type PeerModule = typeof import('./peer.js');

let peerModule: Promise<PeerModule> | null = null;

/** simple-peer and the peer wrapper, loaded on first use (its own chunk in a consumer's bundle). */
function loadPeerModule(): Promise<PeerModule> {
  peerModule ??= import('./peer.js').catch((error: unknown) => {
    // Not cached: a later connection tries again (the chunk may load once the network is back).
    peerModule = null;
    throw error;
  });
  return peerModule;
}

/** One publisher this user watches. */
interface Watch {
  readonly publisherId: string;
  status: ViewerStatus;
  peer: MediaPeer | null;
  /** The watch was accepted by the server (a pair exists). */
  paired: boolean;
  attempts: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped on every (re)watch, so a late reply of an older one is ignored. */
  generation: number;
}

/** A remote stream and what follows it. */
interface Remote {
  readonly stream: MediaStream;
  readonly audio: HTMLAudioElement | null;
  readonly onTracks: () => void;
}

const caches = new WeakMap<Session, Map<string, LiveMedia>>();
const views = new WeakMap<LiveMedia, LiveMediaView>();

function isNotAllowed(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'NotAllowedError';
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

  readonly #devices: DeviceStore;
  readonly #meter = new SpeakingMeter();
  readonly #$remoteStreams = atom<ReadonlyMap<string, MediaStream>>(new Map());
  readonly #$viewerStatus = atom<ReadonlyMap<string, ViewerStatus>>(new Map());
  readonly #$autoplayBlocked = atom(false);
  readonly #$running = atom(false);
  #explicit = false;
  /** Subscribers of `view`'s stores. */
  #demands = 0;
  /** Unsubscribers of what runs while started. */
  #started: (() => void)[] = [];
  /** Unsubscribers of what runs while the session is a member of the live. */
  #inside: (() => void)[] | null = null;
  readonly #watches = new Map<string, Watch>();
  /** Connections this user publishes, by viewer id. */
  readonly #outgoing = new Map<string, MediaPeer>();
  readonly #remotes = new Map<string, Remote>();
  /** Viewers a signal of this user's connection to them did not reach (this user or they were away). */
  readonly #undelivered = new Set<string>();
  #peers: PeerModule | null = null;
  /** Signals that arrived while peer.ts was loading, in order. */
  #inbox: [string, SignalData][] = [];
  #seatKey = '';
  #connected = false;

  private constructor(session: Session, liveId: string) {
    this.session = session;
    this.liveId = liveId;
    this.#devices = DeviceStore.for(session);
    this.remoteStreams = this.#$remoteStreams;
    this.viewerStatus = this.#$viewerStatus;
    this.speakingUsers = this.#meter.speaking;
    this.autoplayBlocked = this.#$autoplayBlocked;
  }

  /** Whether the media runs (started, or asked for through `mediaFor`). */
  get running(): ReadableAtom<boolean> {
    return this.#$running;
  }

  /**
   * The users this session has a connection with now, each way: `publishing` to its viewers,
   * `watching` the seat holders whose offer it took (for diagnostics and tests).
   */
  get connections(): { readonly publishing: readonly string[]; readonly watching: readonly string[] } {
    return {
      publishing: [...this.#outgoing.keys()],
      watching: [...this.#watches.values()].flatMap((watch) =>
        watch.peer === null ? [] : [watch.publisherId],
      ),
    };
  }

  /** Runs the media (see the class). Idempotent; `stop()` ends it. */
  start(): void {
    this.#explicit = true;
    this.#update();
  }

  /** Ends what `start()` began: every connection closes and the stores empty (unless `mediaFor` still has a subscriber). */
  stop(): void {
    this.#explicit = false;
    this.#update();
  }

  /**
   * Starts remote audio the browser held back (`autoplayBlocked`) and the level meter; call it from
   * a user gesture (a click). Resolves `true` once nothing waits any more.
   */
  async resumeAudio(): Promise<boolean> {
    const plays = [...this.#remotes.values()].map(async ({ audio }) => {
      if (!audio?.paused) return true;
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

  // ── running ─────────────────────────────────────────────────────────────────────────────────

  #update(): void {
    const run = this.#explicit || this.#demands > 0;
    if (run === this.#$running.get()) return;
    this.#$running.set(run);
    if (run) {
      const session = this.session;
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
          if (back) this.#onReconnected();
        }),
      ];
      this.#connected = session.$connection.get() === 'connected';
    } else {
      for (const off of this.#started.splice(0)) off();
      this.#exit(true);
    }
  }

  #selfId(): string | null {
    return this.session.loginStore.loginUserInfo.get()?.userId ?? null;
  }

  #checkMembership(): void {
    const member =
      this.#selfId() !== null && this.session.liveListStore.currentLive.get()?.liveId === this.liveId;
    if (member && this.#inside === null) this.#enter();
    else if (!member && this.#inside !== null) this.#exit(false);
  }

  #enter(): void {
    const session = this.session;
    const seats = session.liveSeatStore(this.liveId);
    this.#seatKey = '';
    const inside: (() => void)[] = [];
    // Set before subscribing: the subscriptions below call back at once.
    this.#inside = inside;
    inside.push(
      session.onSignal(this.liveId, (from, data) => {
        this.#onSignal(from, data);
      }),
      session.onLiveEvent(this.liveId, (event) => {
        this.#onLiveEvent(event);
      }),
      seats.seatList.subscribe(() => {
        this.#reconcile();
      }),
      session.liveAudienceStore(this.liveId).audienceCount.listen(() => {
        this.#retry(['capped']);
      }),
      this.#devices.localStream.listen(() => {
        this.#sendLocalTracks();
      }),
      this.#devices.screenStream.listen(() => {
        this.#sendLocalTracks();
      }),
      this.#devices.currentSpeaker.listen((speaker) => {
        for (const remote of this.#remotes.values())
          if (remote.audio) this.#applySpeaker(remote.audio, speaker);
      }),
    );
    this.#catchUpViewers();
  }

  /** Leaves: every connection closes, the stores empty. `unwatch`: tell the server (still a member). */
  #exit(unwatch: boolean): void {
    const inside = this.#inside;
    this.#inside = null;
    if (inside !== null) for (const off of inside) off();
    const member = unwatch && this.session.liveListStore.currentLive.get()?.liveId === this.liveId;
    for (const watch of [...this.#watches.values()]) this.#dropWatch(watch, member);
    for (const viewerId of [...this.#outgoing.keys()]) this.#closeOutgoing(viewerId);
    for (const userId of [...this.#remotes.keys()]) this.#dropRemote(userId);
    this.#inbox = [];
    this.#meter.setTracks(new Map());
    batch(() => {
      this.#$viewerStatus.set(new Map());
      this.#$remoteStreams.set(new Map());
      this.#$autoplayBlocked.set(false);
    });
  }

  /** The seats changed: watch the new seat holders, stop watching the gone ones, stop publishing if unseated. */
  #reconcile(): void {
    if (this.#inside === null) return;
    const selfId = this.#selfId();
    const holders = this.session
      .liveSeatStore(this.liveId)
      .seatList.get()
      .flatMap((seat) => (seat.userInfo === null ? [] : [seat.userInfo.userId]));
    const publishers = new Set(holders.filter((userId) => userId !== selfId));
    for (const watch of [...this.#watches.values()]) {
      if (!publishers.has(watch.publisherId)) this.#dropWatch(watch, true);
    }
    for (const publisherId of publishers) {
      if (!this.#watches.has(publisherId)) this.#watch(publisherId);
    }
    if (selfId === null || !holders.includes(selfId)) {
      for (const viewerId of [...this.#outgoing.keys()]) this.#closeOutgoing(viewerId);
    }
    const key = [...holders].sort().join('\n');
    if (key !== this.#seatKey) {
      this.#seatKey = key;
      this.#retry(['capped', 'failed']);
    }
    this.#updateMeter();
  }

  /**
   * Back after a drop (a resume within the grace, or a new session of the same user). Signals are
   * not replayed, so a negotiation that was under way may have lost a step on either side:
   * - as a viewer, every connection is asked for again (unwatch, watch: the publisher makes a new
   *   one with what it sends now);
   * - as a publisher, a connection to a viewer that missed one of its signals is closed; that
   *   viewer sees it close and asks for a new one.
   * Requests that failed while offline are asked again (watch is idempotent on the server).
   */
  #onReconnected(): void {
    // After the session's own resume: it sends `live.join` as the connection comes back, and the
    // server must have this connection in the live again before it relays the new offers here.
    queueMicrotask(() => {
      this.#renew();
    });
  }

  #renew(): void {
    if (this.#inside === null || this.session.$connection.get() !== 'connected') return;
    for (const viewerId of [...this.#undelivered]) this.#closeOutgoing(viewerId);
    this.#undelivered.clear();
    for (const watch of [...this.#watches.values()]) {
      if (watch.peer === null && watch.status !== 'live') continue;
      watch.attempts = 0;
      this.#rewatch(watch);
    }
    this.#retry(['connecting', 'failed']);
  }

  // ── watching (this user as a viewer) ────────────────────────────────────────────────────────

  #watch(publisherId: string): void {
    const watch: Watch = {
      publisherId,
      status: 'connecting',
      peer: null,
      paired: false,
      attempts: 0,
      timer: undefined,
      generation: 0,
    };
    this.#watches.set(publisherId, watch);
    this.#ask(watch);
  }

  /** Sends `media.watch` for `watch` (again). */
  #ask(watch: Watch): void {
    const generation = ++watch.generation;
    watch.attempts++;
    this.#setStatus(watch, 'connecting');
    clearTimeout(watch.timer);
    watch.timer = setTimeout(() => {
      if (this.#watches.get(watch.publisherId) === watch && watch.status === 'connecting')
        this.#rewatch(watch);
    }, CONNECT_TIMEOUT_MS);
    void loadPeerModule().then(
      (module) => {
        this.#peers = module;
        this.#drainInbox();
      },
      () => {
        if (this.#watches.get(watch.publisherId) === watch) this.#fail(watch);
      },
    );
    void this.session
      .request('media.watch', { liveId: this.liveId, publisherId: watch.publisherId })
      .then((result) => {
        if (this.#watches.get(watch.publisherId) !== watch || watch.generation !== generation) return;
        if (result.isSuccess) {
          watch.paired = true;
          return;
        }
        watch.paired = false;
        clearTimeout(watch.timer);
        watch.timer = undefined;
        if (result.errorCode === ErrorCode.VIEWER_LIMIT) this.#setStatus(watch, 'capped');
        else if (result.errorCode === ErrorCode.DISCONNECTED) this.#setStatus(watch, 'connecting');
        else if (result.errorCode === ErrorCode.NOT_ON_SEAT) this.#dropWatch(watch, false);
        else this.#setStatus(watch, 'failed');
      });
  }

  /** The connection did not come up, or broke: ask the publisher for a new one (unwatch, watch). */
  #rewatch(watch: Watch): void {
    this.#closeIncoming(watch);
    if (watch.attempts >= MAX_WATCH_ATTEMPTS) {
      this.#fail(watch);
      return;
    }
    if (watch.paired) {
      void this.session.request('media.unwatch', { liveId: this.liveId, publisherId: watch.publisherId });
      watch.paired = false;
    }
    this.#ask(watch);
  }

  /**
   * The server ended a pair this user watches: the publisher's client started afresh (a reload),
   * and the peer from its old page may never close. Ask for a connection from the new one.
   */
  #onPairEnded(publisherId: string): void {
    const watch = this.#watches.get(publisherId);
    if (watch === undefined) return;
    watch.paired = false;
    watch.attempts = 0;
    this.#closeIncoming(watch);
    this.#ask(watch);
  }

  #fail(watch: Watch): void {
    clearTimeout(watch.timer);
    watch.timer = undefined;
    this.#closeIncoming(watch);
    this.#setStatus(watch, 'failed');
  }

  /** Asks again for the watches in `statuses` (a slot may have freed, the connection is back). */
  #retry(statuses: readonly ViewerStatus[]): void {
    for (const watch of this.#watches.values()) {
      if (!statuses.includes(watch.status) || watch.peer !== null) continue;
      watch.attempts = 0;
      this.#ask(watch);
    }
  }

  /** Stops watching: the connection closes, the stream goes; `unwatch`: tell the server. */
  #dropWatch(watch: Watch, unwatch: boolean): void {
    if (this.#watches.get(watch.publisherId) !== watch) return;
    this.#watches.delete(watch.publisherId);
    clearTimeout(watch.timer);
    watch.timer = undefined;
    watch.generation++;
    this.#closeIncoming(watch);
    if (unwatch && (watch.paired || watch.status === 'connecting')) {
      void this.session.request('media.unwatch', { liveId: this.liveId, publisherId: watch.publisherId });
    }
    const statuses = new Map(this.#$viewerStatus.get());
    if (statuses.delete(watch.publisherId)) this.#$viewerStatus.set(statuses);
  }

  #setStatus(watch: Watch, status: ViewerStatus): void {
    watch.status = status;
    const statuses = this.#$viewerStatus.get();
    if (statuses.get(watch.publisherId) === status) return;
    this.#$viewerStatus.set(new Map(statuses).set(watch.publisherId, status));
  }

  /** The publisher's offer: the viewer's side of the connection (a new one when the offer is). */
  #openIncoming(watch: Watch, peers: PeerModule, ufrag: string | null): MediaPeer {
    if (watch.peer !== null && watch.peer.remoteUfrag === ufrag) return watch.peer;
    this.#closeIncoming(watch);
    const publisherId = watch.publisherId;
    const peer: MediaPeer = peers.createPeer({
      initiator: false,
      iceServers: this.session.iceServers,
      onSignal: (data) => {
        this.#send(publisherId, data);
      },
      onStream: (stream) => {
        if (watch.peer === peer) this.#addRemote(publisherId, stream);
      },
      onConnect: () => {
        if (watch.peer !== peer) return;
        clearTimeout(watch.timer);
        watch.timer = undefined;
        watch.attempts = 0;
        this.#setStatus(watch, 'live');
      },
      onClose: (failure: PeerFailure | null) => {
        if (watch.peer !== peer) return;
        watch.peer = null;
        this.#dropRemote(publisherId);
        // Closed from the other side: the publisher left (the seats will say so) or the link broke.
        if (failure !== null && this.#watches.get(publisherId) === watch) this.#rewatch(watch);
      },
    });
    watch.peer = peer;
    return peer;
  }

  #closeIncoming(watch: Watch): void {
    const peer = watch.peer;
    watch.peer = null;
    if (peer !== null) {
      peer.close();
      this.#dropRemote(watch.publisherId);
    }
  }

  // ── publishing (this user on a seat) ────────────────────────────────────────────────────────

  #onLiveEvent(event: LiveEvent): void {
    if (event.type !== 'media.viewer') return;
    if (event.viewerId === this.#selfId()) {
      if (event.action === 'left') this.#onPairEnded(event.publisherId);
      return;
    }
    if (event.publisherId !== this.#selfId()) return;
    if (event.action === 'left') this.#closeOutgoing(event.viewerId);
    else this.#publishTo(event.viewerId, true);
  }

  /**
   * This user's media starts in the live while it holds a seat. A viewer's `media.viewer` `joined`
   * may have come before it ran (a reloaded page joins, then loads its media): ask the server for
   * the viewers it has now, and make a connection for each that has none.
   */
  #catchUpViewers(): void {
    const inside = this.#inside;
    if (!this.#seated()) return;
    void this.session.request('media.viewers', { liveId: this.liveId }).then((result) => {
      if (!result.isSuccess || this.#inside !== inside) return;
      for (const viewerId of result.data.viewers) this.#publishTo(viewerId, false);
    });
  }

  /** A connection to `viewerId`, while seated; `replace`: even if there is one (else: only if none). */
  #publishTo(viewerId: string, replace: boolean): void {
    if (!this.#seated()) return;
    loadPeerModule().then(
      (peers) => {
        this.#peers = peers;
        this.#drainInbox();
        if (this.#inside === null || (!replace && this.#outgoing.has(viewerId))) return;
        this.#openOutgoing(viewerId, peers);
      },
      () => {
        // No connection for this viewer: its watch times out and asks again.
      },
    );
  }

  #seated(): boolean {
    const selfId = this.#selfId();
    return this.session
      .liveSeatStore(this.liveId)
      .seatList.get()
      .some((seat) => seat.userInfo?.userId === selfId);
  }

  #openOutgoing(viewerId: string, peers: PeerModule): void {
    this.#closeOutgoing(viewerId);
    const { audio, video } = this.#localTracks();
    const peer: MediaPeer = peers.createPeer({
      initiator: true,
      iceServers: this.session.iceServers,
      audio,
      video,
      onSignal: (data) => {
        this.#send(viewerId, data);
      },
      onClose: () => {
        if (this.#outgoing.get(viewerId) === peer) this.#outgoing.delete(viewerId);
      },
    });
    this.#outgoing.set(viewerId, peer);
  }

  #closeOutgoing(viewerId: string): void {
    const peer = this.#outgoing.get(viewerId);
    this.#undelivered.delete(viewerId);
    if (peer === undefined) return;
    this.#outgoing.delete(viewerId);
    peer.close();
  }

  /**
   * What this user sends: the microphone, and the shared screen while there is one, else the
   * camera. The screen takes the video section's place (docs/decisions/0012): no new section.
   */
  #localTracks(): { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } {
    const stream = this.#devices.localStream.get();
    const screen = this.#devices.screenStream.get()?.getVideoTracks()[0];
    return {
      audio: stream?.getAudioTracks()[0] ?? null,
      video: screen ?? stream?.getVideoTracks()[0] ?? null,
    };
  }

  /** The local stream or the screen changed (a device opened, closed or switched): every connection sends it. */
  #sendLocalTracks(): void {
    const { audio, video } = this.#localTracks();
    for (const peer of this.#outgoing.values()) peer.send(audio, video);
    this.#updateMeter();
  }

  // ── signals ─────────────────────────────────────────────────────────────────────────────────

  #send(to: string, data: SignalData): void {
    if (this.#inside === null) return;
    // The command's input type is valibot's (mutable arrays); the data is simple-peer's, as relayed.
    const relayed = data as CommandInput<'media.signal'>['data'];
    const outgoing = this.#outgoing.get(to);
    void this.session.request('media.signal', { liveId: this.liveId, to, data: relayed }).then((result) => {
      // Lost on the way (this user or the viewer was away): the connection is out of step.
      const lost = !result.isSuccess || !result.data.delivered;
      if (lost && outgoing !== undefined && this.#outgoing.get(to) === outgoing) this.#undelivered.add(to);
    });
  }

  #onSignal(from: string, data: SignalData): void {
    if (this.#peers === null) {
      this.#inbox.push([from, data]);
      return;
    }
    this.#route(from, data, this.#peers);
  }

  #drainInbox(): void {
    const peers = this.#peers;
    if (peers === null || this.#inside === null) return;
    for (const [from, data] of this.#inbox.splice(0)) this.#route(from, data, peers);
  }

  /**
   * To the connection the signal belongs to. Between two seat holders there are two connections,
   * one each way: an offer comes from a publisher this user watches, an answer or a renegotiation
   * request from a viewer of this user, and a candidate names its connection's ICE ufrag.
   */
  #route(from: string, data: SignalData, peers: PeerModule): void {
    const watch = this.#watches.get(from);
    const outgoing = this.#outgoing.get(from);
    switch (data.type) {
      case 'offer':
        if (watch !== undefined && watch.status !== 'capped') {
          this.#openIncoming(watch, peers, peers.sdpUfrag(data.sdp)).signal(data);
        }
        return;
      case 'answer':
      case 'renegotiate':
      case 'transceiverRequest':
        outgoing?.signal(data);
        return;
      case 'candidate': {
        const ufrag = peers.candidateUfrag(data.candidate);
        const incoming = watch?.peer ?? undefined;
        const target =
          ufrag === null
            ? (incoming === undefined) !== (outgoing === undefined)
              ? (incoming ?? outgoing)
              : undefined
            : [outgoing, incoming].find((peer) => peer?.remoteUfrag === ufrag);
        target?.signal(data);
        return;
      }
    }
  }

  // ── remote streams, audio and levels ────────────────────────────────────────────────────────

  #addRemote(userId: string, stream: MediaStream): void {
    const existing = this.#remotes.get(userId);
    if (existing?.stream === stream) {
      // A track came back (browsers do not always fire `addtrack` for it).
      existing.onTracks();
      return;
    }
    if (existing !== undefined) this.#dropRemote(userId);
    const onTracks = (): void => {
      // Same stream, other tracks: tell subscribers, measure the new audio track.
      if (this.#remotes.get(userId)?.stream !== stream) return;
      this.#$remoteStreams.set(new Map(this.#$remoteStreams.get()));
      this.#updateMeter();
    };
    stream.addEventListener('addtrack', onTracks);
    stream.addEventListener('removetrack', onTracks);
    const audio = this.#play(stream);
    this.#remotes.set(userId, { stream, audio, onTracks });
    this.#$remoteStreams.set(new Map(this.#$remoteStreams.get()).set(userId, stream));
    this.#updateMeter();
  }

  #dropRemote(userId: string): void {
    const remote = this.#remotes.get(userId);
    if (remote === undefined) return;
    this.#remotes.delete(userId);
    remote.stream.removeEventListener('addtrack', remote.onTracks);
    remote.stream.removeEventListener('removetrack', remote.onTracks);
    if (remote.audio !== null) {
      remote.audio.pause();
      remote.audio.srcObject = null;
    }
    const streams = new Map(this.#$remoteStreams.get());
    if (streams.delete(userId)) this.#$remoteStreams.set(streams);
    this.#updateMeter();
  }

  /** One `<audio>` per remote stream (not in the document): the only place remote sound plays. */
  #play(stream: MediaStream): HTMLAudioElement | null {
    if (typeof document === 'undefined') return null;
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.srcObject = stream;
    this.#applySpeaker(audio, this.#devices.currentSpeaker.get());
    audio.play().catch((error: unknown) => {
      if (isNotAllowed(error) && audio.srcObject === stream) this.#$autoplayBlocked.set(true);
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
    for (const [userId, remote] of this.#remotes) {
      const track = remote.stream.getAudioTracks()[0];
      if (track !== undefined) tracks.set(userId, track);
    }
    const selfId = this.#selfId();
    const local = this.#devices.localStream.get()?.getAudioTracks()[0];
    if (selfId !== null && local !== undefined && this.#inside !== null) tracks.set(selfId, local);
    this.#meter.setTracks(tracks);
  }

  /** The stores `<live-core-view>` reads; see `mediaFor`. */
  get view(): LiveMediaView {
    let view = views.get(this);
    if (view === undefined) {
      view = this.#createView();
      views.set(this, view);
    }
    return view;
  }

  #createView(): LiveMediaView {
    const devices = this.#devices;
    const streams = computed(
      [
        this.#$remoteStreams,
        devices.localStream,
        devices.screenStream,
        this.session.loginStore.loginUserInfo,
      ],
      (remote, local, screen, user): ReadonlyMap<string, MediaStream> => {
        if (user === null) return remote;
        // While sharing, the user sees what the others see: the screen, with the microphone.
        const own =
          screen === null
            ? local
            : new MediaStream([...screen.getVideoTracks(), ...(local?.getAudioTracks() ?? [])]);
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

/**
 * The streams and speakers `<live-core-view>` shows for `liveId` on `session` when its `streams` /
 * `speakingUsers` properties are `null`. Subscribing runs the live's media (`LiveMedia`); the last
 * subscriber leaving stops it (unless `start()` was called).
 */
export function mediaFor(session: Session, liveId: string): LiveMediaView {
  return LiveMedia.for(session, liveId).view;
}
