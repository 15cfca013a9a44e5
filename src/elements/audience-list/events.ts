import type { LiveMember } from '../../protocol/types.js';

/** The host is about to invite a member to a seat. Cancel it to send no invitation. */
export class MemberInviteEvent extends Event {
  static readonly type = 'member-invite';

  /** The member to invite. */
  readonly userId: string;
  /** The seat of the invitation (`seat-index`; `-1` for any free seat). */
  readonly seatIndex: number;
  /** The member. */
  readonly member: LiveMember;

  constructor(member: LiveMember, seatIndex: number) {
    super(MemberInviteEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.userId = member.userId;
    this.seatIndex = seatIndex;
    this.member = member;
  }
}

/** The host is about to withdraw an invitation. Cancel it to keep the invitation. */
export class InvitationCancelEvent extends Event {
  static readonly type = 'invitation-cancel';

  /** The invited member. */
  readonly userId: string;
  /** The member. */
  readonly member: LiveMember;

  constructor(member: LiveMember) {
    super(InvitationCancelEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.userId = member.userId;
    this.member = member;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'member-invite': MemberInviteEvent;
    'invitation-cancel': InvitationCancelEvent;
  }
}
