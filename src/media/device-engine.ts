/**
 * The capture side of `DeviceStore`, loaded on the first device action (its own chunk in the
 * browser bundle, docs/decisions/0024): the tracks, the Web Audio gain, the serial queues and the
 * room's rules while the user is seated. The store keeps every atom and hands them over here, so
 * the elements read devices synchronously before this module is loaded; nothing can be open before
 * it is. Every behaviour is documented on `DeviceStore`.
 */
import { batch } from 'nanostores';
import type { Session } from '../core/session.js';
import { ErrorCode } from '../protocol/errors.js';
import { fail, ok, type Failure, type Result } from '../protocol/result.js';
import type { Device, DeviceStatus } from '../protocol/types.js';
import type { DeviceHost, OpenCameraOptions, SeatContext } from './device-store.js';
import { ALL_DEVICES, NO_ERRORS, ofKind, START_FAILED } from './device-store.js';
import {
  cameraFacing,
  captureFailure,
  notSupported,
  type CaptureDevice,
  type MediaDevicesLike,
} from './devices.js';

/** The Web Audio graph between the raw microphone and the published track. */
interface AudioGraph {
  readonly context: AudioContext;
  source: MediaStreamAudioSourceNode;
  readonly gain: GainNode;
}

/** The open microphone: the captured track and the track the stream carries. */
interface Microphone {
  readonly raw: MediaStreamTrack;
  /** The gain node's output; the raw track itself while there is no graph. */
  readonly output: MediaStreamTrack;
  readonly graph: AudioGraph | null;
}

/** Browsers fire `addtrack`/`removetrack` only for their own changes: tell watchers of ours. */
function announce(stream: MediaStream, type: 'addtrack' | 'removetrack', track: MediaStreamTrack): void {
  stream.dispatchEvent(new MediaStreamTrackEvent(type, { track }));
}

