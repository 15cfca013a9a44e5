import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { styleMap } from 'lit/directives/style-map.js';
import { LiveController } from '../../controllers/live-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import type { Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { errorMessage, type PlainMessage } from '../../i18n/messages.js';
import { DeviceStore } from '../../media/device-store.js';
import type { DeviceError } from '../../media/devices.js';
import { LevelMeter } from '../../media/level-meter.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { Result } from '../../protocol/result.js';
import type { Device } from '../../protocol/types.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import { cameraIcon, cameraOffIcon, microphoneIcon, microphoneOffIcon } from '../../utils/icons.js';
import { perform } from '../shared/events.js';
import styles from './pre-join-check.styles.js';
import { PreJoinCancelEvent, PreJoinConfirmEvent, type PreJoinChoice } from './events.js';

export * from './events.js';

/** The level (0..100) above which the meter counts as hearing a sound (`:state(sound)`). */
const SOUND_LEVEL = 15;

const DENIED: ReadonlySet<number> = new Set([
  ErrorCode.CAMERA_NOT_AUTHORIZED,
  ErrorCode.MICROPHONE_NOT_AUTHORIZED,
]);
const MISSING: ReadonlySet<number> = new Set([ErrorCode.CAMERA_NOT_FOUND, ErrorCode.MICROPHONE_NOT_FOUND]);

/** The store actions of each device (their names are reported by `action-error`). */
const ACTIONS = {
  camera: { on: 'openLocalCamera', off: 'closeLocalCamera' },
  microphone: { on: 'openLocalMicrophone', off: 'closeLocalMicrophone' },
} as const;

/** The phase of the check (one custom state each). */
type Phase = 'starting' | 'ready' | 'denied' | 'no-device' | 'failed' | 'confirmed';

/**
 * A check before going live or taking a seat (LiveKit's PreJoin, Tencent's preview page): the
 * camera's picture, pickers for the camera, the microphone and the speaker, toggles for the camera
 * and the microphone, a level meter that moves with the microphone, and a confirm button ("Join",
 * or what `confirm-label` says: "Go live").
 *
 * It drives the session's `DeviceStore` (found like every element of the kit: `session`, an
 * enclosing `<live-session>` or `<live-core-view>`, or the default session), so the devices it
 * opens are the ones the live uses: confirmed, they stay open, and taking a seat publishes them
 * without opening anything again. When it connects it opens the camera and the microphone (those
 * that are off); cancelled, or removed from the page before a confirm, it closes the devices it
 * opened itself and leaves the others as they were.
 *
 * A device that fails says why under the preview (access blocked, no device, in use), with a
 * button that tries again. The speaker picker shows only where the browser can choose the output
 * (`setSinkId`); the media layer plays remote sound on the chosen one. Before the user allowed
 * access, browsers list devices without names: the pickers then number them ("Camera 1").
 *
 * @summary Camera preview, device pickers and a microphone meter before joining.
 *
 * @slot - Extra content under the pickers (the page's own options, such as "remember my choice").
 *
 * @csspart base - The element's outer box.
 * @csspart preview - The box of the camera's picture and its placeholder.
 * @csspart video - The preview `<video>` (mirrored for the front camera).
 * @csspart placeholder - Shown instead of the picture while the camera is off or failed.
 * @csspart toggles - The row of the camera and microphone toggles.
 * @csspart camera-toggle - The `<button>` that turns the camera on or off.
 * @csspart microphone-toggle - The `<button>` that mutes or unmutes the microphone.
 * @csspart meter - The microphone level meter (`role="meter"`).
 * @csspart meter-bar - The filled part of the meter.
 * @csspart pickers - The box of the device pickers.
 * @csspart camera-select - The camera `<select>`.
 * @csspart microphone-select - The microphone `<select>`.
 * @csspart speaker-select - The speaker `<select>` (not rendered where the output cannot be chosen).
 * @csspart problem - The alert saying why a device failed.
 * @csspart retry-button - "Try again": opens the failed devices again.
 * @csspart actions - The row of the confirm and cancel buttons.
 * @csspart confirm-button - The confirm button.
 * @csspart cancel-button - "Cancel" (not rendered with `no-cancel`).
 *
 * @cssproperty [--pre-join-preview-ratio=16 / 9] - Aspect ratio of the preview.
 * @cssproperty [--pre-join-preview-background=#111] - Fill behind the picture and the placeholder.
 * @cssproperty [--pre-join-meter-color=var(--cg-color-success)] - Fill of the meter.
 * @cssproperty [--pre-join-confirm-background=var(--cg-color-accent)] - Fill of the confirm button.
 * @cssproperty [--pre-join-confirm-color=var(--cg-color-on-accent)] - Text of the confirm button.
 *
 * @cssstate starting - Opening the devices.
 * @cssstate ready - The devices are as the user set them; nothing failed.
 * @cssstate denied - Access to a device is blocked (the problem part says which, with "Try again").
 * @cssstate no-device - A device was not found.
 * @cssstate failed - A device failed for another reason (in use, could not start).
 * @cssstate confirmed - The user confirmed: the devices belong to the live now.
 * @cssstate camera-off - The camera is off: the placeholder shows.
 * @cssstate microphone-off - The microphone is off: the meter rests.
 * @cssstate mirrored - The preview is mirrored (the front camera).
 * @cssstate sound - The meter hears a sound now.
 *
 * @fires {PreJoinConfirmEvent} pre-join-confirm - The confirm button was pressed. Cancelable:
 *   `preventDefault()` and the check stays. Carries `choice` (`camera`, `microphone`, `cameraId`,
 *   `microphoneId`, `speakerId`).
 * @fires {PreJoinCancelEvent} pre-join-cancel - "Cancel" was pressed; the devices the check
 *   opened are closed.
 * @fires {ActionErrorEvent} action-error - A store action failed (`openLocalCamera`,
 *   `closeLocalCamera`, `openLocalMicrophone`, `closeLocalMicrophone`, `selectCamera`,
 *   `selectMicrophone`, `selectSpeaker`).
 */
