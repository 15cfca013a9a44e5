import { html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { ClockController } from '../../controllers/clock-controller.js';
import { LiveController, type LiveStores } from '../../controllers/live-controller.js';
import { ThemeController } from '../../controllers/theme-controller.js';
import type { GuestListener, InviteeInfo } from '../../core/co-guest-store.js';
import type { Session } from '../../core/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { errorMessage } from '../../i18n/messages.js';
import type { Result } from '../../protocol/result.js';
import { base, tokens } from '../../styles/tokens.js';
import { setStates } from '../../utils/custom-states.js';
import { displayName, isolate } from '../../utils/safe-url.js';
import { openDevices, parseDevices } from '../shared/devices.js';
import { perform } from '../shared/events.js';
import styles from './invitation-prompt.styles.js';
import {
  InvitationReceivedEvent,
  InvitationAcceptEvent,
  InvitationDeclineEvent,
  InvitationCancelledEvent,
  InvitationTimeoutEvent,
} from './events.js';

export * from './events.js';

type CardModule = typeof import('./invitation-card.js');

/** The focused element, looking into shadow roots. */
function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active instanceof HTMLElement && active !== document.body ? active : null;
}

/**
 * The audience's answer to a host's invitation (the seed's `onInvitationReceived` dialog): a
 * non-modal dialog, "Ada invites you to join", with the inviter's avatar, the invitation's extra info,
 * a countdown to its deadline, and Accept / Decline. It shows while `coGuestState.selfInvitation` is
 * set, and hides itself otherwise (`:state(open)`; it never touches the page's attributes).
 *
 * The card is a `<dialog>` shown as a popover (`popover="manual"`): in the top layer, in the middle
 * of the viewport, above the page and its toasts wherever the page is scrolled and wherever the
 * element sits in it, so the invitation can always be answered. The page stays usable behind it.
 * Its code and styles load with the first invitation (a page whose user is never invited never
 * fetches them); the card opens once they are there, and `updateComplete` waits for them.
 *
 * Accept calls `acceptInvitation(inviterId)`: the user is seated, and the element opens the devices
 * named in `devices` on the session's `DeviceStore` (`openLocalCamera`, `openLocalMicrophone`),
 * which publishes them to the seat, as the seed opens camera and microphone after accepting.
 * Decline calls `rejectInvitation`.
 *
 * Focus: when the card opens, focus moves to Accept (without scrolling the page) and the element
 * remembers where focus was; when it closes (accepted, declined, withdrawn by the host, expired),
 * focus goes back there, if focus was inside the card. **Escape declines** (like the Decline button,
 * it fires the cancelable `invitation-decline` first): a non-modal prompt the user dismisses is an
 * answer the host should get, rather than an invitation left to time out.
 *
 * The card is an `alertdialog` (named by its message, described by the extra info and countdown), so
 * assistive technology announces it when focus moves in. Why it closed without an answer (withdrawn,
 * expired) and errors go to a polite live region (`status` part, visually hidden); errors also show
 * in the card (`error` part).
 *
 * An invitation that disappears while the user is still in the live, not seated, and did not answer
 * it counts as expired (the core reports no timeout to the invitee): `invitation-timeout`.
 *
 * @summary A host's invitation to a seat: Accept or Decline, with a countdown.
 *
 * @csspart card - The card (a `<dialog>` with `role="alertdialog"`, in the top layer), shown while
 *   there is an invitation.
 * @csspart avatar - The inviter's avatar image, or the initials shown instead.
 * @csspart message - "Ada invites you to join".
 * @csspart extra-info - The invitation's extra info (hidden when empty).
 * @csspart countdown - The time left to answer (hidden when the invitation has no deadline).
 * @csspart accept-button - The Accept button.
 * @csspart decline-button - The Decline button.
 * @csspart error - Why the last answer failed, in the card (hidden when there is nothing to say).
 * @csspart status - The live region for errors and for why the card closed (visually hidden).
 *
 * @cssproperty [--invitation-prompt-width=22rem] - Maximum width of the card.
 * @cssproperty [--invitation-prompt-background=var(--cg-color-surface-raised)] - Fill of the card.
 * @cssproperty [--invitation-prompt-radius=var(--cg-radius-l)] - Corner radius of the card.
 * @cssproperty [--invitation-prompt-avatar-size=40px] - Size of the avatar.
 *
 * @cssstate open - An invitation waits for an answer; the card shows.
 * @cssstate busy - An answer is on its way.
 *
 * @fires {InvitationReceivedEvent} invitation-received - The card opened for an invitation.
 * @fires {InvitationAcceptEvent} invitation-accept - Before accepting. Cancelable.
 * @fires {InvitationDeclineEvent} invitation-decline - Before declining (button or Escape). Cancelable.
 * @fires {InvitationCancelledEvent} invitation-cancelled - The host withdrew the invitation.
 * @fires {InvitationTimeoutEvent} invitation-timeout - The invitation expired unanswered.
 * @fires {ActionErrorEvent} action-error - `acceptInvitation`, `rejectInvitation` or
 *   `openLocalCamera` or `openLocalMicrophone` failed.
 *
 * Every event bubbles, is composed, and carries `invitation` and `inviter`.
 */
