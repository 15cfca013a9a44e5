import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Track events after which "is there a video to show?" may have a new answer. */
const TRACK_EVENTS = ['ended', 'mute', 'unmute'] as const;
const STREAM_EVENTS = ['addtrack', 'removetrack'] as const;

/**
 * Answers "does this `MediaStream` have a video to show?" and asks the host to update when the
 * answer may have changed.
 *
 * A stream has video while one of its video tracks is `live`, `enabled` and not `muted` (a remote
 * track is muted while no frames arrive, e.g. the sender paused it). The controller listens to
 * `addtrack`/`removetrack` on the stream and `ended`/`mute`/`unmute` on its video tracks. Browsers
 * fire none of these when a page's own script calls `track.stop()`, `stream.removeTrack()` or sets
 * `track.enabled`; whoever does that should hand the element a new stream or call
 * `requestUpdate()` on it.
 */
export class VideoTrackController implements ReactiveController {
  #host: ReactiveControllerHost;
  #stream: MediaStream | null = null;
  #watched = new Set<EventTarget>();
  #connected = false;
  #onChange = (): void => {
    this.#watch();
    this.#host.requestUpdate();
  };

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** The stream being watched. */
  get stream(): MediaStream | null {
    return this.#stream;
  }

  /** Whether the stream has a video track that can show frames now. */
  get hasVideo(): boolean {
    return this.#stream?.getVideoTracks().some(isShowing) ?? false;
  }

  hostConnected(): void {
    this.#connected = true;
    this.#watch();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unwatchAll();
  }

  /** Watches another stream (or none); call it whenever the host's stream property changes. */
  setStream(stream: MediaStream | null): void {
    if (stream === this.#stream) return;
    this.#unwatchAll();
    this.#stream = stream;
    this.#watch();
  }

  #watch(): void {
    if (!this.#connected || this.#stream === null) return;
    const targets: EventTarget[] = [this.#stream, ...this.#stream.getVideoTracks()];
    for (const target of targets) {
      if (this.#watched.has(target)) continue;
      const events = target === this.#stream ? STREAM_EVENTS : TRACK_EVENTS;
      for (const type of events) target.addEventListener(type, this.#onChange);
      this.#watched.add(target);
    }
  }

  #unwatchAll(): void {
    for (const target of this.#watched) {
      for (const type of [...STREAM_EVENTS, ...TRACK_EVENTS]) {
        target.removeEventListener(type, this.#onChange);
      }
    }
    this.#watched.clear();
  }
}

function isShowing(track: MediaStreamTrack): boolean {
  return track.readyState === 'live' && track.enabled && !track.muted;
}
