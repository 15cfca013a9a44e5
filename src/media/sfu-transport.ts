/**
 * The SFU mode's `MediaTransport` (docs/media.md, "SFU mode"): media goes through the server's
 * media server (Janus VideoRoom, which the kit server owns) instead of a mesh. This user has at most
 * two peer connections in a live, whatever its size:
 *
 * - **publishing**, while it holds a seat: one connection that sends the microphone and the camera
 *   (or the screen) in three simulcast layers. The offer goes to the server (`media.sfu.publish`),
 *   which gives it to the media server only if this user holds a seat, and returns the answer.
 * - **viewing**: one connection that receives every seat holder (a multistream subscription). The
 *   server makes it and changes it when the seats change; each change comes as an offer
 *   (`SfuPush` `offer`) answered on the same connection (`media.sfu.answer`), never a new one.
 *
 * The server can stop what this user sends (`unpublished`: a kick, a lock, the live's end) and can
 * move the live to another media server (`restart`): both connections are then made again, and
 * the tiles show `connecting` meanwhile. There is no viewer limit in this mode.
 */
import { atom, type ReadableAtom } from 'nanostores';
import type { Session } from '../core/session.js';
import type { SfuPush, SfuStream } from '../protocol/messages.js';
import { QualitySampler, type ConnectionQualityInfo, type StatsSource } from './quality.js';
import type {
  LocalTracks,
  MediaConnections,
  MediaQuality,
  MediaTransport,
  ViewerStatus,
} from './transport.js';

/**
 * The publisher's simulcast layers, highest first (the order the media server numbers them in,
 * 2 → 0). A viewer's tile picks one (`setWantedQuality`).
 */
export const SIMULCAST_LAYERS: readonly RTCRtpEncodingParameters[] = [
  { rid: 'h', maxBitrate: 1_200_000 },
  { rid: 'm', maxBitrate: 400_000, scaleResolutionDownBy: 2 },
  { rid: 'l', maxBitrate: 120_000, scaleResolutionDownBy: 4 },
];

/** The longest wait for ICE candidates before an offer or an answer goes out with those it has, in ms. */
export const GATHER_TIMEOUT_MS = 5_000;
/** Attempts to publish or to subscribe before the transport gives up until the seats change. */
export const MAX_ATTEMPTS = 4;
/** The first delay before another attempt, in ms; it doubles with each one. */
export const RETRY_DELAY_MS = 1_000;

/** What this user sends, while it sends. */
interface Publication {
  readonly pc: RTCPeerConnection;
  readonly audio: RTCRtpTransceiver;
  readonly video: RTCRtpTransceiver;
}

/** Resolves once `pc` has gathered its candidates (or after `GATHER_TIMEOUT_MS`). */
function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = (): void => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, GATHER_TIMEOUT_MS);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** The SFU transport of one live on one session, closed. */
export class SfuTransport implements MediaTransport {
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
  /** Bumped whenever a publication under way must be forgotten (close, restart, unpublish). */
  #publishEpoch = 0;
  /** Bumped whenever the viewing connection under way must be forgotten (close, restart, resume). */
  #viewEpoch = 0;
  #publication: Publication | null = null;
  #publishing = false;
  #publishAttempts = 0;
  #viewer: RTCPeerConnection | null = null;
  #subscribeAttempts = 0;
  /** The seat holders whose media has been live since they took their seat. */
  readonly #wasLive = new Set<string>();
  #subscribeFailed = false;
  /** The viewer connection's media sections, by mid, as the last offer described them. */
  #streams: readonly SfuStream[] = [];
  /** One stream per publisher, kept while it publishes (its tracks change, never the object). */
  readonly #remotes = new Map<string, MediaStream>();
  /** Offers are answered one at a time, in order. */
  #answering: Promise<void> = Promise.resolve();
  readonly #wanted = new Map<string, MediaQuality>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #sampler = new QualitySampler(() => this.#statsSources());

  /** The SFU transport of `liveId` on `session`, closed. */
  constructor(session: Session, liveId: string) {
    this.#session = session;
    this.#liveId = liveId;
    this.remoteStreams = this.#$remoteStreams;
    this.viewerStatus = this.#$viewerStatus;
    this.connectionQuality = this.#sampler.quality;
  }