export class PreJoinCheck extends LitElement {
  static override styles = [tokens, base, styles];

  /** An explicit session; `null` (default) takes it from the context or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live; `null` (default) takes it from the context. It only picks the session. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  /** The confirm button's text ("Go live"); empty (default) reads "Join" in the page's language. */
  @property({ attribute: 'confirm-label' }) confirmLabel = '';

  /** Hides the "Cancel" button (the page offers its own way out). */
  @property({ type: Boolean, attribute: 'no-cancel' }) noCancel = false;

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #live = new LiveController(this);
  #cameraStatus = this.#live.bindSession((session) => DeviceStore.for(session).cameraStatus);
  #microphoneStatus = this.#live.bindSession((session) => DeviceStore.for(session).microphoneStatus);
  #localStream = this.#live.bindSession((session) => DeviceStore.for(session).localStream);
  #cameras = this.#live.bindSession((session) => DeviceStore.for(session).cameras);
  #microphones = this.#live.bindSession((session) => DeviceStore.for(session).microphones);
  #speakers = this.#live.bindSession((session) => DeviceStore.for(session).speakers);
  #currentCamera = this.#live.bindSession((session) => DeviceStore.for(session).currentCamera);
  #currentMicrophone = this.#live.bindSession((session) => DeviceStore.for(session).currentMicrophone);
  #currentSpeaker = this.#live.bindSession((session) => DeviceStore.for(session).currentSpeaker);
  #isFront = this.#live.bindSession((session) => DeviceStore.for(session).isFrontCamera);
  #errors = this.#live.bindSession((session) => DeviceStore.for(session).lastError);
  #meter = new LevelMeter();
  #level = 0;
  #unsubscribeLevel: (() => void) | null = null;
  /** The devices this check opened (closed again unless the user confirms). */
  #opened = new Set<Device>();
  /** Device actions in flight. */
  #pending = 0;
  #confirmed = false;
  /** The session whose devices the check opened (it releases them on that session's store). */
  #startedOn: Session | null = null;
  /** The preview's stream: the camera's track alone, replaced only when the track changes. */
  #preview: MediaStream | null = null;
  #phase: Phase = 'starting';

  constructor() {
    super();
    new ThemeController(this);
  }

  /** The devices chosen now. */
  get choice(): PreJoinChoice {
    return {
      camera: this.#cameraStatus.value === 'on',
      microphone: this.#microphoneStatus.value === 'on',
      cameraId: this.#currentCamera.value,
      microphoneId: this.#currentMicrophone.value,
      speakerId: this.#currentSpeaker.value,
    };
  }

