/**
 * What the two halves of `DeviceStore` share (docs/decisions/0030): the store
 * (src/media/device-store.ts, loaded at once) and its capture code, `DeviceStoreRuntime`
 * (src/media/device-store-runtime.ts, loaded on the first device action). Each half imports this
 * module and never the other (the store loads the runtime with a dynamic `import()`), so the
 * contract between them is written down here: what the store hands over (`DeviceHost`), what it
 * calls (`DeviceRuntime`), and the types and constants both use.
 */
import type { ReadableAtom, WritableAtom } from 'nanostores';
import type { Session } from '../core/session.js';
import { ErrorCode } from '../protocol/errors.js';
import type { Result } from '../protocol/result.js';
import type { DeviceStatus, SeatUserInfo } from '../protocol/types.js';
import type { CaptureDevice, DeviceError, MediaDevicesLike } from './devices.js';

/** Options of `openLocalCamera`. */
export interface OpenCameraOptions {
  /**
   * `true` for the camera facing the user, `false` for the one facing the world (see
   * `switchCamera`). Default: the camera chosen with `selectCamera`, else the browser's default.
   */
  readonly isFront?: boolean;
}

/** The last failure of each device; `null` while the last attempt succeeded (or none was made). */
export interface DeviceErrors {
  readonly camera: DeviceError | null;
  readonly microphone: DeviceError | null;
  readonly screen: DeviceError | null;
}

/** The user's seat in the live the session is in. */
export interface SeatContext {
  readonly liveId: string;
  readonly seat: SeatUserInfo;
}

/** What a `DeviceStore` hands its runtime: not public API. */
export interface DeviceHost {
  readonly session: Session;
  readonly mediaDevices: MediaDevicesLike | null;
  readonly atoms: {
    readonly cameraStatus: WritableAtom<DeviceStatus>;
    readonly microphoneStatus: WritableAtom<DeviceStatus>;
    readonly screenStatus: WritableAtom<DeviceStatus>;
    readonly localStream: WritableAtom<MediaStream | null>;
    readonly screenStream: WritableAtom<MediaStream | null>;
    readonly currentCamera: WritableAtom<string | null>;
    readonly currentMicrophone: WritableAtom<string | null>;
    readonly currentSpeaker: WritableAtom<string | null>;
    readonly isFront: WritableAtom<boolean>;
    readonly volume: WritableAtom<number>;
    readonly errors: WritableAtom<DeviceErrors>;
  };
  /** The user's seat, kept by the store. */
  readonly seat: ReadableAtom<SeatContext | null>;
  /** `DeviceStore.refreshDevices`. */
  refreshDevices(): Promise<Result<readonly MediaDeviceInfo[]>>;
  /** Refreshes the device lists if anyone listens to them (labels may appear after an opening). */
  refreshLists(): void;
}

/**
 * The capture side as the store calls it: the device actions (documented on `DeviceStore`), which
 * the store forwards once the runtime is loaded, and the room's rules, which the store reports.
 */
export interface DeviceRuntime {
  openLocalCamera(options: OpenCameraOptions): Promise<Result>;
  closeLocalCamera(): Promise<Result>;
  switchCamera(isFront: boolean): Promise<Result>;
  selectCamera(deviceId: string): Promise<Result>;
  openLocalMicrophone(): Promise<Result>;
  closeLocalMicrophone(): Promise<Result>;
  setCaptureVolume(volume: number): Promise<Result>;
  selectMicrophone(deviceId: string): Promise<Result>;
  startScreenShare(): Promise<Result>;
  stopScreenShare(): Promise<Result>;
  reset(): Promise<Result>;
  /** The user's seat changed from `previous` to `next` (the store has set `next` already). */
  onSeat(previous: SeatContext | null, next: SeatContext | null): void;
  /** A host or the room stopped devices: their tracks end now, without asking the room again. */
  forceStop(devices: readonly CaptureDevice[]): void;
}

/** The module the store loads on the first device action (src/media/device-store-runtime.ts). */
export interface DeviceRuntimeModule {
  readonly DeviceStoreRuntime: new (host: DeviceHost) => DeviceRuntime;
}

export const ALL_DEVICES: readonly CaptureDevice[] = ['camera', 'microphone', 'screen'];
export const NO_ERRORS: DeviceErrors = { camera: null, microphone: null, screen: null };
export const START_FAILED = {
  camera: ErrorCode.CAMERA_START_FAILED,
  microphone: ErrorCode.MICROPHONE_START_FAILED,
  screen: ErrorCode.SCREEN_SHARE_FAILED,
} as const;

/** The devices of `kind` among `devices` (the store's lists; the runtime's cameras). */
export function ofKind(kind: MediaDeviceKind) {
  return (devices: readonly MediaDeviceInfo[]): readonly MediaDeviceInfo[] =>
    devices.filter((device) => device.kind === kind);
}
