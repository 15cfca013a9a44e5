/**
 * The level of one audio track, for a microphone meter: a Web Audio `AnalyserNode` read about
 * twenty times a second while someone listens, shown as 0..100 with a falling peak so that short
 * sounds are seen.
 */
import { atom, onMount, type ReadableAtom } from 'nanostores';
import { analyseTrack, rmsLevel } from './audio-level.js';

/** How often the level is read while someone listens, in ms. */
export const LEVEL_POLL_MS = 50;
/** The quietest level the meter shows above 0, in dBFS (0 is full scale). */
export const LEVEL_FLOOR_DB = -60;
/** How fast the shown level falls after a sound, in points (of 100) per read. */
const FALL_PER_POLL = 4;

/** An RMS level (0..1) as the meter shows it: 0 at `LEVEL_FLOOR_DB` and below, 100 at full scale. */
export function levelOf(rms: number): number {
  if (!(rms > 0)) return 0;
  const db = 20 * Math.log10(rms);
  const level = ((db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB) * 100;
  return Math.round(Math.min(100, Math.max(0, level)));
}

interface Graph {
  readonly context: AudioContext;
  readonly source: MediaStreamAudioSourceNode;
  readonly analyser: AnalyserNode;
}

/**
 * The level of one track (`setTrack`), 0..100, in `level`. The audio graph and the timer exist only
 * while `level` has a subscriber and there is a live track. An `AudioContext` made before the page's
 * first user gesture stays suspended (it measures silence) until `resume()` is called from a gesture.
 */
export class LevelMeter {
  /** The level now, 0 (silence) to 100 (full scale); a sound's peak falls back slowly. */
  readonly level: ReadableAtom<number>;

  readonly #$level = atom(0);
  #track: MediaStreamTrack | null = null;
  #mounted = false;
  #graph: Graph | null = null;
  #timer: ReturnType<typeof setInterval> | undefined;
  #buffer = new Float32Array(1024);

  constructor() {
    this.level = this.#$level;
    onMount(this.#$level, () => {
      this.#mounted = true;
      this.#sync();
      return () => {
        this.#mounted = false;
        this.#sync();
      };
    });
  }

  /** Whether the level is being read now (someone listens and there is a live track). */
  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** The `AudioContext`'s state, `null` while there is none. */
  get contextState(): AudioContextState | null {
    return this.#graph?.context.state ?? null;
  }

  /** The track to measure, `null` for none (the level goes to 0). */
  setTrack(track: MediaStreamTrack | null): void {
    if (track === this.#track) return;
    this.#track = track;
    this.#release();
    this.#sync();
  }

  /** Resumes a suspended `AudioContext` (call it from a user gesture). */
  async resume(): Promise<boolean> {
    const context = this.#graph?.context;
    if (context === undefined || context.state === 'running') return true;
    try {
      await context.resume();
    } catch {
      return false;
    }
    return (context.state as AudioContextState) === 'running';
  }

  /** Stops measuring and releases the audio graph. */
  dispose(): void {
    this.setTrack(null);
  }

  #sync(): void {
    const track = this.#track;
    if (this.#mounted && track !== null && track.readyState === 'live') {
      if (this.#graph === null) this.#graph = this.#build(track);
      if (this.#graph !== null) this.#timer ??= setInterval(this.#poll, LEVEL_POLL_MS);
      return;
    }
    this.#release();
    this.#$level.set(0);
  }

  #build(track: MediaStreamTrack): Graph | null {
    const AudioContextClass = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
    if (AudioContextClass === undefined) return null;
    let context: AudioContext;
    try {
      context = new AudioContextClass();
    } catch {
      return null;
    }
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    return { context, ...analyseTrack(context, track, this.#buffer.length) };
  }

  #release(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    const graph = this.#graph;
    this.#graph = null;
    if (graph === null) return;
    graph.source.disconnect();
    graph.analyser.disconnect();
    void graph.context.close().catch(() => undefined);
  }

  readonly #poll = (): void => {
    const graph = this.#graph;
    if (graph === null) return;
    if (this.#track?.readyState !== 'live') {
      this.#sync();
      return;
    }
    const now = levelOf(rmsLevel(graph.analyser, this.#buffer));
    const shown = Math.max(now, this.#$level.get() - FALL_PER_POLL);
    if (shown !== this.#$level.get()) this.#$level.set(shown);
  };
}
