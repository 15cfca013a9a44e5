/**
 * The media layer (browser): local devices today (`DeviceStore`); peers and remote streams follow
 * (`docs/media.md`).
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
