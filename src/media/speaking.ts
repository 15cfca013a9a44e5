/**
 * Who is speaking, from audio levels: one Web Audio `AnalyserNode` per audio track, read about ten
 * times a second, and only while someone listens to the result.
 */
import { atom, onMount, type ReadableAtom } from 'nanostores';
import { analyseTrack, rmsLevel } from './audio-level.js';

/** How often levels are read while someone listens, in ms. */
export const SPEAKING_POLL_MS = 100;
/** RMS level (0..1) above which a user starts speaking. */
export const SPEAKING_ON_LEVEL = 0.02;
/** RMS level below which a speaking user may stop speaking... */
export const SPEAKING_OFF_LEVEL = 0.01;
/** ...once it stayed below for this long, in ms (hysteresis: no flicker between words). */
export const SPEAKING_HOLD_MS = 500;

interface Meter {
  readonly track: MediaStreamTrack;
  readonly source: MediaStreamAudioSourceNode;
  readonly analyser: AnalyserNode;
  speaking: boolean;
  /** When the level last was at or above `SPEAKING_OFF_LEVEL`. */
  lastLoud: number;
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * Levels of a set of audio tracks, by user id. `setTracks` says which tracks to measure; `speaking`
 * holds the ids of those speaking now. The audio graph and the timer exist only while `speaking`
 * has a subscriber and there is a track; an `AudioContext` made before the page's first user
 * gesture stays suspended (it measures silence) until `resume()` is called from a gesture.
 */
export class SpeakingMeter {
  /** The user ids speaking now. */
  readonly speaking: ReadableAtom<ReadonlySet<string>>;

  readonly #$speaking = atom<ReadonlySet<string>>(EMPTY);
  #tracks: ReadonlyMap<string, MediaStreamTrack> = new Map();
  readonly #meters = new Map<string, Meter>();
  #context: AudioContext | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #mounted = false;
  #buffer = new Float32Array(512);

  constructor() {
    this.speaking = this.#$speaking;
    onMount(this.#$speaking, () => {
      this.#mounted = true;
      this.#sync();
      return () => {
        this.#mounted = false;
        this.#sync();
      };
    });
  }

  /** Whether levels are being read now (someone listens and there is a track). */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** The `AudioContext`'s state, `null` while there is none. */
  get contextState(): AudioContextState | null {
    return this.#context?.state ?? null;
  }

  /** The tracks to measure, by user id (replaces the previous set). */
  setTracks(tracks: ReadonlyMap<string, MediaStreamTrack>): void {
    this.#tracks = tracks;
    this.#sync();
  }

  /** Resumes a suspended `AudioContext` (call it from a user gesture). */
  async resume(): Promise<boolean> {
    const context = this.#context;
    if (context === null || context.state === 'running') return true;
    try {
      await context.resume();
    } catch {
      return false;
    }
    // `resume()` changed it: read it again.
    return (context.state as AudioContextState) === 'running';
  }

  /** Stops measuring and releases the audio graph. */
  dispose(): void {
    this.#tracks = new Map();
    this.#sync();
  }

  #sync(): void {
    const wanted = this.#mounted ? this.#tracks : new Map<string, MediaStreamTrack>();
    for (const [userId, meter] of [...this.#meters]) {
      if (wanted.get(userId) !== meter.track) this.#drop(userId, meter);
    }
    for (const [userId, track] of wanted) {
      if (!this.#meters.has(userId) && track.readyState === 'live') this.#add(userId, track);
    }
    if (this.#meters.size > 0) {
      this.#timer ??= setInterval(this.#poll, SPEAKING_POLL_MS);
    } else {
      if (this.#timer !== undefined) clearInterval(this.#timer);
      this.#timer = undefined;
      const context = this.#context;
      this.#context = null;
      if (context !== null) void context.close().catch(() => undefined);
    }
    this.#publish();
  }

  #add(userId: string, track: MediaStreamTrack): void {
    const AudioContextClass = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (AudioContextClass === undefined) return;
    this.#context ??= new AudioContextClass();
    const context = this.#context;
    const { source, analyser } = analyseTrack(context, track, this.#buffer.length);
    this.#meters.set(userId, { track, source, analyser, speaking: false, lastLoud: 0 });
  }

  #drop(userId: string, meter: Meter): void {
    meter.source.disconnect();
    meter.analyser.disconnect();
    this.#meters.delete(userId);
  }

  readonly #poll = (): void => {
    const now = performance.now();
    for (const meter of this.#meters.values()) {
      const level = rmsLevel(meter.analyser, this.#buffer);
      if (level >= SPEAKING_OFF_LEVEL) meter.lastLoud = now;
      if (!meter.speaking && level >= SPEAKING_ON_LEVEL) meter.speaking = true;
      else if (meter.speaking && now - meter.lastLoud >= SPEAKING_HOLD_MS) meter.speaking = false;
    }
    this.#publish();
  };

  #publish(): void {
    const speaking = [...this.#meters].filter(([, meter]) => meter.speaking).map(([userId]) => userId);
    const current = this.#$speaking.get();
    if (speaking.length === current.size && speaking.every((userId) => current.has(userId))) return;
    this.#$speaking.set(speaking.length === 0 ? EMPTY : new Set(speaking));
  }
}
