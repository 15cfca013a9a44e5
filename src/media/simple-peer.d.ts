/**
 * The part of `@thaunknown/simple-peer` (an untyped package) that src/media/peer.ts uses. Only
 * peer.ts imports it; the build bundles it there (scripts/bundle-peer.mjs).
 */
declare module '@thaunknown/simple-peer' {
  export interface SimplePeerOptions {
    initiator?: boolean;
    trickle?: boolean;
    config?: RTCConfiguration;
    channelConfig?: RTCDataChannelInit;
    offerOptions?: RTCOfferOptions;
    answerOptions?: RTCAnswerOptions;
    sdpTransform?: (sdp: string) => string;
    streams?: MediaStream[];
    objectMode?: boolean;
  }

  /** A signal object: an offer or answer, a candidate, or a request to renegotiate. */
  export type SimplePeerSignal = Record<string, unknown> & { readonly type?: string };

  interface SimplePeerEvents {
    signal: (data: SimplePeerSignal) => void;
    connect: () => void;
    close: () => void;
    error: (error: Error & { code?: string }) => void;
    track: (track: MediaStreamTrack, stream: MediaStream) => void;
    stream: (stream: MediaStream) => void;
    negotiated: () => void;
    iceStateChange: (
      iceConnectionState: RTCIceConnectionState,
      iceGatheringState: RTCIceGatheringState,
    ) => void;
  }

  export default class SimplePeer {
    constructor(options?: SimplePeerOptions);
    static readonly WEBRTC_SUPPORT: boolean;
    readonly initiator: boolean;
    readonly destroyed: boolean;
    readonly connected: boolean;
    /** simple-peer's connection; undocumented but stable across its versions. */
    readonly _pc: RTCPeerConnection | null;
    signal(data: SimplePeerSignal): void;
    negotiate(): void;
    destroy(error?: Error): void;
    on<E extends keyof SimplePeerEvents>(event: E, listener: SimplePeerEvents[E]): this;
    off<E extends keyof SimplePeerEvents>(event: E, listener: SimplePeerEvents[E]): this;
    removeAllListeners(event?: keyof SimplePeerEvents): this;
  }
}
