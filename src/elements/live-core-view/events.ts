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

/**
 * The viewer pressed a tile's pin control to show its user large (`pinned`). Cancelable: unless
 * `preventDefault()` is called, the view sets `pinned` to `userId`. Only this viewer's view
 * changes; nobody else is told.
 */
export class SeatPinEvent extends Event {
  static readonly type = 'seat-pin';

  /** The seat of the tile (0-based, as in `SeatInfo`). */
  readonly seatIndex: number;
  /** The user to pin. */
  readonly userId: string;

  constructor(seatIndex: number, userId: string) {
    super(SeatPinEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.seatIndex = seatIndex;
    this.userId = userId;
  }
}

/**
 * The viewer pressed the pin control of the pinned tile to unpin it. Cancelable: unless
 * `preventDefault()` is called, the view sets `pinned` to `null`.
 */
export class SeatUnpinEvent extends Event {
  static readonly type = 'seat-unpin';

  /** The seat of the tile (0-based, as in `SeatInfo`). */
  readonly seatIndex: number;
  /** The user who was pinned. */
  readonly userId: string;

  constructor(seatIndex: number, userId: string) {
    super(SeatUnpinEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.seatIndex = seatIndex;
    this.userId = userId;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'seat-apply-request': SeatApplyRequestEvent;
    'seat-invite-request': SeatInviteRequestEvent;
    'seat-pin': SeatPinEvent;
    'seat-unpin': SeatUnpinEvent;
  }
}
