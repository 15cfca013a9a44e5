import { html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { LiveController, type LiveStores } from '../../controllers/live-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import type { GuestListener, HostListener } from '../../core/co-guest-store.js';
import type { LiveListListener } from '../../core/live-list-store.js';
import type { LiveSeatListener } from '../../core/live-seat-store.js';
import type { Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { isManager } from '../../protocol/roles.js';
import type { UserInfo } from '../../protocol/types.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates, toggleState } from '../../utils/custom-states.js';
import { displayName, isolate } from '../../utils/safe-url.js';
import styles from './live-notifications.styles.js';
import { closeIcon } from '../../utils/icons.js';
import { LiveNotificationEvent } from './events.js';

export * from './events.js';

/** Every kind of notification, in the order of the guest-connection flow. */
export const NOTIFICATION_KINDS = [
  // hosts (owner and administrators)
  'application-received',
  'application-cancelled',
  'application-timeout',
  'invitation-accepted',
  'invitation-rejected',
  'invitation-timeout',
  'guest-reconnecting',
  'guest-back',
  'guest-gone',
  // the audience member concerned
  'invitation-received',
  'invitation-cancelled',
  'request-accepted',
  'request-rejected',
  'request-timeout',
  'kicked',
  'microphone-closed',
  'microphone-forbidden',
  'microphone-allowed',
  'camera-closed',
  'camera-forbidden',
  'camera-allowed',
  // everyone
  'live-ended',
] as const;

/** A kind of notification (`types` lists some of them). */
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Kinds announced assertively: they interrupt, since the viewer lost their seat or the live. */
const ASSERTIVE: ReadonlySet<NotificationKind> = new Set(['kicked', 'live-ended']);

/** One toast on screen. */
interface Toast {
  readonly id: number;
  readonly kind: NotificationKind;
  /** The user it is about, if any. */
  readonly userId: string | null;
  /** The text in the current locale (toasts follow a locale switch). */
  readonly text: () => string;
  /** The text as it was announced, and its language. */
  readonly announced: string;
  readonly lang: string;
  readonly assertive: boolean;
  /** Milliseconds left before it goes (`Infinity` when it stays). */
  remaining: number;
  /** When its timer started (epoch ms). */
  started: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Toasts for what happens in the live, for hosts and audience alike: a new applicant, an
 * invitation, the answer to one's request, a guest whose connection dropped (for hosts: "Ada lost
 * the connection", then "Ada is back" or, after the grace period, "Ada did not come back: the seat
 * is free"), being taken off the seat, a host closing one's microphone or camera, the end of the
 * live. It listens to the live's stores (`HostListener` and
 * `GuestListener` of the guest-connection store, `LiveSeatListener`, `LiveListListener.onLiveEnded`);
 * each listener only hears what concerns the viewer (hosts hear applications, the applicant hears
 * the answer), so one element serves every role.
 *
 * Each notification fires a cancelable `live-notification` first. Then it is announced to assistive
 * technology (politely; assertively for `kicked` and `live-ended`) and shown as a toast: the newest
 * last, at most `max` at once (the oldest goes first), each for `duration` ms (`0`: until
 * dismissed), with a Dismiss button. Timers pause while the pointer is over the toasts or focus is
 * in them. A toast that asks for an answer goes once it is answered, wherever that happened: "Ada
 * requests to join" when Ada's application leaves the applicants (accepted, rejected, withdrawn or
 * timed out), "Host invites you to join" when the invitation is answered or withdrawn. The toasts
 * keep the place the page gives the element (e.g. `position: fixed` in a corner); motion follows
 * `prefers-reduced-motion`.
 *
 * User names are shown as text, never as markup, and isolated (Unicode FSI/PDI) so that
 * right-to-left or control characters in a name cannot reorder the message.
 *
 * @summary Toasts and announcements for applications, invitations, seats, devices and the end of the live.
 *
 * @csspart region - The landmark ("Notifications") that holds the toasts and the announcers.
 * @csspart list - The list of toasts.
 * @csspart toast - One toast; it also has the part `toast-<kind>` (`toast-kicked`,
 *   `toast-application-received`, … see `NOTIFICATION_KINDS`).
 * @csspart message - The text of a toast.
 * @csspart dismiss-button - The Dismiss button of a toast.
 *
 * @cssproperty [--notifications-width=20rem] - Width of the toasts (never wider than the element).
 * @cssproperty [--notifications-gap=var(--cg-space-2)] - Space between toasts.
 * @cssproperty [--notifications-accent=var(--cg-color-accent)] - Edge colour of a polite toast.
 * @cssproperty [--notifications-urgent=var(--cg-color-danger)] - Edge colour of `kicked` and
 *   `live-ended` toasts.
 *
 * @cssstate empty - No toast is shown.
 * @cssstate paused - Timers are paused (the pointer is over the toasts or focus is in them).
 *
 * @fires {LiveNotificationEvent} live-notification - Before a notification is shown. Cancelable;
 *   carries `kind`, `message` and `user`.
 */
export class LiveNotifications extends LitElement {
  static override styles = [tokens, base, styles];

  /** An explicit session; `null` (default) takes it from `<live-core-view>` or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live (`live-id`); `null` (default) takes it from `<live-core-view>`. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  /** The most toasts shown at once (at least 1); a new toast past it removes the oldest. */
  @property({ type: Number }) max = 3;

  /**
   * How long each toast stays, in ms; `0` (or less) keeps it until dismissed. A change applies to the
   * toasts shown after it.
   */
  @property({ type: Number }) duration = 5000;

  /**
   * The kinds of notification to show, separated by spaces (`"kicked live-ended"`); `null` or empty
   * (default) shows every kind. The others are neither shown, announced nor fired.
   */
  @property() types: string | null = null;

  /**
   * The accessible name of the notifications region. Default: the localized "Notifications". Give
   * each its own when a page holds several (one per user in a demo), as landmarks need unique names.
   */
  @property() label = '';

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #live = new LiveController(this);
  #toasts: Toast[] = [];
  #nextId = 1;
  #hovered = false;
  #focused = false;

  constructor() {
    super();
    new ThemeController(this);
    this.#live.listen((stores) => this.#attach(stores));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const toast of this.#toasts) clearTimeout(toast.timer);
    this.#toasts = [];
    this.#hovered = false;
    this.#focused = false;
  }

  protected override willUpdate(): void {
    setStates(this.#internals, { empty: this.#toasts.length === 0, paused: this.#paused });
  }

  protected override render() {
    const t = this.#i18n.t.bind(this.#i18n);
    const polite = this.#toasts.filter((toast) => !toast.assertive);
    const assertive = this.#toasts.filter((toast) => toast.assertive);
    return html`
      <section
        class="region"
        part="region"
        aria-label=${this.label.trim() === '' ? t('notify.region') : this.label}
        lang=${this.#i18n.lang}
        @pointerenter=${this.#onPointerEnter}
        @pointerleave=${this.#onPointerLeave}
        @focusin=${this.#onFocusIn}
        @focusout=${this.#onFocusOut}
      >
        <ol class="list" part="list" ?hidden=${this.#toasts.length === 0}>
          ${repeat(
            this.#toasts,
            (toast) => toast.id,
            (toast) => html`
              <li
                class=${toast.assertive ? 'toast urgent' : 'toast'}
                part=${`toast toast-${toast.kind}`}
                data-kind=${toast.kind}
              >
                <p class="message" part="message">${toast.text()}</p>
                <button
                  class="dismiss"
                  part="dismiss-button"
                  type="button"
                  aria-label=${t('notify.dismiss')}
                  @click=${() => this.#dismiss(toast.id, true)}
                >
                  ${closeIcon}
                </button>
              </li>
            `,
          )}
        </ol>
        <div class="visually-hidden" aria-live="polite">
          ${repeat(
            polite,
            (toast) => toast.id,
            (toast) => html`<p lang=${toast.lang}>${toast.announced}</p>`,
          )}
        </div>
        <div class="visually-hidden" aria-live="assertive">
          ${repeat(
            assertive,
            (toast) => toast.id,
            (toast) => html`<p lang=${toast.lang}>${toast.announced}</p>`,
          )}
        </div>
      </section>
    `;
  }

  #onPointerEnter(): void {
    this.#hovered = true;
    this.#updatePause();
  }

  #onPointerLeave(): void {
    this.#hovered = false;
    this.#updatePause();
  }

  #onFocusIn(): void {
    this.#focused = true;
    this.#updatePause();
  }

  #onFocusOut(event: FocusEvent): void {
    const region = event.currentTarget as HTMLElement;
    this.#focused = event.relatedTarget instanceof Node && region.contains(event.relatedTarget);
    this.#updatePause();
  }

  /** Attaches the listeners to one live's stores; returns what detaches them. */
  #attach(stores: LiveStores): () => void {
    const t = this.#i18n.t.bind(this.#i18n);
    const name = (user: UserInfo): string => isolate(displayName(user));
    const host: HostListener = {
      onApplicationReceived: (user) =>
        this.#notify('application-received', user, () =>
          t('notify.applicationReceived', { name: name(user) }),
        ),
      onApplicationCancelled: (user) =>
        this.#notify('application-cancelled', user, () =>
          t('notify.applicationCancelled', { name: name(user) }),
        ),
      onApplicationTimeout: (user) =>
        this.#notify('application-timeout', user, () =>
          t('notify.applicationTimedOut', { name: name(user) }),
        ),
      onInvitationAccepted: (user) =>
        this.#notify('invitation-accepted', user, () => t('notify.invitationAccepted', { name: name(user) })),
      onInvitationRejected: (user) =>
        this.#notify('invitation-rejected', user, () => t('notify.invitationRejected', { name: name(user) })),
      onInvitationTimeout: (user) =>
        this.#notify('invitation-timeout', user, () => t('notify.invitationTimedOut', { name: name(user) })),
    };
    const guest: GuestListener = {
      onInvitationReceived: (user) =>
        this.#notify('invitation-received', user, () => t('notify.invitationReceived', { name: name(user) })),
      onInvitationCancelled: (user) =>
        this.#notify('invitation-cancelled', user, () =>
          t('notify.invitationCancelled', { name: name(user) }),
        ),
      onApplicationAccepted: (user) =>
        this.#notify('request-accepted', user, () => t('notify.requestAccepted')),
      onApplicationRejected: (user) =>
        this.#notify('request-rejected', user, () => t('notify.requestRejected')),
      onApplicationTimeout: () => this.#notify('request-timeout', null, () => t('notify.requestTimedOut')),
      onKickedOffSeat: (_seatIndex, user) => this.#notify('kicked', user, () => t('notify.kicked')),
    };
    const seat: LiveSeatListener = {
      onLocalMicrophoneClosedByAdmin: () =>
        this.#notify('microphone-closed', null, () => t('notify.microphoneClosed')),
      onLocalMicrophoneForbiddenByAdmin: () =>
        this.#notify('microphone-forbidden', null, () => t('notify.microphoneForbidden')),
      onLocalMicrophoneOpenedByAdmin: () =>
        this.#notify('microphone-allowed', null, () => t('notify.microphoneAllowed')),
      onLocalCameraClosedByAdmin: () => this.#notify('camera-closed', null, () => t('notify.cameraClosed')),
      onLocalCameraForbiddenByAdmin: () =>
        this.#notify('camera-forbidden', null, () => t('notify.cameraForbidden')),
      onLocalCameraOpenedByAdmin: () => this.#notify('camera-allowed', null, () => t('notify.cameraAllowed')),
    };
    const lives: LiveListListener = {
      onLiveEnded: (liveId) => {
        if (liveId === stores.liveId) this.#notify('live-ended', null, () => t('notify.liveEnded'));
      },
    };
    const { coGuest, seats, session } = stores;
    coGuest.addHostListener(host);
    coGuest.addGuestListener(guest);
    seats.addLiveSeatEventListener(seat);
    session.liveListStore.addLiveListListener(lives);
    // Hosts hear of a seated guest whose connection dropped, then that they are back or, once the
    // grace period is over, that their seat is free. (The seats say it: `userInfo.connection`.)
    let lost: ReadonlyMap<string, UserInfo> | null = null;
    const stopSeats = seats.seatList.subscribe((list) => {
      const before = lost;
      const now = new Map<string, UserInfo>();
      for (const { userInfo } of list)
        if (userInfo?.connection === 'lost') now.set(userInfo.userId, userInfo);
      lost = now;
      if (before === null || seats.liveEnded.get() || !isManager(stores.audience.selfRole.get())) return;
      for (const [userId, user] of now) {
        if (!before.has(userId)) {
          this.#notify('guest-reconnecting', user, () => t('notify.guestReconnecting', { name: name(user) }));
        }
      }
      for (const [userId, user] of before) {
        if (now.has(userId)) continue;
        const back = list.some((item) => item.userInfo?.userId === userId);
        this.#notify(back ? 'guest-back' : 'guest-gone', user, () =>
          t(back ? 'notify.guestBack' : 'notify.guestGone', { name: name(user) }),
        );
      }
    });
    // A question that has been answered leaves the toasts.
    const stopApplicants = coGuest.coGuestState.applicants.subscribe((list) => {
      const waiting = new Set(list.map((applicant) => applicant.userId));
      this.#withdraw((toast) => toast.kind === 'application-received' && !waiting.has(toast.userId ?? ''));
    });
    const stopInvitation = coGuest.coGuestState.selfInvitation.subscribe((invitation) => {
      if (invitation === null) this.#withdraw((toast) => toast.kind === 'invitation-received');
    });
    return () => {
      stopApplicants();
      stopInvitation();
      stopSeats();
      coGuest.removeHostListener(host);
      coGuest.removeGuestListener(guest);
      seats.removeLiveSeatEventListener(seat);
      session.liveListStore.removeLiveListListener(lives);
    };
  }

  /** Fires `live-notification` and, unless vetoed, announces and shows the toast. */
  #notify(kind: NotificationKind, user: UserInfo | null, text: () => string): void {
    if (!this.#shows(kind)) return;
    const message = text();
    const event = new LiveNotificationEvent(kind, message, user);
    this.dispatchEvent(event);
    if (event.defaultPrevented) return;
    // "Forbidden" right after "closed" for the same device tells the whole story on its own.
    if (kind === 'microphone-forbidden' || kind === 'camera-forbidden') {
      const closed = kind === 'microphone-forbidden' ? 'microphone-closed' : 'camera-closed';
      const last = this.#toasts[this.#toasts.length - 1];
      if (last?.kind === closed) this.#remove(last.id);
    }
    const toast: Toast = {
      id: this.#nextId++,
      kind,
      userId: user?.userId ?? null,
      text,
      announced: message,
      lang: this.#i18n.lang,
      assertive: ASSERTIVE.has(kind),
      remaining: this.duration > 0 ? this.duration : Infinity,
      started: 0,
      timer: undefined,
    };
    this.#toasts = [...this.#toasts, toast];
    const max = Math.max(1, Math.floor(this.max) || 1);
    while (this.#toasts.length > max) {
      const oldest = this.#toasts[0];
      if (oldest === undefined) break;
      this.#remove(oldest.id);
    }
    this.#start(toast);
    this.requestUpdate();
  }

  /** Removes a toast; from its Dismiss button, focus moves to a neighbour's. */
  #dismiss(id: number, fromButton: boolean): void {
    const index = this.#toasts.findIndex((toast) => toast.id === id);
    if (index < 0) return;
    this.#remove(id);
    this.requestUpdate();
    if (!fromButton) return;
    const neighbour = this.#toasts[index] ?? this.#toasts[index - 1];
    if (neighbour === undefined) {
      // The focused button goes with its toast: nothing in the region holds focus any more.
      this.#focused = false;
      this.#updatePause();
      return;
    }
    void this.updateComplete.then(() => {
      const buttons = this.renderRoot.querySelectorAll<HTMLElement>('[part~="dismiss-button"]');
      buttons[this.#toasts.indexOf(neighbour)]?.focus();
    });
  }

  #remove(id: number): void {
    const toast = this.#toasts.find((item) => item.id === id);
    if (toast === undefined) return;
    clearTimeout(toast.timer);
    this.#toasts = this.#toasts.filter((item) => item.id !== id);
  }

  /** Removes the toasts that `answered` says no longer ask anything. */
  #withdraw(answered: (toast: Toast) => boolean): void {
    const gone = this.#toasts.filter(answered);
    for (const toast of gone) this.#remove(toast.id);
    if (gone.length > 0) this.requestUpdate();
  }

  /** Whether `types` lets `kind` through. */
  #shows(kind: NotificationKind): boolean {
    const kinds = (this.types ?? '').split(/\s+/).filter((item) => item !== '');
    return kinds.length === 0 || kinds.includes(kind);
  }

  get #paused(): boolean {
    return this.#hovered || this.#focused;
  }

  #updatePause(): void {
    toggleState(this.#internals, 'paused', this.#paused);
    for (const toast of this.#toasts) {
      if (this.#paused) this.#stop(toast);
      else this.#start(toast);
    }
  }

  #start(toast: Toast): void {
    if (this.#paused || toast.timer !== undefined || toast.remaining === Infinity) return;
    toast.started = Date.now();
    toast.timer = setTimeout(() => {
      toast.timer = undefined;
      this.#dismiss(toast.id, false);
    }, toast.remaining);
  }

  #stop(toast: Toast): void {
    if (toast.timer === undefined) return;
    clearTimeout(toast.timer);
    toast.timer = undefined;
    toast.remaining = Math.max(0, toast.remaining - (Date.now() - toast.started));
  }
}

customElements.define('live-notifications', LiveNotifications);

declare global {
  interface HTMLElementTagNameMap {
    'live-notifications': LiveNotifications;
  }
}
