/**
 * Reading a track's loudness with Web Audio: what `SpeakingMeter` (who speaks) and `LevelMeter`
 * (a microphone's meter) share.
 */

/** A track's analyser in `context`, reading `fftSize` samples at a time. */
export interface TrackAnalyser {
  readonly source: MediaStreamAudioSourceNode;
  readonly analyser: AnalyserNode;
}

/** Connects `track` to a new analyser of `context`. */
export function analyseTrack(context: AudioContext, track: MediaStreamTrack, fftSize: number): TrackAnalyser {
  const source = context.createMediaStreamSource(new MediaStream([track]));
  const analyser = context.createAnalyser();
  analyser.fftSize = fftSize;
  source.connect(analyser);
  return { source, analyser };
}

/** The root mean square of the analyser's samples now (0 silence, 1 full scale), read into `buffer`. */
export function rmsLevel(analyser: AnalyserNode, buffer: Float32Array<ArrayBuffer>): number {
  analyser.getFloatTimeDomainData(buffer);
  let sum = 0;
  for (const sample of buffer) sum += sample * sample;
  return Math.sqrt(sum / buffer.length);
}
