/**
 * The local devices of one session (Tencent `DeviceStore`): camera, microphone and screen capture,
 * the device lists, and the room's rules about them while the session's user is on a seat.
 */
import { atom, computed, onMount, type ReadableAtom } from 'nanostores';
import type { LiveSeatListener } from '../core/live-seat-store.js';
import { getDefaultSession, type Session } from '../core/session.js';
import { ErrorCode } from '../protocol/errors.js';
import { fail, ok, type Result } from '../protocol/result.js';
import type { DeviceStatus } from '../protocol/types.js';
import {
  ALL_DEVICES,
  NO_ERRORS,
  ofKind,
  START_FAILED,
  type DeviceErrors,
  type DeviceHost,
  type DeviceRuntime,
  type DeviceRuntimeModule,
  type OpenCameraOptions,
  type SeatContext,
} from './device-store-contract.js';
import type { CaptureDevice, MediaDevicesLike } from './devices.js';

export type { DeviceErrors, OpenCameraOptions } from './device-store-contract.js';

/** Options of `DeviceStore.for`. They apply when the session's store is created (the first call). */
export interface DeviceStoreOptions {
  /**
   * Where devices come from. Default `navigator.mediaDevices` (absent outside a secure context and
   * in Node). `null` acts as a browser without media devices: every capture resolves to
   * `NOT_SUPPORTED`. Pass your own to wrap the browser's (a constraint policy, a recorder) or, in
   * tests, a fake whose `getUserMedia` rejects as a browser would.
   */
  readonly mediaDevices?: MediaDevicesLike | null;
}

const stores = new WeakMap<Session, DeviceStore>();

let runtimeModule: Promise<DeviceRuntimeModule> | null = null;

/** The capture code, loaded on the first device action (its own chunk in the browser bundle). */
function loadRuntime(): Promise<DeviceRuntimeModule> {
  runtimeModule ??= import('./device-store-runtime.js').catch((error: unknown) => {
    // Not cached: a later action tries again (the chunk may load once the network is back).
    runtimeModule = null;
    throw error;
  });
  return runtimeModule;
}

/** Whether two device lists name the same devices in the same order with the same labels. */
function sameDevices(a: readonly MediaDeviceInfo[], b: readonly MediaDeviceInfo[]): boolean {
  return (
    a.length === b.length &&
    a.every((device, index) => {
      const other = b[index];
      return (
        device.deviceId === other?.deviceId &&
        device.kind === other.kind &&
        device.label === other.label &&
        device.groupId === other.groupId
      );
    })
  );
}

/**
 * The local devices of one session, after Tencent's `DeviceStore`: open and close the camera and
 * the microphone, switch or choose them, share the screen, list the devices. Get it with
 * `DeviceStore.for(session)`, or `DeviceStore.shared` for the page's default session (a later
 * change exposes the same instance as `session.deviceStore`).
 *
 * The stores are here; the capture code (`DeviceStoreRuntime`) loads on the first device action, and
 * actions called meanwhile run in call order once it is in (docs/decisions/0024).
 *
 * Every action resolves to a `Result` and never throws for an expected failure. Failures carry
 * Tencent's device codes (`captureFailure` maps the browser's exceptions): `CAMERA_NOT_AUTHORIZED`,
 * `CAMERA_NOT_FOUND`, `CAMERA_OCCUPIED`, `CAMERA_START_FAILED`, the same for the microphone,
 * `SCREEN_SHARE_FAILED`, and `NOT_SUPPORTED` without `navigator.mediaDevices`; `lastError` keeps
 * the last one of each device. Actions on one device run one after the other, in call order.
 *
 * `localStream` is ONE `MediaStream` for the store's life: tracks are added and removed as devices
 * open, close and switch, so a peer connection can replace its sender's track. The store fires
 * `addtrack` / `removetrack` on it for its own changes (browsers fire them only for theirs) and
 * notifies `localStream`'s subscribers. The microphone reaches the stream through a Web Audio gain
 * node (`setCaptureVolume`) once the page may run audio (after a user gesture); before that the
 * raw track is published and the gain is put in place by the first `setCaptureVolume`.
 *
 * Room rules, while the session's user sits on a seat of its current live
 * (`liveListStore.currentLive`):
 * - opening a device first checks the seat's lock (`allowOpenCamera` / `allowOpenMicrophone`):
 *   `CAMERA_LOCKED` / `MICROPHONE_LOCKED` and nothing is captured; then the status is published
 *   (`device.publish`), and closing publishes it off;
 * - a host closing or forbidding the device stops its track (the status goes off);
 * - leaving or losing the seat, leaving the live, and logging out stop every capture, so the
 *   camera light goes off. Devices already open when the user sits down are published as on;
 *   sitting down never opens a device;
 * - the shared screen goes out on the seat's video in place of the camera (docs/decisions/0012):
 *   the seat's published camera status is on while the camera captures or the screen is shared
 *   (`cameraStatus` stays the camera's own), a video lock refuses `startScreenShare()` with
 *   `CAMERA_LOCKED`, and a host closing or forbidding the camera stops the share too.
 */
