/**
 * The media layer (browser): local devices (`DeviceStore`) and the peer connections of a live
 * (`LiveMedia`, `mediaFor`); see `docs/media.md`. simple-peer is not in this graph: `LiveMedia`
 * loads it lazily. `DeviceStore` loads its capture code (`./device-engine.ts`) on the first device
 * action; the root module exports a stand-in `LiveMedia` (`./lazy-live-media.ts`) that loads this
 * one on first use (docs/decisions/0024).
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
export {
  CONNECT_TIMEOUT_MS,
  LiveMedia,
  MAX_WATCH_ATTEMPTS,
  mediaFor,
  type LiveMediaView,
  type ViewerStatus,
} from './live-media.js';
export {
  SPEAKING_HOLD_MS,
  SPEAKING_OFF_LEVEL,
  SPEAKING_ON_LEVEL,
  SPEAKING_POLL_MS,
  SpeakingMeter,
} from './speaking.js';
