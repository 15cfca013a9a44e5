import type { InviteeInfo } from '../../core/co-guest-store.js';
import type { UserInfo } from '../../protocol/types.js';

/** An event about one invitation addressed to the viewer. */
abstract class InvitationEvent extends Event {
  /** The invitation (inviter, seat, extra info, deadline). */
  readonly invitation: InviteeInfo;

  constructor(type: string, invitation: InviteeInfo, cancelable: boolean) {
    super(type, { bubbles: true, composed: true, cancelable });
    this.invitation = invitation;
  }

  /** The host who sent the invitation. */
  get inviter(): UserInfo {
    return this.invitation.inviter;
  }
}

/** An invitation arrived and the prompt opened for it. */
export class InvitationReceivedEvent extends InvitationEvent {
  static readonly type = 'invitation-received';

  constructor(invitation: InviteeInfo) {
    super(InvitationReceivedEvent.type, invitation, false);
  }
}

/** The user asks to accept. Cancelable: `preventDefault()` and nothing is sent. */
export class InvitationAcceptEvent extends InvitationEvent {
  static readonly type = 'invitation-accept';

  constructor(invitation: InviteeInfo) {
    super(InvitationAcceptEvent.type, invitation, true);
  }
}

/** The user asks to decline (Decline button or Escape). Cancelable. */
export class InvitationDeclineEvent extends InvitationEvent {
  static readonly type = 'invitation-decline';

  constructor(invitation: InviteeInfo) {
    super(InvitationDeclineEvent.type, invitation, true);
  }
}

/** The host withdrew the invitation. */
export class InvitationCancelledEvent extends InvitationEvent {
  static readonly type = 'invitation-cancelled';

  constructor(invitation: InviteeInfo) {
    super(InvitationCancelledEvent.type, invitation, false);
  }
}

/** The invitation ended unanswered: its deadline passed. */
export class InvitationTimeoutEvent extends InvitationEvent {
  static readonly type = 'invitation-timeout';

  constructor(invitation: InviteeInfo) {
    super(InvitationTimeoutEvent.type, invitation, false);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'invitation-received': InvitationReceivedEvent;
    'invitation-accept': InvitationAcceptEvent;
    'invitation-decline': InvitationDeclineEvent;
    'invitation-cancelled': InvitationCancelledEvent;
    'invitation-timeout': InvitationTimeoutEvent;
  }
}
