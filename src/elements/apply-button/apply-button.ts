import { html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { ClockController, secondsLeft } from '../../controllers/clock-controller.js';
import { LiveController } from '../../controllers/live-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import type { ApplicantInfo, GuestListener } from '../../core/co-guest-store.js';
import type { ConnectionStatus, Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { errorMessage, type PlainMessage } from '../../i18n/messages.js';
import type { Result } from '../../protocol/result.js';
import { isManager } from '../../protocol/roles.js';
import type { Role, UserInfo } from '../../protocol/types.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import { openDevices, parseDevices } from '../shared/devices.js';
import { perform } from '../shared/events.js';
import styles from './apply-button.styles.js';
import {
  ApplyRequestEvent,
  ApplyCancelEvent,
  SeatLeaveEvent,
  ApplicationAcceptedEvent,
  ApplicationRejectedEvent,
  ApplicationTimeoutEvent,
  ApplicationFailedEvent,
  KickedOffSeatEvent,
} from './events.js';

export * from './events.js';

/** What the button does when pressed. */
type Mode = 'idle' | 'pending' | 'connected';

/** What one render shows, derived from the stores and the properties. */
interface View {
  readonly mode: Mode;
  /** The pending request (while `pending`), for its countdown. */
  readonly application: ApplicantInfo | null;
  /** The button cannot act now. */
  readonly disabled: boolean;
  /** The button's text: its action, or the connection state while not connected. */
  readonly label: PlainMessage;
  readonly host: boolean;
}

const ACTION_TEXT: Record<Mode, PlainMessage> = {
  idle: 'apply.request',
  pending: 'apply.cancel',
  connected: 'apply.leave',
};

const CONNECTION_TEXT: Record<ConnectionStatus, PlainMessage> = {
  idle: 'connection.idle',
  connecting: 'connection.connecting',
  connected: 'connection.connected',
  reconnecting: 'connection.reconnecting',
  offline: 'connection.offline',
};

/** Length of the countdown ring's circle (`2πr` for r = 10). */
const RING_LENGTH = 2 * Math.PI * 10;

/**
 * The audience's one button for guest connection, after the seed's audience flow: "Request to join"
 * applies for a seat (`applyForSeat`), "Cancel request" withdraws the pending request
 * (`cancelApplication`) while a countdown shows how long it waits, and "Leave seat" goes back to the
 * audience (`disconnect`). Its state comes from `coGuestState.selfStatus` and `selfApplication`;
 * outcomes (accepted, rejected, timed out, failed, taken off the seat) arrive through a
 * `GuestListener` and are announced in a polite live region next to the button.
 *
 * When the user is seated through a request this element sent, it opens the devices named in
 * `devices` on the session's `DeviceStore` (`openLocalCamera`, `openLocalMicrophone`), which
 * publishes them to the seat, as the seed opens camera and microphone in `onApplicationAccepted`.
 * A user seated by an invitation is handled by `<invitation-prompt>`, which has its own `devices`.
 *
 * The button is hidden for the live's owner and administrators (`:state(host)`), and disabled
 * (`aria-disabled`, it keeps focus) before the user joined the live, while an invitation waits for an
 * answer, and while the session is not connected (it then says so: "Reconnecting…"). While an action
 * is in flight it is busy and ignores presses, so a double click never sends twice.
 *
 * Finds its session and live like every element of the kit: `session` and `live-id`, an enclosing
 * `<live-core-view>`, or the default session.
 *
 * @summary Request to join, cancel the request, or leave the seat.
 *
 * @csspart button - The `<button>`.
 * @csspart label - The button's text.
 * @csspart countdown - The time left for the pending request (shown while pending).
 * @csspart ring - The countdown ring (shown while the request has a deadline).
 * @csspart status - The live region with the last outcome or error.
 *
 * @cssproperty [--apply-button-background=var(--cg-color-accent)] - Fill of the button.
 * @cssproperty [--apply-button-color=var(--cg-color-on-accent)] - Text of the button.
 * @cssproperty [--apply-button-pending-background=var(--cg-color-surface)] - Fill while pending.
 * @cssproperty [--apply-button-pending-color=var(--cg-color-text)] - Text while pending.
 * @cssproperty [--apply-button-leave-background=var(--cg-color-danger)] - Fill while seated.
 * @cssproperty [--apply-button-leave-color=var(--cg-color-on-danger)] - Text while seated.
 * @cssproperty [--apply-button-radius=var(--cg-radius-full)] - Corner radius of the button.
 *
 * @cssstate idle - The user may request a seat.
 * @cssstate pending - The user's request waits for a host.
 * @cssstate connected - The user is on a seat.
 * @cssstate busy - An action is in flight.
 * @cssstate disabled - The button cannot act now (not joined, not connected, invitation pending).
 * @cssstate host - The viewer is the owner or an administrator: the button is hidden.
 *
 * @fires {ApplyRequestEvent} apply-request - Before applying. Cancelable: `preventDefault()` and
 *   nothing is sent. Carries `seatIndex`, `timeout`, `extraInfo`.
 * @fires {ApplyCancelEvent} apply-cancel - Before withdrawing the request. Cancelable.
 * @fires {SeatLeaveEvent} seat-leave - Before leaving the seat. Cancelable.
 * @fires {ApplicationAcceptedEvent} application-accepted - A host accepted; carries `hostUser` and
 *   the `devices` it opens.
 * @fires {ApplicationRejectedEvent} application-rejected - A host rejected; carries `hostUser`.
 * @fires {ApplicationTimeoutEvent} application-timeout - The request timed out.
 * @fires {ApplicationFailedEvent} application-failed - The request could not complete; carries
 *   `errorCode` and `errorMessage`.
 * @fires {KickedOffSeatEvent} kicked-off-seat - A host took the user off the seat.
 * @fires {ActionErrorEvent} action-error - A store action failed (`applyForSeat`,
 *   `cancelApplication`, `disconnect`, `openLocalCamera`, `openLocalMicrophone`).
 */
export class ApplyButton extends LitElement {
  static override styles = [tokens, base, styles];

  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  /** An explicit session; `null` (default) takes it from `<live-core-view>` or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live; `null` (default) takes it from `<live-core-view>`. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  /** The seat to ask for, 0-based; `-1` (default) for any free seat. */
  @property({ type: Number, attribute: 'seat-index' }) seatIndex = -1;

  /** Seconds the request waits for a host before it times out; `0` for never. Default 30. */
  @property({ type: Number }) timeout = 30;

  /** Text sent to the hosts with the request (shown in their applicant list). */
  @property({ attribute: 'extra-info' }) extraInfo = '';

  /**
   * The devices to open when the user is seated through this button: a space-separated list of
   * `camera` and `microphone`. Default `"camera microphone"`; `"microphone"` for a voice-only guest;
   * `""` for none.
   */
  @property() devices = 'camera microphone';

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #live = new LiveController(this);
  #clock = new ClockController(this, () => this.#live.session.serverNow());
  #status = this.#live.bind((live) => live.coGuest.coGuestState.selfStatus, 'idle');
  #application = this.#live.bind(
    (live) => live.coGuest.coGuestState.selfApplication,
    null as ApplicantInfo | null,
  );
  #role = this.#live.bind((live) => live.audience.selfRole, null as Role | null);
  #connection = this.#live.bindSession((session) => session.$connection);
  #busy = false;
  /** The request in flight or pending was sent by this element (its outcome opens `devices`). */
  #ownRequest = false;
  /** The last outcome or error, announced in the status part; cleared by the next action. */
  #message: PlainMessage | null = null;
  #view: View = { mode: 'idle', application: null, disabled: true, label: 'apply.request', host: false };

  constructor() {
    super();
    new ThemeController(this);
    this.#live.listen((live) => {
      const listener: GuestListener = {
        onApplicationAccepted: (hostUser) => {
          this.#onAccepted(hostUser);
        },
        onApplicationRejected: (hostUser) => {
          this.#onEnded('apply.rejected', new ApplicationRejectedEvent(hostUser));
        },
        onApplicationTimeout: () => {
          this.#onEnded('apply.timedOut', new ApplicationTimeoutEvent());
        },
        onApplicationFailed: (code, message) => {
          this.#onEnded(errorMessage(code, 'apply'), new ApplicationFailedEvent(code, message));
        },
        onKickedOffSeat: (seatIndex, hostUser) => {
          this.#announce('apply.kicked', new KickedOffSeatEvent(seatIndex, hostUser));
        },
      };
      live.coGuest.addGuestListener(listener);
      return () => {
        live.coGuest.removeGuestListener(listener);
      };
    });
  }

  protected override willUpdate(): void {
    const status = this.#status.value;
    const role = this.#role.value;
    const connection = this.#connection.value;
    const host = isManager(role);
    const mode: Mode = status === 'connected' ? 'connected' : status === 'applying' ? 'pending' : 'idle';
    const online = connection === 'connected';
    const disabled = !online || role === null || host || status === 'invited';
    const application = mode === 'pending' ? this.#application.value : null;
    const label = online ? ACTION_TEXT[mode] : CONNECTION_TEXT[connection];
    this.#view = { mode, application, disabled, label, host };
    this.#clock.running = application !== null && application.deadline !== null;
    setStates(this.#internals, {
      idle: mode === 'idle',
      pending: mode === 'pending',
      connected: mode === 'connected',
      busy: this.#busy,
      disabled,
      host,
    });
  }

  protected override render() {
    const { mode, disabled, label } = this.#view;
    const inert = disabled || this.#busy;
    return html`
      <div class="base" lang=${this.#i18n.lang}>
        <button
          class="button"
          part="button"
          type="button"
          aria-disabled=${inert ? 'true' : 'false'}
          aria-describedby=${mode === 'pending' ? 'countdown' : nothing}
          @click=${this.#onClick}
        >
          <span class="label" part="label">${this.#i18n.t(label)}</span>
        </button>
        ${this.#renderCountdown()}
      </div>
      <p class="status" part="status" role="status" aria-live="polite" lang=${this.#i18n.lang}>
        ${this.#message === null ? nothing : this.#i18n.t(this.#message)}
      </p>
    `;
  }

  #renderCountdown() {
    const application = this.#view.application;
    if (application === null) {
      return html`<span id="countdown" class="countdown" part="countdown" hidden></span>`;
    }
    const { deadline, createdAt } = application;
    const seconds = secondsLeft(deadline, this.#clock.now());
    const total = deadline === null ? 0 : Math.max(1, deadline - createdAt);
    const fraction = deadline === null ? 0 : Math.min(1, (seconds ?? 0) / (total / 1000));
    return html`<span id="countdown" class="countdown" part="countdown">
      ${
        seconds === null
          ? nothing
          : html`<svg class="ring" part="ring" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <circle class="ring-track" cx="12" cy="12" r="10"></circle>
              <circle
                class="ring-progress"
                cx="12"
                cy="12"
                r="10"
                stroke-dasharray=${RING_LENGTH}
                stroke-dashoffset=${RING_LENGTH * (1 - fraction)}
              ></circle>
            </svg>`
      }
      <span class="countdown-text"
        >${
          seconds === null
            ? this.#i18n.t('apply.waitingNoDeadline')
            : this.#i18n.t('apply.waiting', { seconds })
        }</span
      >
    </span>`;
  }

  #onClick(): void {
    const live = this.#live.stores;
    if (this.#busy || this.#view.disabled || live === null) return;
    this.#message = null;
    this.requestUpdate();
    const { mode } = this.#view;
    if (mode === 'idle') {
      const request = new ApplyRequestEvent(this.seatIndex, this.timeout, this.extraInfo);
      if (!this.dispatchEvent(request)) return;
      this.#ownRequest = true;
      const params = { seatIndex: request.seatIndex, timeout: request.timeout, extraInfo: request.extraInfo };
      void this.#run('applyForSeat', () => live.coGuest.applyForSeat(params)).then((succeeded) => {
        if (!succeeded) this.#ownRequest = false;
      });
    } else if (mode === 'pending') {
      if (!this.dispatchEvent(new ApplyCancelEvent())) return;
      void this.#run('cancelApplication', () => live.coGuest.cancelApplication()).then((succeeded) => {
        if (!succeeded) return;
        this.#ownRequest = false;
        this.#show('apply.cancelled');
      });
    } else {
      if (!this.dispatchEvent(new SeatLeaveEvent())) return;
      void this.#run('disconnect', () => live.coGuest.disconnect()).then((succeeded) => {
        if (succeeded) this.#show('apply.left');
      });
    }
  }

  #onAccepted(hostUser: UserInfo): void {
    const devices = this.#ownRequest ? parseDevices(this.devices) : [];
    this.#ownRequest = false;
    const live = this.#live.stores;
    if (devices.length > 0 && live !== null) void openDevices(this, live.session, devices);
    this.#announce('apply.accepted', new ApplicationAcceptedEvent(hostUser, devices));
  }

  /** The request ended without a seat: announce it and tell the page. */
  #onEnded(message: PlainMessage, event: Event): void {
    this.#ownRequest = false;
    this.#announce(message, event);
  }

  /** Runs a store action while busy, and shows its error. Resolves to whether it succeeded. */
  async #run<T>(action: string, run: () => Promise<Result<T>>): Promise<boolean> {
    this.#busy = true;
    this.requestUpdate();
    try {
      const result = await perform(this, action, run);
      if (!result.isSuccess) this.#show(errorMessage(result.errorCode, 'apply'));
      return result.isSuccess;
    } finally {
      this.#busy = false;
      this.requestUpdate();
    }
  }

  #announce(message: PlainMessage, event: Event): void {
    this.#show(message);
    this.dispatchEvent(event);
  }

  #show(message: PlainMessage): void {
    this.#message = message;
    this.requestUpdate();
  }
}

customElements.define('apply-button', ApplyButton);

declare global {
  interface HTMLElementTagNameMap {
    'apply-button': ApplyButton;
  }
}
