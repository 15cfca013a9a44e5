/**
 * One WebRTC connection of a watch pair, over simple-peer (`@thaunknown/simple-peer`). The ONLY
 * module that imports simple-peer; `LiveMedia` loads it lazily (`import('./peer.js')`) when media
 * is first needed, and the build bundles simple-peer into it (scripts/bundle-peer.mjs), so the kit's
 * entry points never reach it.
 *
 * The publisher's side (the initiator) sends; the viewer's side only receives. The publisher's
 * connection has exactly two media sections, one audio and one video transceiver, made with the
 * connection: turning a device on, off or switching it replaces the sender's track and flips the
 * transceiver between `sendonly` and `inactive`, so the SDP never grows and the connection is never
 * torn down for a device change. Keep this module a leaf: type-only imports from the rest of the kit.
 */
import SimplePeer, { type SimplePeerSignal } from '@thaunknown/simple-peer';
import type { IceCandidateData, SignalData } from '../protocol/types.js';

/** Why a peer closed on its own (not through `close()`). */
export interface PeerFailure {
  /** simple-peer's error code (`ERR_ICE_CONNECTION_FAILURE`, `ERR_CONNECTION_FAILURE`…), or `ERR_CLOSED`. */
  readonly code: string;
  readonly message: string;
}

export interface PeerOptions {
  /** `true` on the publisher's side: it holds the tracks and makes the offer. */
  readonly initiator: boolean;
  /** STUN and TURN servers; `[]` for none (never simple-peer's public defaults). */
  readonly iceServers: readonly RTCIceServer[];
  /** `relay`: only candidates through the TURN servers of `iceServers`. Default `all`. */
  readonly iceTransportPolicy?: RTCIceTransportPolicy;
  /** Publisher: the microphone track to send at first, or `null`. */
  readonly audio?: MediaStreamTrack | null;
  /** Publisher: the camera track to send at first, or `null`. */
  readonly video?: MediaStreamTrack | null;
  /** A signal to relay to the other side (`media.signal`). */
  readonly onSignal: (data: SignalData) => void;
  /** Viewer: the publisher's stream, each time a track arrives in it (one stream per publisher). */
  readonly onStream?: (stream: MediaStream) => void;
  /** The connection is up (ICE connected and the data channel open). */
  readonly onConnect?: () => void;
  /** The peer closed: `null` after `close()`, else why (the other side left, ICE failed…). Called once. */
  readonly onClose: (failure: PeerFailure | null) => void;
}

/** One side of one watch pair. */
export interface MediaPeer {
  readonly initiator: boolean;
  /** Whether the connection is up. */
  readonly connected: boolean;
  /** Whether the peer is closed (it never reopens). */
  readonly closed: boolean;
  /**
   * The other side's ICE username fragment, from its offer or answer (`null` before): two users who
   * both sit on seats have two connections, one each way, and a candidate names its own.
   */
  readonly remoteUfrag: string | null;
  /** Hands a signal from the other side to the connection. */
  signal(data: SignalData): void;
  /** Publisher: sends these tracks now (`null` stops sending that kind), without a new connection. */
  send(audio: MediaStreamTrack | null, video: MediaStreamTrack | null): void;
  /** Closes the connection (the other side's peer closes too). Idempotent. */
  close(): void;
  /** The underlying connection, for diagnostics and tests; `null` once closed. */
  readonly connection: RTCPeerConnection | null;
}

/** The `a=ice-ufrag:` of an SDP (the first one: the kit's connections bundle every section). */
export function sdpUfrag(sdp: string): string | null {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1] ?? null;
}

/** The username fragment of a candidate: its own field, else the `ufrag` in its line. */
export function candidateUfrag(candidate: IceCandidateData): string | null {
  return candidate.usernameFragment ?? / ufrag (\S+)/.exec(candidate.candidate)?.[1] ?? null;
}

/** Whether this browser has WebRTC. */
export function supported(): boolean {
  return typeof globalThis.RTCPeerConnection === 'function';
}

class Peer implements MediaPeer {
  readonly initiator: boolean;
  readonly #peer: SimplePeer;
  readonly #options: PeerOptions;
  /** Publisher: the audio and video transceivers, in that order. */
  #transceivers: readonly [RTCRtpTransceiver, RTCRtpTransceiver] | null = null;
  #remoteUfrag: string | null = null;
  #closed = false;
  #failure: PeerFailure | null = null;