export class InvitationPrompt extends LitElement {
  static override styles = [tokens, base, styles];

  /** An explicit session; `null` (default) takes it from `<live-core-view>` or the default session. */
  @property({ attribute: false }) session: Session | null = null;

  /** The live; `null` (default) takes it from `<live-core-view>`. */
  @property({ attribute: 'live-id' }) liveId: string | null = null;

  /**
   * The devices to open once the user accepted: a space-separated list of `camera` and
   * `microphone`. Default `"camera microphone"`; `"microphone"` for a voice-only guest; `""` for none.
   */
  @property() devices = 'camera microphone';

  #internals = this.attachInternals();
  #i18n = new LocalizeController(this);
  #live = new LiveController(this);
  #clock = new ClockController(this, () => this.#live.session.serverNow());
  #invitation = this.#live.bind((live) => live.coGuest.coGuestState.selfInvitation, null);
  #busy = false;
  /** What the status part says (a function, so it follows the locale); `null` for nothing. */
  #notice: (() => string) | null = null;
  /** The invitation the events were fired for. */
  #tracked: InviteeInfo | null = null;
  /** The request the user answered (its disappearance is no timeout). */
  #answered: string | null = null;
  /** The host withdrew the tracked invitation (`onInvitationCancelled`). */
  #withdrawn = false;
  /** The invitation on screen. */
  #shownId: string | null = null;
  /** Where focus was before the card opened. */
  #returnFocus: HTMLElement | null = null;
  #focusAccept = false;
  #restoreFocus = false;
  /** An avatar URL that failed to load; the initials show instead until the URL changes. */
  #failedAvatarUrl = '';
  /** The card's module, once loaded (on the first invitation). */
  #card: CardModule | null = null;
  #cardLoading: Promise<void> | null = null;

  constructor() {
    super();
    new ThemeController(this);
    this.#live.listen((live) => this.#attach(live));
  }

  protected override willUpdate(): void {
    if (this.#invitation.value !== null) this.#loadCard();
    // The card shows an invitation once its code is there: until then, none is on screen.
    const invitation = this.#card === null ? null : this.#invitation.value;
    const id = invitation?.requestId ?? null;
    if (id !== this.#shownId) {
      // (Not `:focus-within`, which misses focus inside a popover of the shadow tree.)
      const focused = this.#shownId !== null && this.renderRoot.contains(deepActiveElement());
      if (id === null) {
        this.#restoreFocus = focused;
      } else {
        if (!focused) this.#returnFocus = deepActiveElement();
        this.#focusAccept = true;
        this.#failedAvatarUrl = '';
      }
      this.#shownId = id;
    }
    this.#clock.running = invitation !== null && invitation.deadline !== null;
    setStates(this.#internals, { open: invitation !== null, busy: this.#busy });
  }

  protected override render() {
    const notice = this.#notice?.() ?? null;
    return html`
      <div lang=${this.#i18n.lang}>
        ${
          this.#card === null
            ? nothing
            : this.#card.card({
                invitation: this.#invitation.value,
                i18n: this.#i18n,
                now: this.#clock.now(),
                busy: this.#busy,
                notice,
                avatarFailed: (url) => url === this.#failedAvatarUrl,
                onAvatarError: this.#onAvatarError,
                onAccept: this.#onAccept,
                onDecline: this.#onDecline,
                onKeyDown: this.#onKeyDown,
              })
        }
        <p class="visually-hidden" part="status" role="status">${notice}</p>
      </div>
    `;
  }

  /** Waits for the card's code too while it loads, so that an open card is rendered when it resolves. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    if (this.#card !== null || this.#cardLoading === null) return done;
    await this.#cardLoading;
    return super.getUpdateComplete();
  }

  protected override updated(): void {
    // In the top layer while open: in view and above the page wherever it is scrolled.
    const card = this.renderRoot.querySelector('dialog');
    if (card?.isConnected === true) card.togglePopover(this.#invitation.value !== null);
    if (this.#focusAccept) {
      this.#focusAccept = false;
      this.#restoreFocus = false;
      this.renderRoot.querySelector<HTMLButtonElement>('.accept')?.focus({ preventScroll: true });
    } else if (this.#restoreFocus) {
      this.#restoreFocus = false;
      const target = this.#returnFocus;
      this.#returnFocus = null;
      if (target?.isConnected === true) target.focus({ preventScroll: true });
    }
  }

  #onAccept(): void {
    void this.#answer('accept');
  }

  #onDecline(): void {
    void this.#answer('decline');
  }

  #onKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    void this.#answer('decline');
  }

  #onAvatarError(event: Event): void {
    this.#failedAvatarUrl = (event.target as HTMLImageElement).src;
    this.requestUpdate();
  }

  /** Loads the card's code and styles, once; a failed load is tried again on the next update. */
  #loadCard(): void {
    if (this.#card !== null || this.#cardLoading !== null) return;
    this.#cardLoading = import('./invitation-card.js').then(
      (module) => {
        const root = this.renderRoot;
        const sheet = module.styles.styleSheet;
        if (root instanceof ShadowRoot && sheet !== undefined) {
          root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
        }
        this.#card = module;
        this.requestUpdate();
      },
      (error: unknown) => {
        this.#cardLoading = null;
        console.error('<invitation-prompt>: the card failed to load', error);
      },
    );
  }

  async #answer(choice: 'accept' | 'decline'): Promise<void> {
    const invitation = this.#invitation.value;
    const live = this.#live.stores;
    if (this.#busy || invitation === null || live === null) return;
    const intent =
      choice === 'accept' ? new InvitationAcceptEvent(invitation) : new InvitationDeclineEvent(invitation);
    if (!this.dispatchEvent(intent)) return;
    const { requestId, inviter } = invitation;
    this.#notice = null;
    this.#answered = requestId;
    const accepted = await this.#run(choice === 'accept' ? 'acceptInvitation' : 'rejectInvitation', () =>
      choice === 'accept'
        ? live.coGuest.acceptInvitation(inviter.userId)
        : live.coGuest.rejectInvitation(inviter.userId),
    );
    if (live.coGuest.coGuestState.selfInvitation.get()?.requestId === requestId) this.#answered = null;
    if (!accepted || choice !== 'accept') return;
    const devices = parseDevices(this.devices);
    if (devices.length === 0) return;
    await openDevices(this, live.session, devices);
  }

