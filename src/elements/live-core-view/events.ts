/**
 * An audience member activated an empty seat: they ask to apply for it. Cancelable: unless
 * `preventDefault()` is called, the view calls `coGuestStore.applyForSeat({ seatIndex })`.
 */
export class SeatApplyRequestEvent extends Event {
  static readonly type = 'seat-apply-request';

  /** The seat asked for (0-based, as in `SeatInfo`). */
  readonly seatIndex: number;

  constructor(seatIndex: number) {
    super(SeatApplyRequestEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.seatIndex = seatIndex;
  }
}

/**
 * A host activated an empty seat: they want to invite someone to it. The view does nothing else:
 * the page opens its audience list (`<audience-list>`) and invites from there.
 */
export class SeatInviteRequestEvent extends Event {
  static readonly type = 'seat-invite-request';

  /** The seat to invite someone to (0-based, as in `SeatInfo`). */
  readonly seatIndex: number;

  constructor(seatIndex: number) {
    super(SeatInviteRequestEvent.type, { bubbles: true, composed: true });
    this.seatIndex = seatIndex;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'seat-apply-request': SeatApplyRequestEvent;
    'seat-invite-request': SeatInviteRequestEvent;
  }
}
