/**
 * The open microphone of `DeviceStoreRuntime`: the captured track and, once the page may run Web
 * Audio, the gain node between it and the track the local stream carries (`setCaptureVolume`).
 * Part of the lazily loaded capture code (src/media/device-store-runtime.ts).
 */

/** The Web Audio graph between the raw microphone and the published track. */
export interface AudioGraph {
  readonly context: AudioContext;
  source: MediaStreamAudioSourceNode;
  readonly gain: GainNode;
}

/** The open microphone: the captured track and the track the stream carries. */
export interface Microphone {
  readonly raw: MediaStreamTrack;
  /** The gain node's output; the raw track itself while there is no graph. */
  readonly output: MediaStreamTrack;
  readonly graph: AudioGraph | null;
}

/**
 * The microphone chain for a raw track: raw → gain (`volume`, 0..100) → destination when Web Audio
 * may run now (the page had a user gesture, or the browser does not say), else the raw track
 * alone: an `AudioContext` created before any gesture would stay suspended and send silence.
 */
export function chainMicrophone(raw: MediaStreamTrack, volume: number): Microphone {
  const plain: Microphone = { raw, output: raw, graph: null };
  const AudioContextClass = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  const activation = (globalThis.navigator as Partial<Navigator> | undefined)?.userActivation;
  if (AudioContextClass === undefined || activation?.hasBeenActive === false) return plain;
  let context: AudioContext;
  try {
    context = new AudioContextClass();
  } catch {
    return plain;
  }
  // Allowed to start (the page had a gesture), it may still be starting: make sure it runs.
  if (context.state === 'suspended') void context.resume();
  const source = context.createMediaStreamSource(new MediaStream([raw]));
  const gain = context.createGain();
  gain.gain.value = volume / 100;
  const destination = context.createMediaStreamDestination();
  source.connect(gain).connect(destination);
  const output = destination.stream.getAudioTracks()[0];
  if (output === undefined) {
    void context.close();
    return plain;
  }
  return { raw, output, graph: { context, source, gain } };
}

/**
 * The open microphone fed from a new raw track: with a gain graph the published track stays (the
 * graph's source changes), without one the raw track is the published one. `current.raw` is not
 * stopped.
 */
export function refeedMicrophone(current: Microphone, raw: MediaStreamTrack): Microphone {
  const graph = current.graph;
  if (graph === null) return { raw, output: raw, graph: null };
  const source = graph.context.createMediaStreamSource(new MediaStream([raw]));
  source.connect(graph.gain);
  graph.source.disconnect();
  graph.source = source;
  return { raw, output: current.output, graph };
}

/** Ends the microphone's tracks and closes its graph. */
export function releaseMicrophone(microphone: Microphone): void {
  microphone.output.stop();
  microphone.raw.stop();
  if (microphone.graph !== null) {
    microphone.graph.source.disconnect();
    void microphone.graph.context.close();
  }
}
