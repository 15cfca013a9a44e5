import { html, nothing, type TemplateResult } from 'lit';
import { secondsLeft } from '../../controllers/clock-controller.js';
import type { InviteeInfo } from '../../core/co-guest-store.js';
import type { LocalizeController } from '../../i18n/localize-controller.js';
import { displayName, isolate } from '../../utils/safe-url.js';
import { avatar } from '../shared/avatar.js';

export { default as styles } from './invitation-card.styles.js';

/**
 * What `<invitation-prompt>` hands its card for one render. The handlers are the element's own
 * methods: Lit calls them with the element as `this`.
 */
export interface CardView {
  /** The invitation on screen, or `null` (the card stays in the page, closed). */
  readonly invitation: InviteeInfo | null;
  readonly i18n: LocalizeController;
  /** The server's time now, for the countdown. */
  readonly now: number;
  readonly busy: boolean;
  /** Why the last answer failed, or `null`. */
  readonly notice: string | null;
  /** Whether this avatar URL failed to load before. */
  readonly avatarFailed: (url: string) => boolean;
  readonly onAvatarError: (event: Event) => void;
  readonly onAccept: () => void;
  readonly onDecline: () => void;
  readonly onKeyDown: (event: KeyboardEvent) => void;
}

/**
 * The card of `<invitation-prompt>`, with its styles: a module of its own, loaded the first time an
 * invitation arrives, so that a page whose user is never invited never loads it
 * (docs/decisions/0037). The element keeps what follows the live (the events, the focus, the
 * answers); this draws the `<dialog>`.
 */
export function card(view: CardView): TemplateResult {
  return html`<dialog
    class="card"
    part="card"
    role="alertdialog"
    aria-modal="false"
    aria-labelledby="message"
    aria-describedby="details"
    .popover=${'manual'}
    @keydown=${view.onKeyDown}
  >
    ${view.invitation === null ? nothing : invitationBody(view.invitation, view)}
  </dialog>`;
}

function invitationBody(invitation: InviteeInfo, view: CardView): TemplateResult {
  const inviter = invitation.inviter;
  const name = displayName(inviter);
  const seconds = secondsLeft(invitation.deadline, view.now);
  const t = view.i18n;
  const busy = view.busy ? 'true' : 'false';
  const message =
    invitation.seatIndex < 0
      ? t.t('invitation.message', { name: isolate(name) })
      : t.t('invitation.messageSeat', { name: isolate(name), index: invitation.seatIndex + 1 });
  return html`
    ${avatar(name, inviter.avatarUrl, view.avatarFailed, view.onAvatarError)}
    <div class="body">
      <p class="message" id="message" part="message">${message}</p>
      <div class="details" id="details">
        <p class="extra-info" part="extra-info" ?hidden=${invitation.extraInfo === ''}>
          ${invitation.extraInfo}
        </p>
        <p class="countdown" part="countdown" ?hidden=${seconds === null}>
          ${seconds === null ? nothing : t.t('invitation.expires', { seconds })}
        </p>
      </div>
      <div class="actions">
        <button
          class="decline"
          part="decline-button"
          type="button"
          aria-label=${t.t('invitation.declineFrom', { name: isolate(name) })}
          aria-disabled=${busy}
          @click=${view.onDecline}
        >
          ${t.t('invitation.decline')}
        </button>
        <button
          class="accept"
          part="accept-button"
          type="button"
          aria-label=${t.t('invitation.acceptFrom', { name: isolate(name) })}
          aria-disabled=${busy}
          @click=${view.onAccept}
        >
          ${t.t('invitation.accept')}
        </button>
      </div>
      <p class="error" part="error" ?hidden=${view.notice === null}>${view.notice}</p>
    </div>
  `;
}
