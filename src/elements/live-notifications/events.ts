import type { UserInfo } from '../../protocol/types.js';
import type { NotificationKind } from './live-notifications.js';

/**
 * A notification is about to be shown. Cancelable: `preventDefault()` keeps the element from showing
 * and announcing it (the page may show its own). Bubbles, composed.
 */
export class LiveNotificationEvent extends Event {
  static readonly type = 'live-notification';

  /** What happened. */
  readonly kind: NotificationKind;
  /**
   * The localized text the element would show (plain text; user names in it are wrapped in Unicode
   * isolation marks, U+2068 … U+2069).
   */
  readonly message: string;
  /**
   * The other person concerned: the guest for host notifications, the host for the audience's
   * (`null` when the event does not name one: device changes, timeouts of one's own request, the
   * end of the live).
   */
  readonly user: UserInfo | null;

  constructor(kind: NotificationKind, message: string, user: UserInfo | null) {
    super(LiveNotificationEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.kind = kind;
    this.message = message;
    this.user = user;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'live-notification': LiveNotificationEvent;
  }
}