  /** The microphone level the meter shows, 0..100. */
  get level(): number {
    return this.#level;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#unsubscribeLevel = this.#meter.level.subscribe((level) => {
      if (level === this.#level) return;
      this.#level = level;
      this.requestUpdate();
    });
    if (!this.#confirmed) void this.#start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unsubscribeLevel?.();
    this.#unsubscribeLevel = null;
    // A move within one task keeps the devices: only a removal releases them.
    queueMicrotask(() => {
      if (!this.isConnected && !this.#confirmed) void this.#release();
    });
  }

  protected override willUpdate(): void {
    // The session arrived or changed (a context provided late): the check moves to its devices.
    const session = this.#live.session;
    if (this.isConnected && !this.#confirmed && this.#startedOn !== null && session !== this.#startedOn) {
      void this.#release().then(() => this.#start());
    }
    const track = this.#localStream.value?.getVideoTracks()[0] ?? null;
    if ((this.#preview?.getVideoTracks()[0] ?? null) !== track) {
      this.#preview = track === null ? null : new MediaStream([track]);
    }
    const cameraOn = this.#cameraStatus.value === 'on' && track !== null;
    const microphone = this.#localStream.value?.getAudioTracks()[0] ?? null;
    this.#meter.setTrack(this.#microphoneStatus.value === 'on' ? microphone : null);
    this.#phase = this.#phaseNow();
    setStates(this.#internals, {
      starting: this.#phase === 'starting',
      ready: this.#phase === 'ready',
      denied: this.#phase === 'denied',
      'no-device': this.#phase === 'no-device',
      failed: this.#phase === 'failed',
      confirmed: this.#phase === 'confirmed',
      'camera-off': !cameraOn,
      'microphone-off': this.#microphoneStatus.value !== 'on',
      mirrored: cameraOn && this.#mirrored(track),
      sound: this.#level >= SOUND_LEVEL,
    });
  }

  protected override render() {
    const t = this.#i18n;
    const cameraOn = this.#cameraStatus.value === 'on' && this.#preview !== null;
    const microphoneOn = this.#microphoneStatus.value === 'on';
    const busy = this.#pending > 0;
    const problems = this.#problems();
    return html`
      <section class="base" part="base" lang=${t.lang} aria-label=${t.t('prejoin.label')}>
        <div class="preview" part="preview">
          <video
            class=${classMap({ video: true, mirrored: cameraOn && this.#mirrored(null) })}
            part="video"
            ?hidden=${!cameraOn}
            .srcObject=${this.#preview}
            .muted=${true}
            autoplay
            playsinline
            aria-label=${t.t('prejoin.preview')}
          ></video>
          <div class="placeholder" part="placeholder" ?hidden=${cameraOn}>
            <span class="placeholder-icon" aria-hidden="true">${cameraOffIcon}</span>
            <span>${t.t(this.#phase === 'starting' ? 'prejoin.starting' : 'prejoin.cameraOff')}</span>
          </div>
          <div class="toggles" part="toggles">
            <button
              class="toggle"
              part="camera-toggle"
              type="button"
              aria-disabled=${busy ? 'true' : 'false'}
              @click=${() => this.#toggle('camera')}
            >
              <span class="icon" aria-hidden="true">${cameraOn ? cameraIcon : cameraOffIcon}</span>
              <span>${t.t(cameraOn ? 'device.cameraOff' : 'device.cameraOn')}</span>
            </button>
            <button
              class="toggle"
              part="microphone-toggle"
              type="button"
              aria-disabled=${busy ? 'true' : 'false'}
              @click=${() => this.#toggle('microphone')}
            >
              <span class="icon" aria-hidden="true"
                >${microphoneOn ? microphoneIcon : microphoneOffIcon}</span
              >
              <span>${t.t(microphoneOn ? 'device.microphoneOff' : 'device.microphoneOn')}</span>
            </button>
          </div>
        </div>
        <!-- The role through ARIA reflection: lit-analyzer's list of roles predates ARIA 1.2's meter. -->
        <div
          class="meter"
          part="meter"
          .role=${'meter'}
          aria-label=${t.t('prejoin.level')}
          aria-valuemin="0"
          aria-valuemax="100"
          aria-valuenow=${this.#level}
        >
          <div class="meter-bar" part="meter-bar" style=${styleMap({ width: `${this.#level}%` })}></div>
        </div>
        <div class="problem" part="problem" role="alert" ?hidden=${problems.length === 0}>
          ${problems.map((message) => html`<p>${t.t(message)}</p>`)}
          ${
            problems.length === 0
              ? nothing
              : html`<button class="retry" part="retry-button" type="button" @click=${this.#onRetry}>
                  ${t.t('prejoin.retry')}
                </button>`
          }
        </div>
        <div class="pickers" part="pickers">
          ${this.#picker('camera', this.#cameras.value, this.#currentCamera.value)}
          ${this.#picker('microphone', this.#microphones.value, this.#currentMicrophone.value)}
          ${
            DeviceStore.for(this.#live.session).supports('speaker')
              ? this.#picker('speaker', this.#speakers.value, this.#currentSpeaker.value)
              : nothing
          }
        </div>
        <div class="extra"><slot></slot></div>
        <div class="actions" part="actions">
          ${
            this.noCancel
              ? nothing
              : html`<button class="cancel" part="cancel-button" type="button" @click=${this.#onCancel}>
                  ${t.t('prejoin.cancel')}
                </button>`
          }
          <button
            class="confirm"
            part="confirm-button"
            type="button"
            aria-disabled=${busy ? 'true' : 'false'}
            @click=${this.#onConfirm}
          >
            ${this.confirmLabel !== '' ? this.confirmLabel : t.t('prejoin.join')}
          </button>
        </div>
      </section>
    `;
  }

  // ── handlers ──────────────────────────────────────────────────────────────────────────────

  #toggle(device: Device): void {
    if (this.#pending > 0) return;
    // A click is a user gesture: the meter's audio may start now.
    void this.#meter.resume();
    const on = (device === 'camera' ? this.#cameraStatus : this.#microphoneStatus).value === 'on';
    const session = this.#startedOn ?? this.#live.session;
    this.#startedOn = session;
    if (on) void this.#close(device);
    else void this.#open(session, device);
  }

  readonly #onRetry = (): void => {
    void this.#meter.resume();
    const errors = this.#errors.value;
    const session = this.#startedOn ?? this.#live.session;
    this.#startedOn = session;
    for (const device of ['camera', 'microphone'] as const) {
      if (errors[device] !== null) void this.#open(session, device);
    }
  };

  readonly #onConfirm = (): void => {
    if (this.#pending > 0 || this.#confirmed) return;
    if (!this.dispatchEvent(new PreJoinConfirmEvent(this.choice))) return;
    this.#confirmed = true;
    this.#opened.clear();
    this.requestUpdate();
  };

  readonly #onCancel = (): void => {
    this.dispatchEvent(new PreJoinCancelEvent());
    void this.#release();
  };

  readonly #onSelect = (kind: 'camera' | 'microphone' | 'speaker', event: Event): void => {
    const deviceId = (event.target as HTMLSelectElement).value;
    void this.#meter.resume();
    const store = DeviceStore.for(this.#live.session);
    if (kind === 'camera') void this.#act('selectCamera', () => store.selectCamera(deviceId));
    else if (kind === 'microphone')
      void this.#act('selectMicrophone', () => store.selectMicrophone(deviceId));
    else void this.#act('selectSpeaker', () => store.selectSpeaker(deviceId));
  };

  // ── private helpers ───────────────────────────────────────────────────────────────────────

  /** Opens the devices that are off (on connecting, or on a new session). */
  async #start(): Promise<void> {
    const session = this.#live.session;
    this.#startedOn = session;
    await Promise.all([this.#open(session, 'camera'), this.#open(session, 'microphone')]);
  }

  /** Closes the devices the check opened: it closed without a confirm, or its session changed. */
  async #release(): Promise<void> {
    const session = this.#startedOn;
    this.#startedOn = null;
    const opened = [...this.#opened];
    this.#opened.clear();
    if (session === null) return;
    const store = DeviceStore.for(session);
    await Promise.all(
      opened.map((device) => (device === 'camera' ? store.closeLocalCamera() : store.closeLocalMicrophone())),
    );
  }

  async #open(session: Session, device: Device): Promise<void> {
    const store = DeviceStore.for(session);
    const status = device === 'camera' ? store.cameraStatus : store.microphoneStatus;
    if (status.get() === 'on') return;
    const action = ACTIONS[device].on;
    const result = await this.#act(action, () => store[action]());
    if (!result.isSuccess) return;
    if (this.#startedOn !== session) {
      // Released meanwhile (removed, cancelled, another session): this opening is not wanted.
      void (device === 'camera' ? store.closeLocalCamera() : store.closeLocalMicrophone());
      return;
    }
    if (!this.#confirmed) this.#opened.add(device);
    // Labels appear once access is granted.
    void store.refreshDevices();
  }

  async #close(device: Device): Promise<void> {
    const store = DeviceStore.for(this.#live.session);
    const action = ACTIONS[device].off;
    const result = await this.#act(action, () => store[action]());
    if (result.isSuccess) this.#opened.delete(device);
  }

  /** Runs a store action while counting it as pending. */
  async #act(action: string, run: () => Promise<Result>): Promise<Result> {
    this.#pending++;
    this.requestUpdate();
    try {
      return await perform(this, action, run);
    } finally {
      this.#pending--;
      this.requestUpdate();
    }
  }

  #phaseNow(): Phase {
    if (this.#confirmed) return 'confirmed';
    const errors = [this.#errors.value.camera, this.#errors.value.microphone].filter(
      (error): error is DeviceError => error !== null,
    );
    if (errors.some((error) => DENIED.has(error.code))) return 'denied';
    if (errors.some((error) => MISSING.has(error.code))) return 'no-device';
    if (errors.length > 0) return 'failed';
    return this.#pending > 0 ? 'starting' : 'ready';
  }

  /** Why each failed device failed, in the page's language. */
  #problems(): PlainMessage[] {
    const errors = this.#errors.value;
    const messages: PlainMessage[] = [];
    for (const device of ['camera', 'microphone'] as const) {
      const error = errors[device];
      if (error !== null) messages.push(errorMessage(error.code, device));
    }
    return messages;
  }

  /** The front camera is mirrored; one that reports facing the world is not. */
  #mirrored(track: MediaStreamTrack | null): boolean {
    const video = track ?? this.#preview?.getVideoTracks()[0] ?? null;
    if (video?.getSettings().facingMode === 'environment') return false;
    return this.#isFront.value;
  }

  #picker(
    kind: 'camera' | 'microphone' | 'speaker',
    devices: readonly MediaDeviceInfo[],
    current: string | null,
  ): TemplateResult {
    const t = this.#i18n;
    const usable = devices.filter((device) => device.deviceId !== '' || kind !== 'speaker');
    const label = {
      camera: 'prejoin.camera',
      microphone: 'prejoin.microphone',
      speaker: 'prejoin.speaker',
    } as const;
    const numbered = {
      camera: 'prejoin.cameraN',
      microphone: 'prejoin.microphoneN',
      speaker: 'prejoin.speakerN',
    } as const;
    const selected = current ?? (kind === 'speaker' ? '' : (usable[0]?.deviceId ?? ''));
    return html`<label class="picker">
      <span class="picker-label">${t.t(label[kind])}</span>
      <select
        part=${`${kind}-select`}
        ?disabled=${usable.length === 0 || usable.every((device) => device.deviceId === '')}
        @change=${(event: Event) => this.#onSelect(kind, event)}
      >
        ${
          kind === 'speaker'
            ? html`<option value="" ?selected=${selected === ''}>${t.t('prejoin.default')}</option>`
            : nothing
        }
        ${usable
          .filter((device) => kind !== 'speaker' || device.deviceId !== 'default')
          .map(
            (device, index) =>
              html`<option value=${device.deviceId} ?selected=${device.deviceId === selected}>
                ${device.label !== '' ? device.label : t.t(numbered[kind], { index: index + 1 })}
              </option>`,
          )}
      </select>
    </label>`;
  }
}

customElements.define('pre-join-check', PreJoinCheck);

declare global {
  interface HTMLElementTagNameMap {
    'pre-join-check': PreJoinCheck;
  }
}