export class DeviceStore {
  /**
   * The device store of `session` (one per session, kept as long as the session lives). `options`
   * apply when it is created; passing a different `mediaDevices` later throws, as a programming
   * error.
   */
  static for(session: Session, options: DeviceStoreOptions = {}): DeviceStore {
    const existing = stores.get(session);
    if (existing !== undefined) {
      if (options.mediaDevices !== undefined && options.mediaDevices !== existing.#mediaDevices) {
        throw new Error('DeviceStore.for: this session already has a device store with other mediaDevices');
      }
      return existing;
    }
    const store = new DeviceStore(session, options);
    stores.set(session, store);
    return store;
  }

  /** The device store of the page's default session. */
  static get shared(): DeviceStore {
    return DeviceStore.for(getDefaultSession());
  }

  /** Whether the camera is capturing. */
  readonly cameraStatus: ReadableAtom<DeviceStatus>;
  /** Whether the microphone is capturing. */
  readonly microphoneStatus: ReadableAtom<DeviceStatus>;
  /** Whether the screen is shared. */
  readonly screenStatus: ReadableAtom<DeviceStatus>;
  /** The camera and microphone tracks (one stream for the store's life), `null` while both are off. */
  readonly localStream: ReadableAtom<MediaStream | null>;
  /** The shared screen, `null` while not sharing. */
  readonly screenStream: ReadableAtom<MediaStream | null>;
  /**
   * Video inputs, from `enumerateDevices`, refreshed on `devicechange` while a subscriber listens.
   * Before the user granted access, browsers list one entry per kind with empty ids and labels.
   */
  readonly cameras: ReadableAtom<readonly MediaDeviceInfo[]>;
  /** Audio inputs (see `cameras`). */
  readonly microphones: ReadableAtom<readonly MediaDeviceInfo[]>;
  /** Audio outputs (see `cameras`). */
  readonly speakers: ReadableAtom<readonly MediaDeviceInfo[]>;
  /** The `deviceId` of the camera in use or chosen; `null` for the browser's default. */
  readonly currentCamera: ReadableAtom<string | null>;
  /** The `deviceId` of the microphone in use or chosen; `null` for the browser's default. */
  readonly currentMicrophone: ReadableAtom<string | null>;
  /** The `deviceId` of the chosen speaker, `null` for the default; the media layer applies it. */
  readonly currentSpeaker: ReadableAtom<string | null>;
  /** Whether the camera faces the user (the last `isFront` asked for). Default `true`. */
  readonly isFrontCamera: ReadableAtom<boolean>;
  /** The microphone's capture volume, 0..100. Default 100. */
  readonly captureVolume: ReadableAtom<number>;
  /** The last failure of each device. */
  readonly lastError: ReadableAtom<DeviceErrors>;
  /** The user sits on a seat whose camera the host forbids: opening it fails with `CAMERA_LOCKED`. */
  readonly cameraLocked: ReadableAtom<boolean>;
  /** The user sits on a seat whose microphone the host forbids (`MICROPHONE_LOCKED`). */
  readonly microphoneLocked: ReadableAtom<boolean>;