  get connections(): MediaConnections {
    return {
      publishing: this.#publication ? ['sfu'] : [],
      watching: [...this.#remotes.keys()],
    };
  }

  open(): void {
    if (this.#open !== null) return;
    const session = this.#session;
    const open: (() => void)[] = [];
    this.#open = open;
    open.push(
      session.onSfu(this.#liveId, (data) => {
        this.#onPush(data);
      }),
      session.liveSeatStore(this.#liveId).seatList.subscribe(() => {
        this.#reconcile();
      }),
    );
    this.#subscribe();
    this.#sampler.enable();
  }

  publish(tracks: LocalTracks): void {
    this.#tracks = tracks;
    const publication = this.#publication;
    if (!publication) {
      this.#reconcile();
      return;
    }
    // A device turned on, off or switched: the senders change their tracks, the connection stays.
    void publication.audio.sender.replaceTrack(tracks.audio).catch(() => undefined);
    void publication.video.sender.replaceTrack(tracks.video).catch(() => undefined);
  }

  unpublish(): void {
    if (!this.#publication && !this.#publishing) return;
    this.#stopPublishing();
    void this.#session.request('media.sfu.unpublish', { liveId: this.#liveId });
  }

  setWantedQuality(publisherId: string, quality: MediaQuality): void {
    if (this.#wanted.get(publisherId) === quality) return;
    this.#wanted.set(publisherId, quality);
    if (this.#open === null) return;
    void this.#session.request('media.sfu.quality', { liveId: this.#liveId, publisherId, quality });
  }

  resume(): void {
    if (this.#open === null) return;
    // Offers pushed while the connection was down are lost: the server makes the viewing
    // connection again. A publication whose connection broke meanwhile is made again too.
    this.#closeViewer();
    this.#subscribe();
    const state = this.#publication?.pc.connectionState;
    if (state !== undefined && state !== 'connected' && state !== 'connecting') {
      this.#stopPublishing();
      this.#reconcile();
    }
  }

  close(): void {
    const open = this.#open;
    if (open === null) return;
    this.#open = null;
    for (const off of open) off();
    const publishing = this.#publication !== null || this.#publishing;
    this.#stopPublishing();
    this.#closeViewer();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#wanted.clear();
    this.#wasLive.clear();
    this.#sampler.disable();
    this.#$viewerStatus.set(new Map());
    if (this.#session.$connection.get() !== 'connected') return;
    if (publishing) void this.#session.request('media.sfu.unpublish', { liveId: this.#liveId });
    void this.#session.request('media.sfu.unsubscribe', { liveId: this.#liveId });
  }

  // ── what the server says ────────────────────────────────────────────────────────────────────

  #onPush(data: SfuPush): void {
    switch (data.kind) {
      case 'offer':
        this.#answering = this.#answering.then(() => this.#answer(data.offerId, data.sdp, data.streams));
        return;
      case 'unpublished':
        this.#stopPublishing();
        this.#status();
        return;
      case 'restart':
        this.#closeViewer();
        this.#subscribe();
        if (data.scope === 'all') {
          this.#stopPublishing();
          this.#publishAttempts = 0;
          this.#reconcile();
        }
        return;
    }
  }

  // ── viewing ─────────────────────────────────────────────────────────────────────────────────

  /** Asks the server for the viewing connection; its offers follow as pushes. */
  #subscribe(): void {
    const epoch = this.#viewEpoch;
    this.#subscribeFailed = false;
    void this.#session.request('media.sfu.subscribe', { liveId: this.#liveId }).then((result) => {
      if (this.#open === null || epoch !== this.#viewEpoch) return;
      if (result.isSuccess) {
        this.#subscribeAttempts = 0;
        for (const [publisherId, quality] of this.#wanted) {
          void this.#session.request('media.sfu.quality', { liveId: this.#liveId, publisherId, quality });
        }
        return;
      }
      if (++this.#subscribeAttempts >= MAX_ATTEMPTS) {
        this.#subscribeFailed = true;
        this.#status();
        return;
      }
      this.#later(RETRY_DELAY_MS * 2 ** (this.#subscribeAttempts - 1), () => this.#subscribe());
    });
  }

  async #answer(offerId: number, sdp: string, streams: readonly SfuStream[]): Promise<void> {
    if (this.#open === null) return;
    const epoch = this.#viewEpoch;
    let pc = this.#viewer;
    if (!pc) {
      pc = new RTCPeerConnection(this.#config());
      this.#viewer = pc;
      const viewer = pc;
      viewer.addEventListener('track', () => {
        if (this.#viewer === viewer) this.#collect();
      });
      viewer.addEventListener('connectionstatechange', () => {
        if (this.#viewer !== viewer) return;
        if (viewer.connectionState === 'failed') {
          this.#closeViewer();
          this.#subscribe();
          return;
        }
        this.#status();
      });
    }
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await gathered(pc);
    } catch {
      if (epoch !== this.#viewEpoch || this.#viewer !== pc) return;
      // An offer this browser cannot take: start over with a new connection.
      this.#closeViewer();
      this.#later(RETRY_DELAY_MS, () => this.#subscribe());
      return;
    }
    if (epoch !== this.#viewEpoch || this.#viewer !== pc) return;
    this.#streams = streams;
    this.#collect();
    const local = pc.localDescription?.sdp ?? '';
    await this.#session.request('media.sfu.answer', { liveId: this.#liveId, offerId, sdp: local });
  }

  /** Groups the viewing connection's tracks into one stream per publisher, as `#streams` maps them. */
  #collect(): void {
    const pc = this.#viewer;
    if (!pc) return;
    const byMid = new Map<string, MediaStreamTrack>();
    for (const transceiver of pc.getTransceivers()) {
      if (transceiver.mid !== null && transceiver.currentDirection !== 'stopped') {
        byMid.set(transceiver.mid, transceiver.receiver.track);
      }
    }
    const wanted = new Map<string, MediaStreamTrack[]>();
    for (const stream of this.#streams) {
      const track = byMid.get(stream.mid);
      if (!track) continue;
      const tracks = wanted.get(stream.publisherId) ?? [];
      tracks.push(track);
      wanted.set(stream.publisherId, tracks);
    }
    let changed = false;
    for (const [publisherId, stream] of this.#remotes) {
      if (wanted.has(publisherId)) continue;
      this.#remotes.delete(publisherId);
      changed = true;
      void stream;
    }
    for (const [publisherId, tracks] of wanted) {
      let stream = this.#remotes.get(publisherId);
      if (!stream) {
        stream = new MediaStream();
        this.#remotes.set(publisherId, stream);
        changed = true;
      }
      for (const track of stream.getTracks()) {
        if (!tracks.includes(track)) {
          stream.removeTrack(track);
          changed = true;
        }
      }
      for (const track of tracks) {
        if (!stream.getTracks().includes(track)) {
          stream.addTrack(track);
          changed = true;
        }
      }
    }
    if (changed) this.#$remoteStreams.set(new Map(this.#remotes));
    this.#status();
  }

  #closeViewer(): void {
    this.#viewEpoch++;
    this.#answering = Promise.resolve();
    const pc = this.#viewer;
    this.#viewer = null;
    this.#streams = [];
    pc?.close();
    if (this.#remotes.size > 0) {
      this.#remotes.clear();
      this.#$remoteStreams.set(new Map());
    }
    this.#status();
  }

  // ── publishing ──────────────────────────────────────────────────────────────────────────────

  /** Publishes while this user holds a seat, stops when it no longer does; keeps the statuses current. */
  #reconcile(): void {
    if (this.#open === null) return;
    const selfId = this.#session.loginStore.loginUserInfo.get()?.userId;
    const seated = this.#session
      .liveSeatStore(this.#liveId)
      .seatList.get()
      .some((seat) => seat.userInfo !== null && seat.userInfo.userId === selfId);
    if (!seated) {
      this.#publishAttempts = 0;
      if (this.#publication || this.#publishing) this.#stopPublishing();
    } else if (!this.#publication && !this.#publishing && this.#publishAttempts < MAX_ATTEMPTS) {
      void this.#publish();
    }
    this.#status();
  }

  async #publish(): Promise<void> {
    this.#publishing = true;
    const epoch = this.#publishEpoch;
    const pc = new RTCPeerConnection(this.#config());
    const stream = new MediaStream();
    const { audio: audioTrack, video: videoTrack } = this.#tracks;
    const audio = pc.addTransceiver(audioTrack ?? 'audio', { direction: 'sendonly', streams: [stream] });
    const video = pc.addTransceiver(videoTrack ?? 'video', {
      direction: 'sendonly',
      streams: [stream],
      sendEncodings: SIMULCAST_LAYERS.map((layer) => ({ ...layer })),
    });
    let answer: string | null = null;
    try {
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      if (epoch === this.#publishEpoch && this.#publishing) {
        const result = await this.#session.request('media.sfu.publish', {
          liveId: this.#liveId,
          sdp: pc.localDescription?.sdp ?? '',
        });
        if (result.isSuccess) answer = result.data.sdp;
      }
      if (answer !== null && epoch === this.#publishEpoch && this.#publishing) {
        await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      }
    } catch {
      answer = null;
    }
    if (epoch !== this.#publishEpoch || !this.#publishing || answer === null) {
      pc.close();
      if (epoch !== this.#publishEpoch || !this.#publishing) return;
      this.#publishing = false;
      this.#publishAttempts++;
      this.#later(RETRY_DELAY_MS * 2 ** (this.#publishAttempts - 1), () => this.#reconcile());
      return;
    }
    this.#publishing = false;
    this.#publishAttempts = 0;
    this.#publication = { pc, audio, video };
    pc.addEventListener('connectionstatechange', () => {
      if (this.#publication?.pc !== pc || pc.connectionState !== 'failed') return;
      this.#stopPublishing();
      this.#reconcile();
    });
    // The tracks may have changed while the offer travelled.
    this.publish(this.#tracks);
  }

  #stopPublishing(): void {
    this.#publishEpoch++;
    this.#publishing = false;
    const publication = this.#publication;
    this.#publication = null;
    publication?.pc.close();
  }

  // ── shared ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Every seat holder but this user: `live` once its media arrives, `connecting` until then, and
   * `reconnecting` while the viewing connection is made again after it was live.
   */
  #status(): void {
    if (this.#open === null) return;
    const selfId = this.#session.loginStore.loginUserInfo.get()?.userId;
    const connected = this.#viewer?.connectionState === 'connected';
    const next = new Map<string, ViewerStatus>();
    for (const seat of this.#session.liveSeatStore(this.#liveId).seatList.get()) {
      const userId = seat.userInfo?.userId;
      if (userId === undefined || userId === selfId) continue;
      const live = connected && this.#remotes.has(userId);
      if (live) this.#wasLive.add(userId);
      next.set(
        userId,
        live
          ? 'live'
          : this.#subscribeFailed
            ? 'failed'
            : !connected && this.#wasLive.has(userId)
              ? 'reconnecting'
              : 'connecting',
      );
    }
    for (const userId of this.#wasLive) if (!next.has(userId)) this.#wasLive.delete(userId);
    const current = this.#$viewerStatus.get();
    if (next.size === current.size && [...next].every(([id, status]) => current.get(id) === status)) return;
    this.#$viewerStatus.set(next);
  }

  /**
   * The connections of each user, for `connectionQuality`: every received publisher through the one
   * viewing connection, and this user's own publishing connection (its uplink).
   */
  #statsSources(): ReadonlyMap<string, readonly StatsSource[]> {
    const sources = new Map<string, readonly StatsSource[]>();
    const viewer = this.#viewer;
    if (viewer) for (const publisherId of this.#remotes.keys()) sources.set(publisherId, [viewer]);
    const selfId = this.#session.loginStore.loginUserInfo.get()?.userId;
    if (this.#publication && selfId !== undefined) sources.set(selfId, [this.#publication.pc]);
    return sources;
  }

  #config(): RTCConfiguration {
    return {
      iceServers: this.#session.iceServers.map((server) => ({ ...server })),
      iceTransportPolicy: this.#session.iceTransportPolicy,
      bundlePolicy: 'max-bundle',
    };
  }

  #later(delay: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#open !== null) action();
    }, delay);
    this.#timers.add(timer);
  }
}
