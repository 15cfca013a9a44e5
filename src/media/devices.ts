/**
 * Pure helpers of the device layer: what a capture failure means (a typed `Result` from a
 * `DOMException`), and which camera answers "front" or "back". No state, no capture.
 */
import { ErrorCode } from '../protocol/errors.js';
import { fail, type Failure } from '../protocol/result.js';

/** What the device layer captures: the camera, the microphone or the screen. */
export type CaptureDevice = 'camera' | 'microphone' | 'screen';

/** The last failure of one device (`DeviceStore.lastError`). */
export interface DeviceError {
  /** The kit's code: `CAMERA_NOT_AUTHORIZED`, `MICROPHONE_OCCUPIED`, `CAMERA_LOCKED`... */
  readonly code: ErrorCode;
  /** A readable message in English (for logs; elements show a localized text). */
  readonly message: string;
}

/**
 * The part of `MediaDevices` the device layer uses. `navigator.mediaDevices` is one; a test or a
 * wrapper may pass its own to `DeviceStore.for(session, { mediaDevices })`. The event methods are
 * optional: without them the device lists are not refreshed on `devicechange`.
 */
export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
  getDisplayMedia?(options?: DisplayMediaStreamOptions): Promise<MediaStream>;
  addEventListener?(type: 'devicechange', listener: () => void): void;
  removeEventListener?(type: 'devicechange', listener: () => void): void;
}

/** The codes of each device's failures, after Tencent's `cameraStartFail`… `microphoneDeviceEmpty`. */
const CODES = {
  camera: {
    failed: ErrorCode.CAMERA_START_FAILED,
    denied: ErrorCode.CAMERA_NOT_AUTHORIZED,
    occupied: ErrorCode.CAMERA_OCCUPIED,
    missing: ErrorCode.CAMERA_NOT_FOUND,
  },
  microphone: {
    failed: ErrorCode.MICROPHONE_START_FAILED,
    denied: ErrorCode.MICROPHONE_NOT_AUTHORIZED,
    occupied: ErrorCode.MICROPHONE_OCCUPIED,
    missing: ErrorCode.MICROPHONE_NOT_FOUND,
  },
} as const;

const WHY = {
  denied: 'access was refused (by the user, the browser or the page’s permissions policy)',
  missing: 'no matching device was found',
  occupied: 'the device is in use or could not be read (another application may hold it)',
  failed: 'it could not start',
} as const;

/** The `name` of a thrown `DOMException` (or `Error`), `''` for anything else. */
function nameOf(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : '';
}

function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
  }
  return String(error);
}

/**
 * The `Result` of a failed `getUserMedia` / `getDisplayMedia`:
 *
 * | thrown                                | camera / microphone      |
 * | ------------------------------------- | ------------------------ |
 * | `NotAllowedError`, `SecurityError`    | `…_NOT_AUTHORIZED`       |
 * | `NotFoundError`, `OverconstrainedError` | `…_NOT_FOUND`          |
 * | `NotReadableError`, `AbortError`      | `…_OCCUPIED`             |
 * | anything else                         | `…_START_FAILED`         |
 *
 * Every failure of the screen is `SCREEN_SHARE_FAILED` (its message keeps the browser's reason).
 */
export function captureFailure(device: CaptureDevice, error: unknown): Failure {
  const name = nameOf(error);
  const detail = `${name === '' ? 'Error' : name}: ${messageOf(error)}`;
  if (device === 'screen') {
    return fail(ErrorCode.SCREEN_SHARE_FAILED, `screen sharing could not start (${detail})`);
  }
  let kind: keyof typeof WHY;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      kind = 'denied';
      break;
    case 'NotFoundError':
    case 'OverconstrainedError':
      kind = 'missing';
      break;
    case 'NotReadableError':
    case 'AbortError':
      kind = 'occupied';
      break;
    default:
      kind = 'failed';
  }
  return fail(CODES[device][kind], `the ${device}: ${WHY[kind]} (${detail})`);
}

/** The `Result` of an action the browser cannot do (no `mediaDevices`, no `getDisplayMedia`). */
export function notSupported(device: CaptureDevice): Failure {
  const what = device === 'screen' ? 'share the screen (no getDisplayMedia)' : `capture the ${device}`;
  return fail(ErrorCode.NOT_SUPPORTED, `this browser cannot ${what}: navigator.mediaDevices is missing`);
}

/** Labels that name a camera's side, for cameras that do not report `facingMode`. */
const BACK_LABEL = /\b(back|rear|environment|world)\b/i;
const FRONT_LABEL = /\b(front|user|face(time)?|selfie)\b/i;

/** The `facingMode`s a camera reports (`InputDeviceInfo.getCapabilities()`), `[]` when unknown. */
function facingOf(device: MediaDeviceInfo): readonly string[] {
  const capabilities = (device as Partial<InputDeviceInfo>).getCapabilities?.();
  return capabilities?.facingMode ?? [];
}

/**
 * The camera that faces the user (`isFront`) or the world, among `cameras` (video inputs in the
 * browser's order): the one whose `facingMode` says so, else the one whose label says so, else by
 * position (front = the first camera, back = the second), so that two desktop cameras can be
 * switched too. `null` when there is at most one camera (then ask the browser by `facingMode`).
 */
export function cameraFacing(cameras: readonly MediaDeviceInfo[], isFront: boolean): string | null {
  const usable = cameras.filter((camera) => camera.deviceId !== '');
  if (usable.length < 2) return null;
  const mode = isFront ? 'user' : 'environment';
  const byFacing = usable.find((camera) => facingOf(camera).includes(mode));
  if (byFacing) return byFacing.deviceId;
  const byLabel = usable.find((camera) => (isFront ? FRONT_LABEL : BACK_LABEL).test(camera.label));
  if (byLabel) return byLabel.deviceId;
  return (isFront ? usable[0] : usable[1])?.deviceId ?? null;
}