  readonly #session: Session;
  readonly #mediaDevices: MediaDevicesLike | null;
  readonly #$cameraStatus = atom<DeviceStatus>('off');
  readonly #$microphoneStatus = atom<DeviceStatus>('off');
  readonly #$screenStatus = atom<DeviceStatus>('off');
  readonly #$localStream = atom<MediaStream | null>(null);
  readonly #$screenStream = atom<MediaStream | null>(null);
  readonly #$devices = atom<readonly MediaDeviceInfo[]>([]);
  readonly #$currentCamera = atom<string | null>(null);
  readonly #$currentMicrophone = atom<string | null>(null);
  readonly #$currentSpeaker = atom<string | null>(null);
  readonly #$isFront = atom(true);
  readonly #$volume = atom(100);
  readonly #$errors = atom<DeviceErrors>(NO_ERRORS);
  readonly #$seat = atom<SeatContext | null>(null);
  /** The capture side, once loaded (nothing is open before). */
  #runtime: DeviceRuntime | null = null;
  #listsMounted = false;
  #refreshes = 0;

  private constructor(session: Session, options: DeviceStoreOptions) {
    this.#session = session;
    this.#mediaDevices =
      options.mediaDevices !== undefined
        ? options.mediaDevices
        : ((globalThis.navigator as Partial<Navigator> | undefined)?.mediaDevices ?? null);
    this.cameraStatus = this.#$cameraStatus;
    this.microphoneStatus = this.#$microphoneStatus;
    this.screenStatus = this.#$screenStatus;
    this.localStream = this.#$localStream;
    this.screenStream = this.#$screenStream;
    this.cameras = computed(this.#$devices, ofKind('videoinput'));
    this.microphones = computed(this.#$devices, ofKind('audioinput'));
    this.speakers = computed(this.#$devices, ofKind('audiooutput'));
    this.currentCamera = this.#$currentCamera;
    this.currentMicrophone = this.#$currentMicrophone;
    this.currentSpeaker = this.#$currentSpeaker;
    this.isFrontCamera = this.#$isFront;
    this.captureVolume = this.#$volume;
    this.lastError = this.#$errors;
    this.cameraLocked = computed(this.#$seat, (context) => context !== null && !context.seat.allowOpenCamera);
    this.microphoneLocked = computed(
      this.#$seat,
      (context) => context !== null && !context.seat.allowOpenMicrophone,
    );
    onMount(this.#$devices, () => {
      this.#listsMounted = true;
      const devices = this.#mediaDevices;
      const refresh = (): void => {
        void this.refreshDevices();
      };
      refresh();
      devices?.addEventListener?.('devicechange', refresh);
      return () => {
        this.#listsMounted = false;
        devices?.removeEventListener?.('devicechange', refresh);
      };
    });
    this.#watchRoom();
  }

  /** Whether this browser can capture `device`, or choose the speaker (`'speaker'`: `setSinkId`). */
  supports(device: CaptureDevice | 'speaker'): boolean {
    if (device === 'speaker') {
      return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
    }
    const devices = this.#mediaDevices;
    if (devices === null) return false;
    return device === 'screen'
      ? typeof devices.getDisplayMedia === 'function'
      : typeof devices.getUserMedia === 'function';
  }

  // ── camera ──────────────────────────────────────────────────────────────────────────────────

  /** Opens the camera (see `OpenCameraOptions`); resolves once it captures and the room knows. */
  openLocalCamera(options: OpenCameraOptions = {}): Promise<Result> {
    return this.#run('camera', (runtime) => runtime.openLocalCamera(options));
  }

  /** Closes the camera (its track ends) and publishes it off while seated. */
  closeLocalCamera(): Promise<Result> {
    return this.#run('camera', (runtime) => runtime.closeLocalCamera());
  }

  /**
   * Switches to the camera facing the user (`isFront`) or the world, replacing the video track in
   * the same `localStream`. The camera is found by its `facingMode`, its label, or else by position
   * (front = the first camera, back = the second), so two desktop cameras switch too; with a single
   * camera the browser is asked by `facingMode`. While the camera is off it only sets the side the
   * next `openLocalCamera()` uses.
   */
  switchCamera(isFront: boolean): Promise<Result> {
    return this.#run('camera', (runtime) => runtime.switchCamera(isFront));
  }

  /** Chooses the camera by `deviceId` (from `cameras`); an open camera moves to it at once. */
  selectCamera(deviceId: string): Promise<Result> {
    return this.#run('camera', (runtime) => runtime.selectCamera(deviceId));
  }

  // ── microphone ──────────────────────────────────────────────────────────────────────────────

  /** Opens the microphone; resolves once it captures and the room knows. */
  openLocalMicrophone(): Promise<Result> {
    return this.#run('microphone', (runtime) => runtime.openLocalMicrophone());
  }

  /** Closes the microphone (its tracks end) and publishes it off while seated. */
  closeLocalMicrophone(): Promise<Result> {
    return this.#run('microphone', (runtime) => runtime.closeLocalMicrophone());
  }

  /**
   * Sets the microphone's capture volume, 0 (silent) to 100 (as captured), through a Web Audio
   * gain node; kept for the next opening while the microphone is off. `INVALID_ARGUMENT` outside
   * 0..100; `NOT_SUPPORTED` when the page may not run Web Audio yet (call it from a user gesture).
   */
  setCaptureVolume(volume: number): Promise<Result> {
    return this.#run('microphone', (runtime) => runtime.setCaptureVolume(volume));
  }

  /** Chooses the microphone by `deviceId` (from `microphones`); an open one moves to it at once. */
  selectMicrophone(deviceId: string): Promise<Result> {
    return this.#run('microphone', (runtime) => runtime.selectMicrophone(deviceId));
  }

  // ── screen ──────────────────────────────────────────────────────────────────────────────────

  /** Shares the screen (`getDisplayMedia`; the browser asks the user what to share). */
  startScreenShare(): Promise<Result> {
    return this.#run('screen', (runtime) => runtime.startScreenShare());
  }

  /** Stops sharing the screen; the seat's video goes back to the camera, or off. */
  stopScreenShare(): Promise<Result> {
    return this.#run('screen', (runtime) => runtime.stopScreenShare());
  }

  /**
   * Closes every device (publishing them off while seated), forgets the chosen devices and the
   * errors, and puts the capture volume back to 100 (Tencent `reset`).
   */
  reset(): Promise<Result> {
    return this.#run('camera', (runtime) => runtime.reset());
  }

  // ── speaker and lists ───────────────────────────────────────────────────────────────────────

  /**
   * Chooses the speaker by `deviceId` (from `speakers`; `''` for the default). Only stored: the
   * media layer applies it to the elements that play remote audio (`setSinkId`). `NOT_SUPPORTED`
   * where the browser cannot choose (no `setSinkId`).
   */
  async selectSpeaker(deviceId: string): Promise<Result> {
    if (!this.supports('speaker')) {
      return fail(ErrorCode.NOT_SUPPORTED, 'this browser cannot choose the speaker (no setSinkId)');
    }
    if (deviceId !== '') {
      const listed = await this.refreshDevices();
      if (!listed.isSuccess) return listed;
      if (!listed.data.some((device) => device.kind === 'audiooutput' && device.deviceId === deviceId))
        return fail(ErrorCode.INVALID_ARGUMENT, `no speaker has the id "${deviceId}"`);
    }
    this.#$currentSpeaker.set(deviceId === '' ? null : deviceId);
    return ok();
  }

  /** Reads the device lists again now (they refresh by themselves while subscribed). */
  async refreshDevices(): Promise<Result<readonly MediaDeviceInfo[]>> {
    const devices = this.#mediaDevices;
    if (devices === null || typeof devices.enumerateDevices !== 'function') {
      return fail(ErrorCode.NOT_SUPPORTED, 'this browser cannot list media devices');
    }
    const ticket = ++this.#refreshes;
    try {
      const list = await devices.enumerateDevices();
      if (ticket === this.#refreshes && !sameDevices(list, this.#$devices.get())) this.#$devices.set(list);
      return ok(list);
    } catch (error) {
      return fail(ErrorCode.NOT_SUPPORTED, `enumerateDevices failed: ${String(error)}`);
    }
  }

  // ── private: the capture code ───────────────────────────────────────────────────────────────

  /** Runs `action` on the runtime, loading it first; a failed load fails the action. */
  #run(device: CaptureDevice, action: (runtime: DeviceRuntime) => Promise<Result>): Promise<Result> {
    if (this.#runtime !== null) return action(this.#runtime);
    return loadRuntime().then(
      (module) => action((this.#runtime ??= new module.DeviceStoreRuntime(this.#host()))),
      (error: unknown) => fail(START_FAILED[device], `the device code did not load: ${String(error)}`),
    );
  }

  #host(): DeviceHost {
    return {
      session: this.#session,
      mediaDevices: this.#mediaDevices,
      atoms: {
        cameraStatus: this.#$cameraStatus,
        microphoneStatus: this.#$microphoneStatus,
        screenStatus: this.#$screenStatus,
        localStream: this.#$localStream,
        screenStream: this.#$screenStream,
        currentCamera: this.#$currentCamera,
        currentMicrophone: this.#$currentMicrophone,
        currentSpeaker: this.#$currentSpeaker,
        isFront: this.#$isFront,
        volume: this.#$volume,
        errors: this.#$errors,
      },
      seat: this.#$seat,
      refreshDevices: () => this.refreshDevices(),
      refreshLists: () => {
        if (this.#listsMounted) void this.refreshDevices();
      },
    };
  }

  // ── private: the room ───────────────────────────────────────────────────────────────────────

  /** Follows the user's seat in the session's current live, and the hosts' actions on the devices. */
  #watchRoom(): void {
    const session = this.#session;
    let liveId: string | null = null;
    let detach: (() => void) | null = null;
    const update = (): void => {
      this.#onSeat(this.#seatIn(liveId));
    };
    session.liveListStore.currentLive.subscribe((live) => {
      const next = live?.liveId ?? null;
      if (next !== liveId) {
        detach?.();
        detach = null;
        liveId = next;
        if (next !== null) {
          const seats = session.liveSeatStore(next);
          const stop = (device: CaptureDevice) => () => {
            this.#forceStop([device]);
          };
          const stopVideo = (): void => {
            // The seat's video is the camera or the shared screen: a host closing it stops both.
            this.#forceStop(['camera', 'screen']);
          };
          const listener: LiveSeatListener = {
            onLocalCameraClosedByAdmin: stopVideo,
            onLocalCameraForbiddenByAdmin: stopVideo,
            onLocalMicrophoneClosedByAdmin: stop('microphone'),
            onLocalMicrophoneForbiddenByAdmin: stop('microphone'),
          };
          const unlisten = seats.seatList.listen(update);
          seats.addLiveSeatEventListener(listener);
          detach = () => {
            unlisten();
            seats.removeLiveSeatEventListener(listener);
          };
        }
      }
      update();
    });
    session.loginStore.loginUserInfo.listen((user) => {
      if (user === null) this.#forceStop(ALL_DEVICES);
      update();
    });
  }

  #seatIn(liveId: string | null): SeatContext | null {
    const userId = this.#session.loginStore.loginUserInfo.get()?.userId;
    if (liveId === null || userId === undefined) return null;
    const seats = this.#session.liveSeatStore(liveId).seatList.get();
    const seat = seats.find((item) => item.userInfo?.userId === userId)?.userInfo ?? null;
    return seat === null ? null : { liveId, seat };
  }

  #onSeat(next: SeatContext | null): void {
    const previous = this.#$seat.get();
    this.#$seat.set(next);
    this.#runtime?.onSeat(previous, next);
  }

  /** A host or the room stopped devices (nothing is open while the runtime is not loaded). */
  #forceStop(devices: readonly CaptureDevice[]): void {
    this.#runtime?.forceStop(devices);
  }
}
