/**
 * `DeviceStore.localStream` as `DeviceStoreRuntime` keeps it: ONE `MediaStream` for the store's
 * life, whose tracks come and go as devices open, close and switch. Part of the lazily loaded
 * capture code (src/media/device-store-runtime.ts).
 */
import type { WritableAtom } from 'nanostores';

/** Browsers fire `addtrack`/`removetrack` only for their own changes: tell watchers of ours. */
function announce(stream: MediaStream, type: 'addtrack' | 'removetrack', track: MediaStreamTrack): void {
  stream.dispatchEvent(new MediaStreamTrackEvent(type, { track }));
}

/**
 * The local stream: `$localStream` holds it while it has tracks (else `null`), and its subscribers
 * hear of every change, the stream's own `addtrack` / `removetrack` listeners too.
 */
export class LocalStream {
  readonly #$localStream: WritableAtom<MediaStream | null>;
  /** Created with the first track: `MediaStream` does not exist in Node. */
  #stream: MediaStream | null = null;

  constructor($localStream: WritableAtom<MediaStream | null>) {
    this.#$localStream = $localStream;
  }

  add(track: MediaStreamTrack): void {
    this.#stream ??= new MediaStream();
    this.#stream.addTrack(track);
    announce(this.#stream, 'addtrack', track);
    this.#changed();
  }

  remove(track: MediaStreamTrack): void {
    const stream = this.#stream;
    if (!stream?.getTracks().includes(track)) return;
    stream.removeTrack(track);
    announce(stream, 'removetrack', track);
    this.#changed();
  }

  /** Replaces `old` by `track` in the stream (`old` is not stopped). */
  swap(old: MediaStreamTrack, track: MediaStreamTrack): void {
    const stream = this.#stream;
    if (stream === null) return;
    stream.removeTrack(old);
    stream.addTrack(track);
    announce(stream, 'removetrack', old);
    announce(stream, 'addtrack', track);
    this.#changed();
  }

  /** `localStream` is the stream while it has tracks; its subscribers hear of every change. */
  #changed(): void {
    const stream = this.#stream;
    const value = stream !== null && stream.getTracks().length > 0 ? stream : null;
    if (value !== null && this.#$localStream.get() === value) this.#$localStream.notify(value);
    else this.#$localStream.set(value);
  }
}
