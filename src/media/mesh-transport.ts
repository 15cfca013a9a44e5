/**
 * The peer mesh, `MediaTransport` for a live of a few seats (docs/media.md, "Peer connections"):
 * one WebRTC connection per (publisher, viewer) pair, made by the publisher over simple-peer
 * (src/media/peer.ts, loaded the first time a connection is needed) and signaled through the
 * server's watch pairs (`media.watch`, `media.viewers`, `media.signal`, `media.viewer`).
 */
import { atom, batch, type ReadableAtom } from 'nanostores';
import type { Session } from '../core/session.js';
import { ErrorCode } from '../protocol/errors.js';
import type { CommandInput } from '../protocol/messages.js';
import type { LiveEvent, SignalData } from '../protocol/types.js';
import type { MediaPeer, PeerFailure } from './peer.js';
import { QualitySampler, type ConnectionQualityInfo, type StatsSource } from './quality.js';
import type { LocalTracks, MediaConnections, MediaTransport, ViewerStatus } from './transport.js';

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

/** A remote stream and the listener that follows its tracks. */
interface Remote {
  readonly stream: MediaStream;
  readonly onTracks: () => void;
}

/**
 * The mesh of one live on one session. While open:
 * - watches every seat holder but its own user (`media.watch`) and stops watching those who leave
 *   their seat (`media.unwatch`); the publisher's connection arrives as an offer, the viewer's side
 *   (a non-initiator peer) is made then, and `remoteStreams` gets the publisher's stream. Told that
 *   the server ended a pair it watches (`media.viewer` `left`: the publisher's page reloaded), it
 *   watches again. A watch that does not come up within `CONNECT_TIMEOUT_MS`, or breaks, is asked
 *   again, `MAX_WATCH_ATTEMPTS` times;
 * - while its own user sits on a seat, answers each `media.viewer` `joined` with a connection that
 *   sends the `publish`ed tracks, and closes it on `left`; opened where it holds a seat, it asks
 *   for the viewers it already has (`media.viewers`). A new `publish` changes the tracks on the open
 *   connections (never a new connection).
 *
 * `close()` tells the server it stops watching while the session is still a member of the live.
 * The mesh sends one quality to every viewer: `setWantedQuality` does nothing. `connectionQuality`
 * reads each watched publisher's connection, and this user's connections to its viewers together
 * (its uplink), through a `QualitySampler`.
 */
export class MeshTransport implements MediaTransport {
  readonly remoteStreams: ReadableAtom<ReadonlyMap<string, MediaStream>>;
  readonly viewerStatus: ReadableAtom<ReadonlyMap<string, ViewerStatus>>;
  readonly connectionQuality: ReadableAtom<ReadonlyMap<string, ConnectionQualityInfo>>;

  readonly #session: Session;
  readonly #liveId: string;
  readonly #$remoteStreams = atom<ReadonlyMap<string, MediaStream>>(new Map());
  readonly #$viewerStatus = atom<ReadonlyMap<string, ViewerStatus>>(new Map());
  /** Unsubscribers of what runs while open; `null` while closed. */
  #open: (() => void)[] | null = null;
  #tracks: LocalTracks = { audio: null, video: null };
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
  readonly #sampler = new QualitySampler(() => this.#statsSources());

  /** The mesh of `liveId` on `session`, closed. */
  constructor(session: Session, liveId: string) {
    this.#session = session;
    this.#liveId = liveId;
    this.remoteStreams = this.#$remoteStreams;
    this.viewerStatus = this.#$viewerStatus;
    this.connectionQuality = this.#sampler.quality;
  }