/** The devices of one `DeviceStore`: its actions run here once loaded. */
export class DeviceEngine {
  readonly #host: DeviceHost;
  readonly #session: Session;
  readonly #mediaDevices: MediaDevicesLike | null;
  readonly #$cameraStatus: DeviceHost['atoms']['cameraStatus'];
  readonly #$microphoneStatus: DeviceHost['atoms']['microphoneStatus'];
  readonly #$screenStatus: DeviceHost['atoms']['screenStatus'];
  readonly #$localStream: DeviceHost['atoms']['localStream'];
  readonly #$screenStream: DeviceHost['atoms']['screenStream'];
  readonly #$currentCamera: DeviceHost['atoms']['currentCamera'];
  readonly #$currentMicrophone: DeviceHost['atoms']['currentMicrophone'];
  readonly #$currentSpeaker: DeviceHost['atoms']['currentSpeaker'];
  readonly #$isFront: DeviceHost['atoms']['isFront'];
  readonly #$volume: DeviceHost['atoms']['volume'];
  readonly #$errors: DeviceHost['atoms']['errors'];
  readonly #$seat: DeviceHost['seat'];
  /** Created with the first track: `MediaStream` does not exist in Node. */
  #stream: MediaStream | null = null;
  #camera: MediaStreamTrack | null = null;
  #microphone: Microphone | null = null;
  #screen: MediaStream | null = null;
  /** The camera and microphone chosen with `selectCamera` / `switchCamera` / `selectMicrophone`. */
  #cameraId: string | null = null;
  #microphoneId: string | null = null;
  /** The tail of each device's chain of actions. */
  readonly #queues: Record<CaptureDevice, Promise<unknown>> = {
    camera: Promise.resolve(),
    microphone: Promise.resolve(),
    screen: Promise.resolve(),
  };
  /** Bumped when a host or the room stops a device, so an open in flight knows it was overtaken. */
  readonly #forced: Record<CaptureDevice, number> = { camera: 0, microphone: 0, screen: 0 };

  constructor(host: DeviceHost) {
    this.#host = host;
    this.#session = host.session;
    this.#mediaDevices = host.mediaDevices;
    this.#$cameraStatus = host.atoms.cameraStatus;
    this.#$microphoneStatus = host.atoms.microphoneStatus;
    this.#$screenStatus = host.atoms.screenStatus;
    this.#$localStream = host.atoms.localStream;
    this.#$screenStream = host.atoms.screenStream;
    this.#$currentCamera = host.atoms.currentCamera;
    this.#$currentMicrophone = host.atoms.currentMicrophone;
    this.#$currentSpeaker = host.atoms.currentSpeaker;
    this.#$isFront = host.atoms.isFront;
    this.#$volume = host.atoms.volume;
    this.#$errors = host.atoms.errors;
    this.#$seat = host.seat;
  }

  // ── camera ──────────────────────────────────────────────────────────────────────────────────

  /** Opens the camera (see `OpenCameraOptions`); resolves once it captures and the room knows. */
  openLocalCamera(options: OpenCameraOptions = {}): Promise<Result> {
    return this.#serial('camera', async () => {
      if (this.#camera !== null) return ok();
      const locked = this.#lockRefusal('camera');
      if (locked) return this.#failed('camera', locked);
      if (options.isFront !== undefined) this.#$isFront.set(options.isFront);
      const forced = this.#forced.camera;
      const captured = await this.#capture('camera', {
        video: await this.#videoConstraints(options.isFront),
      });
      if (!captured.isSuccess) return this.#failed('camera', captured);
      const track = captured.data;
      const refusal = this.#lateRefusal('camera', forced);
      if (refusal) {
        track.stop();
        return this.#failed('camera', refusal);
      }
      this.#attachCamera(track);
      const published = await this.#publish('camera', 'on');
      if (!published.isSuccess) {
        if (this.#camera === track) this.#detachCamera();
        return this.#failed('camera', published);
      }
      this.#setError('camera', null);
      this.#refreshLists();
      return ok();
    });
  }

  /** Closes the camera (its track ends) and publishes it off while seated. */
  closeLocalCamera(): Promise<Result> {
    return this.#serial('camera', () => this.#close('camera'));
  }

  /**
   * Switches to the camera facing the user (`isFront`) or the world, replacing the video track in
   * the same `localStream`. The camera is found by its `facingMode`, its label, or else by position
   * (front = the first camera, back = the second), so two desktop cameras switch too; with a single
   * camera the browser is asked by `facingMode`. While the camera is off it only sets the side the
   * next `openLocalCamera()` uses.
   */
  switchCamera(isFront: boolean): Promise<Result> {
    return this.#serial('camera', async () => {
      this.#$isFront.set(isFront);
      const video = await this.#videoConstraints(isFront);
      if (this.#camera === null) return ok();
      return this.#replaceCamera(video);
    });
  }

  /** Chooses the camera by `deviceId` (from `cameras`); an open camera moves to it at once. */
  selectCamera(deviceId: string): Promise<Result> {
    return this.#serial('camera', async () => {
      const known = await this.#knows('videoinput', deviceId);
      if (!known.isSuccess) return this.#failed('camera', known);
      if (!known.data) {
        return this.#failed('camera', fail(ErrorCode.CAMERA_NOT_FOUND, `no camera has the id "${deviceId}"`));
      }
      this.#cameraId = deviceId;
      this.#$currentCamera.set(deviceId);
      if (this.#camera === null) return ok();
      return this.#replaceCamera({ deviceId: { exact: deviceId } });
    });
  }

  // ── microphone ──────────────────────────────────────────────────────────────────────────────

  /** Opens the microphone; resolves once it captures and the room knows. */
  openLocalMicrophone(): Promise<Result> {
    return this.#serial('microphone', async () => {
      if (this.#microphone !== null) return ok();
      const locked = this.#lockRefusal('microphone');
      if (locked) return this.#failed('microphone', locked);
      const forced = this.#forced.microphone;
      const captured = await this.#capture('microphone', { audio: this.#audioConstraints() });
      if (!captured.isSuccess) return this.#failed('microphone', captured);
      const raw = captured.data;
      const refusal = this.#lateRefusal('microphone', forced);
      if (refusal) {
        raw.stop();
        return this.#failed('microphone', refusal);
      }
      const microphone = this.#chain(raw);
      this.#attachMicrophone(microphone);
      const published = await this.#publish('microphone', 'on');
      if (!published.isSuccess) {
        if (this.#microphone === microphone) this.#detachMicrophone();
        return this.#failed('microphone', published);
      }
      this.#setError('microphone', null);
      this.#refreshLists();
      return ok();
    });
  }

  /** Closes the microphone (its tracks end) and publishes it off while seated. */
  closeLocalMicrophone(): Promise<Result> {
    return this.#serial('microphone', () => this.#close('microphone'));
  }

  /**
   * Sets the microphone's capture volume, 0 (silent) to 100 (as captured), through a Web Audio
   * gain node; kept for the next opening while the microphone is off. `INVALID_ARGUMENT` outside
   * 0..100; `NOT_SUPPORTED` when the page may not run Web Audio yet (call it from a user gesture).
   */
  setCaptureVolume(volume: number): Promise<Result> {
    return this.#serial('microphone', () => {
      if (typeof volume !== 'number' || !Number.isFinite(volume) || volume < 0 || volume > 100) {
        return fail(ErrorCode.INVALID_ARGUMENT, `setCaptureVolume: ${String(volume)} is not in 0..100`);
      }
      this.#$volume.set(volume);
      const microphone = this.#microphone;
      if (microphone === null) return ok();
      if (microphone.graph !== null) {
        microphone.graph.gain.gain.value = volume / 100;
        return ok();
      }
      if (volume === 100) return ok();
      // The raw track is published: put the gain node in now, if the page may run Web Audio.
      const chained = this.#chain(microphone.raw);
      if (chained.graph === null) {
        return fail(
          ErrorCode.NOT_SUPPORTED,
          'setCaptureVolume: Web Audio is unavailable or may not start before a user gesture',
        );
      }
      this.#microphone = chained;
      this.#swapTrack(microphone.output, chained.output);
      return ok();
    });
  }

  /** Chooses the microphone by `deviceId` (from `microphones`); an open one moves to it at once. */
  selectMicrophone(deviceId: string): Promise<Result> {
    return this.#serial('microphone', async () => {
      const known = await this.#knows('audioinput', deviceId);
      if (!known.isSuccess) return this.#failed('microphone', known);
      if (!known.data) {
        return this.#failed(
          'microphone',
          fail(ErrorCode.MICROPHONE_NOT_FOUND, `no microphone has the id "${deviceId}"`),
        );
      }
      this.#microphoneId = deviceId;
      this.#$currentMicrophone.set(deviceId);
      const current = this.#microphone;
      if (current === null) return ok();
      const captured = await this.#capture('microphone', { audio: { deviceId: { exact: deviceId } } });
      if (!captured.isSuccess) return this.#failed('microphone', captured);
      const raw = captured.data;
      if (this.#microphone !== current) {
        raw.stop();
        return this.#failed('microphone', this.#overtaken('microphone'));
      }
      this.#replaceMicrophone(current, raw);
      this.#setError('microphone', null);
      return ok();
    });
  }

  // ── screen ──────────────────────────────────────────────────────────────────────────────────

  /** Shares the screen (`getDisplayMedia`; the browser asks the user what to share). */
  startScreenShare(): Promise<Result> {
    return this.#serial('screen', async () => {
      if (this.#screen !== null) return ok();
      const devices = this.#mediaDevices;
      if (devices?.getDisplayMedia === undefined) return this.#failed('screen', notSupported('screen'));
      // The screen goes out on the seat's video: a host's video lock forbids it too.
      const locked = this.#lockRefusal('camera');
      if (locked) return this.#failed('screen', locked);
      const forced = this.#forced.screen;
      let stream: MediaStream;
      try {
        stream = await devices.getDisplayMedia({ video: true, audio: false });
      } catch (error) {
        return this.#failed('screen', captureFailure('screen', error));
      }
      const refusal =
        this.#forced.screen !== forced ? this.#overtaken('screen') : this.#lockRefusal('camera');
      if (refusal) {
        for (const track of stream.getTracks()) track.stop();
        return this.#failed('screen', refusal);
      }
      this.#screen = stream;
      for (const track of stream.getTracks()) track.addEventListener('ended', this.#onScreenEnded);
      batch(() => {
        this.#$screenStream.set(stream);
        this.#$screenStatus.set('on');
      });
      const published = await this.#publish('camera', 'on');
      if (!published.isSuccess) {
        if (this.#screen === stream) this.#detachScreen();
        return this.#failed('screen', published);
      }
      this.#setError('screen', null);
      return ok();
    });
  }

  /** Stops sharing the screen; the seat's video goes back to the camera, or off. */
  stopScreenShare(): Promise<Result> {
    return this.#serial('screen', async () => {
      const shared = this.#screen !== null;
      this.#detachScreen();
      const published = shared ? await this.#publish('camera', this.#videoStatus()) : ok();
      if (!published.isSuccess) return this.#failed('screen', published);
      this.#setError('screen', null);
      return ok();
    });
  }

  /**
   * Closes every device (publishing them off while seated), forgets the chosen devices and the
   * errors, and puts the capture volume back to 100 (Tencent `reset`).
   */
  async reset(): Promise<Result> {
    const results = await Promise.all([
      this.closeLocalCamera(),
      this.closeLocalMicrophone(),
      this.stopScreenShare(),
    ]);
    this.#cameraId = null;
    this.#microphoneId = null;
    batch(() => {
      this.#$currentCamera.set(null);
      this.#$currentMicrophone.set(null);
      this.#$currentSpeaker.set(null);
      this.#$isFront.set(true);
      this.#$volume.set(100);
      this.#$errors.set(NO_ERRORS);
    });
    return results.find((result) => !result.isSuccess) ?? ok();
  }

  // ── private: actions ────────────────────────────────────────────────────────────────────────

  /** Runs `run` after the device's earlier actions; an unexpected throw becomes a failure. */
  #serial<T>(device: CaptureDevice, run: () => Result<T> | Promise<Result<T>>): Promise<Result<T>> {
    const guarded = async (): Promise<Result<T>> => {
      try {
        return await run();
      } catch (error) {
        return this.#failed(device, fail(START_FAILED[device], `${device}: ${String(error)}`));
      }
    };
    const next = this.#queues[device].then(guarded, guarded);
    this.#queues[device] = next;
    return next;
  }

  async #close(device: Device): Promise<Result> {
    if (device === 'camera') this.#detachCamera();
    else this.#detachMicrophone();
    // Published even when the seat already shows it off: an `on` may still be on its way. The
    // camera's status is the seat's video: it stays on while the screen is shared.
    const published = await this.#publish(device, device === 'camera' ? this.#videoStatus() : 'off');
    if (!published.isSuccess) return this.#failed(device, published);
    this.#setError(device, null);
    return ok();
  }

  /** Captures one track of `device`; other tracks of the stream are stopped. */
  async #capture(device: Device, constraints: MediaStreamConstraints): Promise<Result<MediaStreamTrack>> {
    const devices = this.#mediaDevices;
    if (devices === null || typeof devices.getUserMedia !== 'function') return notSupported(device);
    let stream: MediaStream;
    try {
      stream = await devices.getUserMedia(constraints);
    } catch (error) {
      return captureFailure(device, error);
    }
    const [track] = device === 'camera' ? stream.getVideoTracks() : stream.getAudioTracks();
    for (const other of stream.getTracks()) if (other !== track) other.stop();
    if (track === undefined) {
      return fail(START_FAILED[device], `the ${device} gave no track`);
    }
    return ok(track);
  }

  async #videoConstraints(isFront: boolean | undefined): Promise<MediaTrackConstraints | boolean> {
    if (isFront === undefined)
      return this.#cameraId === null ? true : { deviceId: { exact: this.#cameraId } };
    const listed = await this.#host.refreshDevices();
    const id = listed.isSuccess ? cameraFacing(ofKind('videoinput')(listed.data), isFront) : null;
    this.#cameraId = id;
    if (id !== null) return { deviceId: { exact: id } };
    return { facingMode: { ideal: isFront ? 'user' : 'environment' } };
  }

  #audioConstraints(): MediaTrackConstraints | boolean {
    return this.#microphoneId === null ? true : { deviceId: { exact: this.#microphoneId } };
  }

  /** Whether `deviceId` is among the devices of `kind` now. */
  async #knows(kind: MediaDeviceKind, deviceId: string): Promise<Result<boolean>> {
    const listed = await this.#host.refreshDevices();
    if (!listed.isSuccess) return listed;
    return ok(listed.data.some((device) => device.kind === kind && device.deviceId === deviceId));
  }

  /** Moves the open camera to other constraints, keeping the stream; off on failure. */
  async #replaceCamera(video: MediaTrackConstraints | boolean): Promise<Result> {
    const old = this.#camera;
    if (old === null) return ok();
    let captured = await this.#capture('camera', { video });
    if (!captured.isSuccess && captured.errorCode === ErrorCode.CAMERA_OCCUPIED && this.#camera === old) {
      // Many phones cannot run two cameras at once: let go of the current one and try again.
      old.stop();
      captured = await this.#capture('camera', { video });
    }
    if (!captured.isSuccess) {
      if (this.#camera === old && old.readyState === 'ended') await this.#close('camera');
      return this.#failed('camera', captured);
    }
    const track = captured.data;
    if (this.#camera !== old) {
      track.stop();
      return this.#failed('camera', this.#overtaken('camera'));
    }
    old.removeEventListener('ended', this.#onCameraEnded);
    this.#camera = track;
    track.addEventListener('ended', this.#onCameraEnded);
    this.#swapTrack(old, track);
    old.stop();
    this.#$currentCamera.set(track.getSettings().deviceId ?? this.#cameraId);
    this.#setError('camera', null);
    return ok();
  }

  /** Feeds the open microphone from a new raw track; with a gain graph the published track stays. */
  #replaceMicrophone(current: Microphone, raw: MediaStreamTrack): void {
    current.raw.removeEventListener('ended', this.#onMicrophoneEnded);
    raw.addEventListener('ended', this.#onMicrophoneEnded);
    const graph = current.graph;
    if (graph !== null) {
      const source = graph.context.createMediaStreamSource(new MediaStream([raw]));
      source.connect(graph.gain);
      graph.source.disconnect();
      graph.source = source;
      this.#microphone = { raw, output: current.output, graph };
    } else {
      this.#microphone = { raw, output: raw, graph: null };
      this.#swapTrack(current.raw, raw);
    }
    current.raw.stop();
    this.#$currentMicrophone.set(raw.getSettings().deviceId ?? this.#microphoneId);
  }

  /**
   * The microphone chain for a raw track: raw → gain → destination when Web Audio may run now
   * (the page had a user gesture, or the browser does not say), else the raw track alone: an
   * `AudioContext` created before any gesture would stay suspended and send silence.
   */
  #chain(raw: MediaStreamTrack): Microphone {
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
    gain.gain.value = this.#$volume.get() / 100;
    const destination = context.createMediaStreamDestination();
    source.connect(gain).connect(destination);
    const output = destination.stream.getAudioTracks()[0];
    if (output === undefined) {
      void context.close();
      return plain;
    }
    return { raw, output, graph: { context, source, gain } };
  }

  // ── private: tracks and the stream ──────────────────────────────────────────────────────────

  #attachCamera(track: MediaStreamTrack): void {
    this.#camera = track;
    track.addEventListener('ended', this.#onCameraEnded);
    this.#addTrack(track);
    batch(() => {
      this.#$currentCamera.set(track.getSettings().deviceId ?? this.#cameraId);
      this.#$cameraStatus.set('on');
    });
  }

  #detachCamera(): void {
    const track = this.#camera;
    if (track === null) return;
    this.#camera = null;
    track.removeEventListener('ended', this.#onCameraEnded);
    this.#removeTrack(track);
    track.stop();
    this.#$cameraStatus.set('off');
  }

  #attachMicrophone(microphone: Microphone): void {
    this.#microphone = microphone;
    microphone.raw.addEventListener('ended', this.#onMicrophoneEnded);
    this.#addTrack(microphone.output);
    batch(() => {
      this.#$currentMicrophone.set(microphone.raw.getSettings().deviceId ?? this.#microphoneId);
      this.#$microphoneStatus.set('on');
    });
  }

  #detachMicrophone(): void {
    const microphone = this.#microphone;
    if (microphone === null) return;
    this.#microphone = null;
    microphone.raw.removeEventListener('ended', this.#onMicrophoneEnded);
    this.#removeTrack(microphone.output);
    microphone.output.stop();
    microphone.raw.stop();
    if (microphone.graph !== null) {
      microphone.graph.source.disconnect();
      void microphone.graph.context.close();
    }
    this.#$microphoneStatus.set('off');
  }

  #detachScreen(): void {
    const stream = this.#screen;
    if (stream === null) return;
    this.#screen = null;
    for (const track of stream.getTracks()) {
      track.removeEventListener('ended', this.#onScreenEnded);
      track.stop();
    }
    batch(() => {
      this.#$screenStream.set(null);
      this.#$screenStatus.set('off');
    });
  }

  #addTrack(track: MediaStreamTrack): void {
    this.#stream ??= new MediaStream();
    this.#stream.addTrack(track);
    announce(this.#stream, 'addtrack', track);
    this.#streamChanged();
  }

  #removeTrack(track: MediaStreamTrack): void {
    const stream = this.#stream;
    if (!stream?.getTracks().includes(track)) return;
    stream.removeTrack(track);
    announce(stream, 'removetrack', track);
    this.#streamChanged();
  }

  /** Replaces `old` by `track` in the stream (`old` is not stopped). */
  #swapTrack(old: MediaStreamTrack, track: MediaStreamTrack): void {
    const stream = this.#stream;
    if (stream === null) return;
    stream.removeTrack(old);
    stream.addTrack(track);
    announce(stream, 'removetrack', old);
    announce(stream, 'addtrack', track);
    this.#streamChanged();
  }

  /** `localStream` is the stream while it has tracks; its subscribers hear of every change. */
  #streamChanged(): void {
    const stream = this.#stream;
    const value = stream !== null && stream.getTracks().length > 0 ? stream : null;
    if (value !== null && this.#$localStream.get() === value) this.#$localStream.notify(value);
    else this.#$localStream.set(value);
  }

  /** The user unplugged the camera or revoked access: it is off. */
  readonly #onCameraEnded = (event: Event): void => {
    if (event.target !== this.#camera) return;
    this.#forced.camera++;
    this.#detachCamera();
    void this.#publish('camera', this.#videoStatus());
  };

  readonly #onMicrophoneEnded = (event: Event): void => {
    if (event.target !== this.#microphone?.raw) return;
    this.#forced.microphone++;
    this.#detachMicrophone();
    void this.#publish('microphone', 'off');
  };

  /** The user stopped sharing from the browser's own control. */
  readonly #onScreenEnded = (): void => {
    this.#forced.screen++;
    this.#detachScreen();
    void this.#publish('camera', this.#videoStatus());
  };

  // ── private: the room ───────────────────────────────────────────────────────────────────────

  /** The user's seat changed from `previous` to `next` (the store has set `next` already). */
  onSeat(previous: SeatContext | null, next: SeatContext | null): void {
    if (previous !== null && next?.liveId !== previous.liveId) {
      // Left or lost the seat: nothing may keep capturing.
      this.forceStop(ALL_DEVICES);
      return;
    }
    if (next === null) return;
    const forbidden: CaptureDevice[] = [];
    if (!next.seat.allowOpenCamera && this.#camera !== null) forbidden.push('camera');
    if (!next.seat.allowOpenCamera && this.#screen !== null) forbidden.push('screen');
    if (!next.seat.allowOpenMicrophone && this.#microphone !== null) forbidden.push('microphone');
    this.forceStop(forbidden);
    if (previous !== null) return;
    // Just seated: the room learns of the devices already open.
    const status: { camera?: DeviceStatus; microphone?: DeviceStatus } = {};
    if (this.#videoStatus() === 'on') status.camera = 'on';
    if (this.#microphone !== null) status.microphone = 'on';
    if (status.camera === undefined && status.microphone === undefined) return;
    void this.#session
      .liveSeatStore(next.liveId)
      .publishDeviceStatus(status)
      .then((result) => {
        if (result.isSuccess) return;
        for (const device of ['camera', 'microphone'] as const) {
          if (status[device] !== undefined) this.#setError(device, result);
        }
      });
  }

  /** A host or the room stopped devices: their tracks end now, without asking the room again. */
  forceStop(devices: readonly CaptureDevice[]): void {
    for (const device of devices) {
      this.#forced[device]++;
      if (device === 'camera') this.#detachCamera();
      else if (device === 'microphone') this.#detachMicrophone();
      else this.#detachScreen();
    }
  }

  #lockRefusal(device: Device): Failure | null {
    const seat = this.#$seat.get()?.seat;
    if (seat === undefined) return null;
    if (device === 'camera' && !seat.allowOpenCamera) {
      return fail(ErrorCode.CAMERA_LOCKED, 'the host does not allow your camera on this seat');
    }
    if (device === 'microphone' && !seat.allowOpenMicrophone) {
      return fail(ErrorCode.MICROPHONE_LOCKED, 'the host does not allow your microphone on this seat');
    }
    return null;
  }

  /** After capturing: the device was stopped meanwhile, or the seat got locked. */
  #lateRefusal(device: Device, forced: number): Failure | null {
    if (this.#forced[device] !== forced) return this.#overtaken(device);
    return this.#lockRefusal(device);
  }

  #overtaken(device: CaptureDevice): Failure {
    return fail(
      START_FAILED[device],
      `the ${device} was stopped while it was opening (a host closed it, or the seat was left)`,
    );
  }

  /** The seat's video as the room sees it: on while the camera captures or the screen is shared. */
  #videoStatus(): DeviceStatus {
    return this.#camera !== null || this.#screen !== null ? 'on' : 'off';
  }

  async #publish(device: Device, status: DeviceStatus): Promise<Result> {
    const context = this.#$seat.get();
    if (context === null) return ok();
    return this.#session.liveSeatStore(context.liveId).publishDeviceStatus({ [device]: status });
  }

  // ── private: state ──────────────────────────────────────────────────────────────────────────

  #failed(device: CaptureDevice, failure: Failure): Failure {
    this.#setError(device, failure);
    return failure;
  }

  #setError(device: CaptureDevice, failure: Failure | null): void {
    const errors = this.#$errors.get();
    const next = failure === null ? null : { code: failure.errorCode, message: failure.errorMessage };
    const current = errors[device];
    if (current === next || (current?.code === next?.code && current?.message === next?.message)) return;
    this.#$errors.set({ ...errors, [device]: next });
  }

  /** After an opening: labels may have appeared. */
  #refreshLists(): void {
    this.#host.refreshLists();
  }
}
