/**
 * The capture side of `DeviceStore`, loaded on the first device action (its own chunk in the
 * browser bundle, docs/decisions/0024 and 0030): the tracks, the Web Audio gain, the serial queues
 * and the room's rules while the user is seated. The store keeps every atom and hands them over
 * here (`DeviceHost`, src/media/device-store-contract.ts), so the elements read devices
 * synchronously before this module is loaded; nothing can be open before it is. Every behaviour is
 * documented on `DeviceStore`.
 */
import { batch } from 'nanostores';
import { ErrorCode } from '../protocol/errors.js';
import { fail, ok, type Failure, type Result } from '../protocol/result.js';
import type { Device, DeviceStatus } from '../protocol/types.js';
import {
  ALL_DEVICES,
  NO_ERRORS,
  ofKind,
  START_FAILED,
  type DeviceHost,
  type DeviceRuntime,
  type OpenCameraOptions,
  type SeatContext,
} from './device-store-contract.js';
import { cameraFacing, captureFailure, notSupported, type CaptureDevice } from './devices.js';
import { LocalStream } from './local-stream.js';
import { chainMicrophone, refeedMicrophone, releaseMicrophone, type Microphone } from './microphone.js';

/** The devices of one `DeviceStore`: its actions run here once loaded. */
export class DeviceStoreRuntime implements DeviceRuntime {
  readonly #host: DeviceHost;
  /** The store's atoms (see `DeviceStore`). */
  readonly #atoms: DeviceHost['atoms'];
  readonly #stream: LocalStream;
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
    this.#stream = new LocalStream(host.atoms.localStream);
    this.#atoms = host.atoms;
  }

  // ── camera ──────────────────────────────────────────────────────────────────────────────────

  /** Opens the camera (see `OpenCameraOptions`); resolves once it captures and the room knows. */
  openLocalCamera(options: OpenCameraOptions = {}): Promise<Result> {
    return this.#serial('camera', async () => {
      if (this.#camera !== null) return ok();
      const locked = this.#lockRefusal('camera');
      if (locked) return this.#failed('camera', locked);
      if (options.isFront !== undefined) this.#atoms.isFront.set(options.isFront);
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
      // Labels may have appeared with the opening.
      this.#host.refreshLists();
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
      this.#atoms.isFront.set(isFront);
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
      this.#atoms.currentCamera.set(deviceId);
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
      const microphone = chainMicrophone(raw, this.#atoms.volume.get());
      this.#attachMicrophone(microphone);
      const published = await this.#publish('microphone', 'on');
      if (!published.isSuccess) {
        if (this.#microphone === microphone) this.#detachMicrophone();
        return this.#failed('microphone', published);
      }
      this.#setError('microphone', null);
      // Labels may have appeared with the opening.
      this.#host.refreshLists();
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
      this.#atoms.volume.set(volume);
      const microphone = this.#microphone;
      if (microphone === null) return ok();
      if (microphone.graph !== null) {
        microphone.graph.gain.gain.value = volume / 100;
        return ok();
      }
      if (volume === 100) return ok();
      // The raw track is published: put the gain node in now, if the page may run Web Audio.
      const chained = chainMicrophone(microphone.raw, volume);
      if (chained.graph === null) {
        return fail(
          ErrorCode.NOT_SUPPORTED,
          'setCaptureVolume: Web Audio is unavailable or may not start before a user gesture',
        );
      }
      this.#microphone = chained;
      this.#stream.swap(microphone.output, chained.output);
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
      this.#atoms.currentMicrophone.set(deviceId);
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
      const devices = this.#host.mediaDevices;
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
        this.#atoms.screenStream.set(stream);
        this.#atoms.screenStatus.set('on');
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
      this.#atoms.currentCamera.set(null);
      this.#atoms.currentMicrophone.set(null);
      this.#atoms.currentSpeaker.set(null);
      this.#atoms.isFront.set(true);
      this.#atoms.volume.set(100);
      this.#atoms.errors.set(NO_ERRORS);
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
    const devices = this.#host.mediaDevices;
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
    this.#stream.swap(old, track);
    old.stop();
    this.#atoms.currentCamera.set(track.getSettings().deviceId ?? this.#cameraId);
    this.#setError('camera', null);
    return ok();
  }

  /** Feeds the open microphone from a new raw track; with a gain graph the published track stays. */
  #replaceMicrophone(current: Microphone, raw: MediaStreamTrack): void {
    current.raw.removeEventListener('ended', this.#onMicrophoneEnded);
    raw.addEventListener('ended', this.#onMicrophoneEnded);
    const next = refeedMicrophone(current, raw);
    this.#microphone = next;
    if (next.output !== current.output) this.#stream.swap(current.output, next.output);
    current.raw.stop();
    this.#atoms.currentMicrophone.set(raw.getSettings().deviceId ?? this.#microphoneId);
  }

  // ── private: tracks and the stream ──────────────────────────────────────────────────────────

  #attachCamera(track: MediaStreamTrack): void {
    this.#camera = track;
    track.addEventListener('ended', this.#onCameraEnded);
    this.#stream.add(track);
    batch(() => {
      this.#atoms.currentCamera.set(track.getSettings().deviceId ?? this.#cameraId);
      this.#atoms.cameraStatus.set('on');
    });
  }

  #detachCamera(): void {
    const track = this.#camera;
    if (track === null) return;
    this.#camera = null;
    track.removeEventListener('ended', this.#onCameraEnded);
    this.#stream.remove(track);
    track.stop();
    this.#atoms.cameraStatus.set('off');
  }

  #attachMicrophone(microphone: Microphone): void {
    this.#microphone = microphone;
    microphone.raw.addEventListener('ended', this.#onMicrophoneEnded);
    this.#stream.add(microphone.output);
    batch(() => {
      this.#atoms.currentMicrophone.set(microphone.raw.getSettings().deviceId ?? this.#microphoneId);
      this.#atoms.microphoneStatus.set('on');
    });
  }

  #detachMicrophone(): void {
    const microphone = this.#microphone;
    if (microphone === null) return;
    this.#microphone = null;
    microphone.raw.removeEventListener('ended', this.#onMicrophoneEnded);
    this.#stream.remove(microphone.output);
    releaseMicrophone(microphone);
    this.#atoms.microphoneStatus.set('off');
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
      this.#atoms.screenStream.set(null);
      this.#atoms.screenStatus.set('off');
    });
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
    void this.#host.session
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
    const seat = this.#host.seat.get()?.seat;
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
    const context = this.#host.seat.get();
    if (context === null) return ok();
    return this.#host.session.liveSeatStore(context.liveId).publishDeviceStatus({ [device]: status });
  }

  // ── private: state ──────────────────────────────────────────────────────────────────────────

  #failed(device: CaptureDevice, failure: Failure): Failure {
    this.#setError(device, failure);
    return failure;
  }

  #setError(device: CaptureDevice, failure: Failure | null): void {
    const errors = this.#atoms.errors.get();
    const next = failure === null ? null : { code: failure.errorCode, message: failure.errorMessage };
    const current = errors[device];
    if (current === next || (current?.code === next?.code && current?.message === next?.message)) return;
    this.#atoms.errors.set({ ...errors, [device]: next });
  }
}