  constructor(options: PeerOptions) {
    this.initiator = options.initiator;
    this.#options = options;
    this.#peer = new SimplePeer({
      initiator: options.initiator,
      trickle: true,
      // Always our own list: simple-peer's default is a public STUN server.
      config: {
        iceServers: options.iceServers.map((server) => ({ ...server })),
        iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      },
    });
    const peer = this.#peer;
    peer.on('signal', this.#onSignal);
    peer.on('connect', () => {
      options.onConnect?.();
    });
    // Every track, not only a stream's first: a section turned back on re-adds its track.
    peer.on('track', (_track, stream) => {
      if (!this.#closed) options.onStream?.(stream);
    });
    peer.on('error', (error) => {
      this.#failure = { code: error.code ?? 'ERR_PEER', message: error.message };
    });
    peer.on('close', this.#onClose);
    const connection = peer._pc;
    if (options.initiator && connection !== null) {
      // Before simple-peer's first offer (it waits a task): both sections are in it.
      const stream = new MediaStream();
      const audio = options.audio ?? null;
      const video = options.video ?? null;
      this.#transceivers = [
        connection.addTransceiver(audio ?? 'audio', {
          direction: audio ? 'sendonly' : 'inactive',
          streams: [stream],
        }),
        connection.addTransceiver(video ?? 'video', {
          direction: video ? 'sendonly' : 'inactive',
          streams: [stream],
        }),
      ];
    }
  }

  get connected(): boolean {
    return !this.#closed && this.#peer.connected;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get remoteUfrag(): string | null {
    return this.#remoteUfrag;
  }

  get connection(): RTCPeerConnection | null {
    return this.#closed ? null : this.#peer._pc;
  }

  signal(data: SignalData): void {
    if (this.#closed || this.#peer.destroyed) return;
    if ((data.type === 'offer' || data.type === 'answer') && typeof data.sdp === 'string') {
      this.#remoteUfrag = sdpUfrag(data.sdp) ?? this.#remoteUfrag;
    }
    this.#peer.signal(data);
  }

  send(audio: MediaStreamTrack | null, video: MediaStreamTrack | null): void {
    const transceivers = this.#transceivers;
    if (this.#closed || transceivers === null) return;
    let renegotiate = false;
    const tracks = [audio, video] as const;
    transceivers.forEach((transceiver, index) => {
      const track = tracks[index] ?? null;
      if (transceiver.sender.track !== track) {
        transceiver.sender.replaceTrack(track).catch(() => {
          // The connection closed meanwhile: nothing to send to.
        });
      }
      const direction: RTCRtpTransceiverDirection = track === null ? 'inactive' : 'sendonly';
      if (transceiver.direction !== direction) {
        transceiver.direction = direction;
        renegotiate = true;
      }
    });
    // simple-peer queues it behind a negotiation in flight.
    if (renegotiate && !this.#peer.destroyed) this.#peer.negotiate();
  }

  close(): void {
    if (this.#closed) return;
    this.#finish(null);
    this.#peer.destroy();
  }

  readonly #onSignal = (data: SimplePeerSignal): void => {
    if (this.#closed) return;
    const signal = data as unknown as SignalData;
    if (signal.type === 'candidate') {
      // Name the connection the candidate belongs to (see `remoteUfrag`).
      const local = this.#peer._pc?.localDescription?.sdp;
      const ufrag = local === undefined ? null : sdpUfrag(local);
      const candidate: IceCandidateData =
        ufrag === null ? signal.candidate : { ...signal.candidate, usernameFragment: ufrag };
      this.#options.onSignal({ type: 'candidate', candidate });
      return;
    }
    this.#options.onSignal(signal);
  };

  readonly #onClose = (): void => {
    if (this.#closed) return;
    this.#finish(this.#failure ?? { code: 'ERR_CLOSED', message: 'the other side closed the connection' });
  };

  #finish(failure: PeerFailure | null): void {
    this.#closed = true;
    this.#transceivers = null;
    this.#peer.off('signal', this.#onSignal);
    this.#options.onClose(failure);
  }
}

/** A new peer; see `PeerOptions`. Throws only when the browser has no WebRTC. */
export function createPeer(options: PeerOptions): MediaPeer {
  return new Peer(options);
}
