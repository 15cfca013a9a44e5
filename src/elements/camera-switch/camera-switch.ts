import { html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { LiveController } from '../../controllers/live-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import type { Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { errorMessage, type PlainMessage } from '../../i18n/messages.js';
import { DeviceStore } from '../../media/device-store.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import { perform } from '../shared/events.js';
import styles from './camera-switch.styles.js';
import { cameraSwitchIcon as switchIcon } from '../../utils/icons.js';
import { CameraSwitchEvent } from './events.js';

export * from './events.js';

/**
 * Switches between the front and the back camera (Tencent `DeviceStore.switchCamera`). The video
 * track is replaced in the same local stream, so the user's tile and their viewers follow. While
 * the camera is off, it chooses the camera the next opening uses. Its state comes from the
 * session's `DeviceStore` (`isFrontCamera`, `cameras`).
 *
 * The element is hidden (`:state(hidden)`) while there is at most one camera. Browsers list every
 * camera only once the user granted camera access: before that it stays hidden. With two cameras
 * that do not say which way they face (desktops), the first is "front" and the second "back".
 *
 * Finds its session like every element of the kit: `session`, an enclosing `<live-core-view>`, or
 * the default session.
 *
 * @summary Switches between the front and the back camera.
 *
 * @csspart button - The `<button>`.
 * @csspart icon - The switch icon.
 * @csspart label - The button's text: the camera it switches to.
 * @csspart status - The polite live region with the last failure.
 *
 * @cssproperty [--camera-switch-background=var(--cg-color-surface)] - Fill of the button.
 * @cssproperty [--camera-switch-color=var(--cg-color-text)] - Text and icon of the button.
 * @cssproperty [--camera-switch-radius=var(--cg-radius-full)] - Corner radius of the button.
 *
 * @cssstate front - The front camera is chosen (the button switches to the back one).
 * @cssstate back - The back camera is chosen.
 * @cssstate busy - A switch is in flight.
 * @cssstate error - The last switch failed (the status says why).
 * @cssstate hidden - There is at most one camera: the element is not shown.
 *
 * @fires {CameraSwitchEvent} camera-switch - Before switching. Cancelable: `preventDefault()` and
 *   nothing happens. Carries `isFront` (the camera asked for).
 * @fires {ActionErrorEvent} action-error - `switchCamera` failed.
 */
export class CameraSwitch extends LitElement {
  static override styles = [tokens, base, styles];

  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  /** An explicit session; `null` (default) takes it from `<live-core-view>` or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live; `null` (default) takes it from `<live-core-view>`. It only picks the session. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #live = new LiveController(this);
  #cameras = this.#live.bindSession((session) => DeviceStore.for(session).cameras);
  #isFront = this.#live.bindSession((session) => DeviceStore.for(session).isFrontCamera);
  #busy = false;
  /** The last failure, announced in the status part; cleared by the next switch. */
  #message: PlainMessage | null = null;

  constructor() {
    super();
    new ThemeController(this);
  }

  protected override willUpdate(): void {
    const isFront = this.#isFront.value;
    setStates(this.#internals, {
      front: isFront,
      back: !isFront,
      busy: this.#busy,
      error: this.#message !== null,
      hidden: this.#cameras.value.length <= 1,
    });
  }

  protected override render() {
    const isFront = this.#isFront.value;
    return html`
      <div class="base" lang=${this.#i18n.lang}>
        <button
          class="button"
          part="button"
          type="button"
          aria-disabled=${this.#busy ? 'true' : 'false'}
          aria-describedby=${this.#message === null ? nothing : 'status'}
          @click=${this.#onClick}
        >
          <span class="icon" part="icon" aria-hidden="true">${switchIcon}</span>
          <span class="label" part="label"
            >${this.#i18n.t(isFront ? 'device.switchToBack' : 'device.switchToFront')}</span
          >
        </button>
        <p id="status" class="status" part="status" role="status" aria-live="polite">
          ${this.#message === null ? nothing : this.#i18n.t(this.#message)}
        </p>
      </div>
    `;
  }

  #onClick(): void {
    if (this.#busy) return;
    const isFront = !this.#isFront.value;
    if (!this.dispatchEvent(new CameraSwitchEvent(isFront))) return;
    const store = DeviceStore.for(this.#live.session);
    void this.#switch(store, isFront);
  }

  async #switch(store: DeviceStore, isFront: boolean): Promise<void> {
    this.#busy = true;
    this.#message = null;
    this.requestUpdate();
    try {
      const result = await perform(this, 'switchCamera', () => store.switchCamera(isFront));
      if (!result.isSuccess) this.#message = errorMessage(result.errorCode, 'camera');
    } finally {
      this.#busy = false;
      this.requestUpdate();
    }
  }
}

customElements.define('camera-switch', CameraSwitch);

declare global {
  interface HTMLElementTagNameMap {
    'camera-switch': CameraSwitch;
  }
}
