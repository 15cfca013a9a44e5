import { html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { LiveController } from '../../controllers/live-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import type { Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { errorMessage, type PlainMessage } from '../../i18n/messages.js';
import { DeviceStore } from '../../media/device-store.js';
import type { CaptureDevice } from '../../media/devices.js';
import type { Result } from '../../protocol/result.js';
import type { DeviceStatus } from '../../protocol/types.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import { lockIcon, microphoneIcon, microphoneOffIcon } from '../../utils/icons.js';
import { perform } from '../shared/events.js';
import { cameraIcon, cameraOffIcon, screenIcon, screenOffIcon } from '../../utils/icons.js';
import styles from './device-toggle.styles.js';
import { DeviceToggleEvent } from './events.js';

export * from './events.js';

/** The texts of one device. */
interface DeviceTexts {
  /** The label while the device is off (the action turns it on). */
  readonly turnOn: PlainMessage;
  /** The label while the device is on. */
  readonly turnOff: PlainMessage;
  /** Why the toggle is disabled: the host forbids the device on the user's seat. */
  readonly locked: PlainMessage;
  /** Why the toggle is disabled: the browser cannot capture the device here. */
  readonly unsupported: PlainMessage;
}

const TEXTS: Record<CaptureDevice, DeviceTexts> = {
  camera: {
    turnOn: 'device.cameraOn',
    turnOff: 'device.cameraOff',
    locked: 'device.cameraLocked',
    unsupported: 'device.cameraUnsupported',
  },
  microphone: {
    turnOn: 'device.microphoneOn',
    turnOff: 'device.microphoneOff',
    locked: 'device.microphoneLocked',
    unsupported: 'device.microphoneUnsupported',
  },
  screen: {
    turnOn: 'device.screenOn',
    turnOff: 'device.screenOff',
    locked: 'device.screenFailed',
    unsupported: 'device.screenUnsupported',
  },
};

const DEVICES: readonly CaptureDevice[] = ['camera', 'microphone', 'screen'];

/** The store actions that turn each device on and off (their names are reported by `action-error`). */
const ACTIONS = {
  camera: { on: 'openLocalCamera', off: 'closeLocalCamera' },
  microphone: { on: 'openLocalMicrophone', off: 'closeLocalMicrophone' },
  screen: { on: 'startScreenShare', off: 'stopScreenShare' },
} as const;

/** What one render shows, derived from the stores and the properties. */
interface View {
  readonly device: CaptureDevice;
  readonly on: boolean;
  readonly locked: boolean;
  readonly unsupported: boolean;
  /** The button cannot act now (locked or unsupported while off). */
  readonly disabled: boolean;
  /** The text of the status part: why it is disabled, or the last error; `null` for none. */
  readonly message: PlainMessage | null;
  readonly error: boolean;
}

/**
 * One button that turns a local device on and off: the camera, the microphone or the screen share
 * (Tencent `DeviceStore`: `openLocalCamera` / `closeLocalCamera`, `openLocalMicrophone` /
 * `closeLocalMicrophone`, `startScreenShare` / `stopScreenShare`). Its state comes from the
 * session's `DeviceStore` (`cameraStatus`, `microphoneStatus`, `screenStatus`, `lastError`,
 * `cameraLocked`, `microphoneLocked`), so it follows the device whoever turns it on or off: the
 * user, the page's code, a host closing it, or the user leaving the seat.
 *
 * It is an action button whose label states what pressing it does ("Turn camera off", "Mute",
 * "Stop sharing"); the device's state is in its custom states (`on`, `off`). It has no
 * `aria-pressed`: a pressed state with a label that changes would read "Mute, pressed" for a
 * microphone that is on (ADR 11). While the host forbids the device on the
 * user's seat, or the browser cannot capture it, the button is disabled (`aria-disabled`, it keeps
 * focus) and the reason is its description and is announced. The last failure of the device
 * (access denied, no device, in use...) is announced in a polite status next to the button. While
 * its action is in flight it is busy and ignores presses.
 *
 * The device rules follow the session's current live (`liveListStore.currentLive`), where the user
 * may sit; `live-id` and an enclosing `<live-core-view>` only pick the session, like every element
 * of the kit (`session`, `<live-core-view>`, or the default session).
 *
 * @summary Turns the camera, the microphone or the screen share on and off.
 *
 * @csspart button - The toggle `<button>`.
 * @csspart icon - The device icon (a lock while the host forbids the device).
 * @csspart label - The button's text: its action.
 * @csspart status - The polite live region with the reason it is disabled or the last error.
 *
 * @cssproperty [--device-toggle-background=var(--cg-color-surface)] - Fill of the button while the
 *   device is off.
 * @cssproperty [--device-toggle-color=var(--cg-color-text)] - Text and icon while off.
 * @cssproperty [--device-toggle-on-background=var(--cg-color-accent)] - Fill while the device is on.
 * @cssproperty [--device-toggle-on-color=var(--cg-color-on-accent)] - Text and icon while on.
 * @cssproperty [--device-toggle-radius=var(--cg-radius-full)] - Corner radius of the button.
 *
 * @cssstate on - The device is on (capturing, or sharing).
 * @cssstate off - The device is off.
 * @cssstate locked - The host forbids the device on the user's seat.
 * @cssstate unsupported - This browser cannot capture the device here.
 * @cssstate busy - The toggle's action is in flight.
 * @cssstate error - The last attempt with the device failed (the status says why).
 *
 * @fires {DeviceToggleEvent} device-toggle - Before acting. Cancelable: `preventDefault()` and
 *   nothing happens. Carries `device` and `on` (the state asked for).
 * @fires {ActionErrorEvent} action-error - A store action failed (`openLocalCamera`,
 *   `closeLocalCamera`, `openLocalMicrophone`, `closeLocalMicrophone`, `startScreenShare`,
 *   `stopScreenShare`).
 */
export class DeviceToggle extends LitElement {
  static override styles = [tokens, base, styles];

  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  /** An explicit session; `null` (default) takes it from `<live-core-view>` or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live; `null` (default) takes it from `<live-core-view>`. Devices follow the session's current live. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  /** The device: `camera` (default), `microphone` or `screen`. Any other value acts as `camera`. */
  @property() device: CaptureDevice = 'camera';

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #live = new LiveController(this);
  #status: Record<CaptureDevice, { readonly value: DeviceStatus }> = {
    camera: this.#live.bindSession((session) => DeviceStore.for(session).cameraStatus),
    microphone: this.#live.bindSession((session) => DeviceStore.for(session).microphoneStatus),
    screen: this.#live.bindSession((session) => DeviceStore.for(session).screenStatus),
  };
  #cameraLocked = this.#live.bindSession((session) => DeviceStore.for(session).cameraLocked);
  #microphoneLocked = this.#live.bindSession((session) => DeviceStore.for(session).microphoneLocked);
  #errors = this.#live.bindSession((session) => DeviceStore.for(session).lastError);
  #busy = false;
  #view: View = {
    device: 'camera',
    on: false,
    locked: false,
    unsupported: false,
    disabled: false,
    message: null,
    error: false,
  };

  constructor() {
    super();
    new ThemeController(this);
  }

  protected override willUpdate(): void {
    const device = DEVICES.includes(this.device) ? this.device : 'camera';
    const store = DeviceStore.for(this.#live.session);
    const on = this.#status[device].value === 'on';
    const locked =
      (device === 'camera' && this.#cameraLocked.value) ||
      (device === 'microphone' && this.#microphoneLocked.value);
    const unsupported = !store.supports(device);
    const failure = this.#errors.value[device];
    const texts = TEXTS[device];
    let message: PlainMessage | null = null;
    if (unsupported) message = texts.unsupported;
    else if (locked) message = texts.locked;
    else if (failure !== null && !this.#busy) message = errorMessage(failure.code, device);
    const error = failure !== null && !unsupported && !locked;
    this.#view = {
      device,
      on,
      locked,
      unsupported,
      disabled: (locked || unsupported) && !on,
      message,
      error,
    };
    setStates(this.#internals, {
      on,
      off: !on,
      locked,
      unsupported,
      busy: this.#busy,
      error,
    });
  }

  protected override render() {
    const { on, locked, disabled, message } = this.#view;
    const texts = TEXTS[this.#view.device];
    const inert = disabled || this.#busy;
    return html`
      <div class="base" lang=${this.#i18n.lang}>
        <button
          class="button"
          part="button"
          type="button"
          aria-disabled=${inert ? 'true' : 'false'}
          aria-describedby=${message === null ? nothing : 'status'}
          @click=${this.#onClick}
        >
          <span class="icon" part="icon" aria-hidden="true">${locked && !on ? lockIcon : this.#icon()}</span>
          <span class="label" part="label">${this.#i18n.t(on ? texts.turnOff : texts.turnOn)}</span>
        </button>
        <p id="status" class="status" part="status" role="status" aria-live="polite">
          ${message === null ? nothing : this.#i18n.t(message)}
        </p>
      </div>
    `;
  }

  #onClick(): void {
    const { device, on, disabled } = this.#view;
    if (this.#busy || disabled) return;
    if (!this.dispatchEvent(new DeviceToggleEvent(device, !on))) return;
    const store = DeviceStore.for(this.#live.session);
    const action = ACTIONS[device][on ? 'off' : 'on'];
    void this.#run(action, () => store[action]());
  }

  /** Runs a store action while busy. */
  async #run(action: string, run: () => Promise<Result>): Promise<void> {
    this.#busy = true;
    this.requestUpdate();
    try {
      await perform(this, action, run);
    } finally {
      this.#busy = false;
      this.requestUpdate();
    }
  }

  #icon() {
    const { device, on } = this.#view;
    if (device === 'microphone') return on ? microphoneIcon : microphoneOffIcon;
    if (device === 'screen') return on ? screenOffIcon : screenIcon;
    return on ? cameraIcon : cameraOffIcon;
  }
}

customElements.define('device-toggle', DeviceToggle);

declare global {
  interface HTMLElementTagNameMap {
    'device-toggle': DeviceToggle;
  }
}