  /** Runs a store action while busy, and shows its error. Resolves to whether it succeeded. */
  async #run<T>(action: string, run: () => Promise<Result<T>>): Promise<boolean> {
    this.#busy = true;
    this.requestUpdate();
    try {
      const result = await perform(this, action, run);
      if (!result.isSuccess) {
        const key = errorMessage(result.errorCode, 'invitation');
        this.#notice = () => this.#i18n.t(key);
      }
      return result.isSuccess;
    } finally {
      this.#busy = false;
      this.requestUpdate();
    }
  }

  /** Follows the live's invitation for the events; returns the detach function. */
  #attach(live: LiveStores): () => void {
    const listener: GuestListener = {
      onInvitationCancelled: () => {
        this.#withdrawn = true;
      },
    };
    live.coGuest.addGuestListener(listener);
    const selfInvitation = live.coGuest.coGuestState.selfInvitation;
    // The store changes before the listener hears why: decide once both happened.
    const stop = selfInvitation.subscribe(() => {
      queueMicrotask(() => {
        if (this.#live.stores === live) this.#follow(live);
      });
    });
    return () => {
      stop();
      live.coGuest.removeGuestListener(listener);
      this.#tracked = null;
      this.#withdrawn = false;
    };
  }

  #follow(live: LiveStores): void {
    const current = live.coGuest.coGuestState.selfInvitation.get();
    const previous = this.#tracked;
    if (previous?.requestId === current?.requestId) return;
    this.#tracked = current;
    if (previous !== null) this.#ended(live, previous);
    this.#withdrawn = false;
    if (current !== null) {
      this.#notice = null;
      this.requestUpdate();
      this.dispatchEvent(new InvitationReceivedEvent(current));
    }
  }

  /** `invitation` is gone: tell why, unless the user answered it. */
  #ended(live: LiveStores, invitation: InviteeInfo): void {
    if (this.#answered === invitation.requestId) {
      this.#answered = null;
      return;
    }
    if (this.#withdrawn) {
      const name = isolate(displayName(invitation.inviter));
      this.#notice = () => this.#i18n.t('invitation.cancelled', { name });
      this.requestUpdate();
      this.dispatchEvent(new InvitationCancelledEvent(invitation));
      return;
    }
    const member = live.audience.selfRole.get() !== null;
    const seated = live.coGuest.coGuestState.selfStatus.get() === 'connected';
    if (!member || seated) return;
    this.#notice = () => this.#i18n.t('invitation.timedOut');
    this.requestUpdate();
    this.dispatchEvent(new InvitationTimeoutEvent(invitation));
  }
}

customElements.define('invitation-prompt', InvitationPrompt);

declare global {
  interface HTMLElementTagNameMap {
    'invitation-prompt': InvitationPrompt;
  }
}
