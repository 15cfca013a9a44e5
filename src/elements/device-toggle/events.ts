import type { CaptureDevice } from '../../media/devices.js';

/** The user asks to turn a device on or off. Cancelable: `preventDefault()` and nothing happens. */
export class DeviceToggleEvent extends Event {
  static readonly type = 'device-toggle';

  /** The device: `camera`, `microphone` or `screen`. */
  readonly device: CaptureDevice;
  /** What the user asks for: `true` to turn the device on (open, unmute, share), `false` to turn it off. */
  readonly on: boolean;

  constructor(device: CaptureDevice, on: boolean) {
    super(DeviceToggleEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.device = device;
    this.on = on;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'device-toggle': DeviceToggleEvent;
  }
}
