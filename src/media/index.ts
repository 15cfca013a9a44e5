/**
 * The media layer (browser): local devices (`DeviceStore`) and the media of a live (`LiveMedia`,
 * `mediaFor`); see `docs/media.md`. Each public class loads its code on first use, from a module of
 * its own: `DeviceStore` its capture code (`./device-store-runtime.ts`) on the first device action,
 * `LiveMedia` its runtime (`./live-media-runtime.ts`) on the first subscriber or action, and the
 * runtime simple-peer (`./peer.ts`) with the first connection (docs/decisions/0024 and 0030).
 */
export {
  DeviceStore,
  type DeviceErrors,
  type DeviceStoreOptions,
  type OpenCameraOptions,
} from './device-store.js';
export {
  cameraFacing,
  captureFailure,
  notSupported,
  type CaptureDevice,
  type DeviceError,
  type MediaDevicesLike,
} from './devices.js';
export { LiveMedia, mediaFor, type LiveMediaView, type ViewerStatus } from './live-media.js';
export { CONNECT_TIMEOUT_MS, MAX_WATCH_ATTEMPTS } from './mesh-transport.js';
export {
  SPEAKING_HOLD_MS,
  SPEAKING_OFF_LEVEL,
  SPEAKING_ON_LEVEL,
  SPEAKING_POLL_MS,
  SpeakingMeter,
} from './speaking.js';
export { LEVEL_FLOOR_DB, LEVEL_POLL_MS, LevelMeter, levelOf } from './level-meter.js';