  get connections(): MediaConnections {
    return {
      publishing: [...this.#outgoing.keys()],
      watching: [...this.#watches.values()].flatMap((watch) =>
        watch.peer === null ? [] : [watch.publisherId],
      ),
    };
  }

  open(): void {
    if (this.#open !== null) return;
    const session = this.#session;
    const liveId = this.#liveId;
    this.#seatKey = '';
    const open: (() => void)[] = [];
    // Set before subscribing: the subscriptions below call back at once.
    this.#open = open;
    open.push(
      session.onSignal(liveId, (from, data) => {
        this.#onSignal(from, data);
      }),
      session.onLiveEvent(liveId, (event) => {
        this.#onLiveEvent(event);
      }),
      session.liveSeatStore(liveId).seatList.subscribe(() => {
        this.#reconcile();
      }),
      session.liveAudienceStore(liveId).audienceCount.listen(() => {
        this.#retry(['capped']);
      }),
    );
    this.#catchUpViewers();
    this.#sampler.enable();
  }

  publish(tracks: LocalTracks): void {
    this.#tracks = tracks;
    for (const peer of this.#outgoing.values()) peer.send(tracks.audio, tracks.video);
  }

  unpublish(): void {
    for (const viewerId of [...this.#outgoing.keys()]) this.#closeOutgoing(viewerId);
  }

  setWantedQuality(): void {
    // One quality per publisher in a mesh: nothing to choose.
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
  resume(): void {
    // After the session's own resume: it sends `live.join` as the connection comes back, and the
    // server must have this connection in the live again before it relays the new offers here.
    queueMicrotask(() => {
      this.#renew();
    });
  }

  close(): void {
    const open = this.#open;
    this.#open = null;
    if (open !== null) for (const off of open) off();
    const member =
      this.#selfId() !== null && this.#session.liveListStore.currentLive.get()?.liveId === this.#liveId;
    // Every remote stream is a watch's: dropping the watches dropped the streams.
    for (const watch of [...this.#watches.values()]) this.#dropWatch(watch, member);
    this.unpublish();
    this.#inbox = [];
    this.#sampler.disable();
    batch(() => {
      this.#$viewerStatus.set(new Map());
      this.#$remoteStreams.set(new Map());
    });
  }

  #selfId(): string | null {
    return this.#session.loginStore.loginUserInfo.get()?.userId ?? null;
  }

  /** The connections of each user, for `connectionQuality`: watched publishers, and this user's uplink. */
  #statsSources(): ReadonlyMap<string, readonly StatsSource[]> {
    const sources = new Map<string, readonly StatsSource[]>();
    for (const watch of this.#watches.values()) {
      const connection = watch.peer?.connection ?? null;
      if (connection !== null) sources.set(watch.publisherId, [connection]);
    }
    const selfId = this.#selfId();
    const uplink = [...this.#outgoing.values()].flatMap((peer) =>
      peer.connection === null ? [] : [peer.connection],
    );
    if (selfId !== null && uplink.length > 0) sources.set(selfId, uplink);
    return sources;
  }

  /** The seats changed: watch the new seat holders, stop watching the gone ones. */
  #reconcile(): void {
    if (this.#open === null) return;
    const selfId = this.#selfId();
    const holders = this.#session
      .liveSeatStore(this.#liveId)
      .seatList.get()
      .flatMap((seat) => (seat.userInfo === null ? [] : [seat.userInfo.userId]));
    const publishers = new Set(holders.filter((userId) => userId !== selfId));
    for (const watch of [...this.#watches.values()]) {
      if (!publishers.has(watch.publisherId)) this.#dropWatch(watch, true);
    }
    for (const publisherId of publishers) {
      if (!this.#watches.has(publisherId)) this.#watch(publisherId);
    }
    const key = [...holders].sort().join('\n');
    if (key !== this.#seatKey) {
      this.#seatKey = key;
      this.#retry(['capped', 'failed']);
    }
  }

  #renew(): void {
    if (this.#open === null || this.#session.$connection.get() !== 'connected') return;
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
    void this.#session
      .request('media.watch', { liveId: this.#liveId, publisherId: watch.publisherId })
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
      void this.#session.request('media.unwatch', { liveId: this.#liveId, publisherId: watch.publisherId });
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
      void this.#session.request('media.unwatch', { liveId: this.#liveId, publisherId: watch.publisherId });
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
      iceServers: this.#session.iceServers,
      iceTransportPolicy: this.#session.iceTransportPolicy,
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
    const open = this.#open;
    if (!this.#seated()) return;
    void this.#session.request('media.viewers', { liveId: this.#liveId }).then((result) => {
      if (!result.isSuccess || this.#open !== open) return;
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
        if (this.#open === null || (!replace && this.#outgoing.has(viewerId))) return;
        this.#openOutgoing(viewerId, peers);
      },
      () => {
        // No connection for this viewer: its watch times out and asks again.
      },
    );
  }

  #seated(): boolean {
    const selfId = this.#selfId();
    return this.#session
      .liveSeatStore(this.#liveId)
      .seatList.get()
      .some((seat) => seat.userInfo?.userId === selfId);
  }

  #openOutgoing(viewerId: string, peers: PeerModule): void {
    this.#closeOutgoing(viewerId);
    const { audio, video } = this.#tracks;
    const peer: MediaPeer = peers.createPeer({
      initiator: true,
      iceServers: this.#session.iceServers,
      iceTransportPolicy: this.#session.iceTransportPolicy,
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

  // ── signals ─────────────────────────────────────────────────────────────────────────────────

  #send(to: string, data: SignalData): void {
    if (this.#open === null) return;
    // The command's input type is valibot's (mutable arrays); the data is simple-peer's, as relayed.
    const relayed = data as CommandInput<'media.signal'>['data'];
    const outgoing = this.#outgoing.get(to);
    void this.#session.request('media.signal', { liveId: this.#liveId, to, data: relayed }).then((result) => {
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
    if (peers === null || this.#open === null) return;
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

  // ── remote streams ──────────────────────────────────────────────────────────────────────────

  #addRemote(userId: string, stream: MediaStream): void {
    const existing = this.#remotes.get(userId);
    if (existing?.stream === stream) {
      // A track came back (browsers do not always fire `addtrack` for it).
      existing.onTracks();
      return;
    }
    if (existing !== undefined) this.#dropRemote(userId);
    const onTracks = (): void => {
      // Same stream, other tracks: tell subscribers (a new audio track is measured).
      if (this.#remotes.get(userId)?.stream !== stream) return;
      this.#$remoteStreams.set(new Map(this.#$remoteStreams.get()));
    };
    stream.addEventListener('addtrack', onTracks);
    stream.addEventListener('removetrack', onTracks);
    this.#remotes.set(userId, { stream, onTracks });
    this.#$remoteStreams.set(new Map(this.#$remoteStreams.get()).set(userId, stream));
  }

  #dropRemote(userId: string): void {
    const remote = this.#remotes.get(userId);
    if (remote === undefined) return;
    this.#remotes.delete(userId);
    remote.stream.removeEventListener('addtrack', remote.onTracks);
    remote.stream.removeEventListener('removetrack', remote.onTracks);
    const streams = new Map(this.#$remoteStreams.get());
    if (streams.delete(userId)) this.#$remoteStreams.set(streams);
  }
}
