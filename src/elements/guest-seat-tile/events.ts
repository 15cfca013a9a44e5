import type { SeatUserInfo } from '../../protocol/types.js';

/** An occupied tile was activated (click, Enter or Space on a `selectable` tile). */
export class SeatSelectEvent extends Event {
  static readonly type = 'seat-select';

  /** The seat's index (0-based, as in `SeatInfo`). */
  readonly seatIndex: number;
  /** The user on the seat. */
  readonly userInfo: SeatUserInfo;

  constructor(seatIndex: number, userInfo: SeatUserInfo) {
    super(SeatSelectEvent.type, { bubbles: true, composed: true });
    this.seatIndex = seatIndex;
    this.userInfo = userInfo;
  }
}

/** An empty tile was activated (click, Enter or Space on a `selectable` tile). */
export class EmptySeatSelectEvent extends Event {
  static readonly type = 'empty-seat-select';

  /** The seat's index (0-based, as in `SeatInfo`). */
  readonly seatIndex: number;
  /** Whether the seat is locked (only a host may unlock it). */
  readonly isLocked: boolean;

  constructor(seatIndex: number, isLocked: boolean) {
    super(EmptySeatSelectEvent.type, { bubbles: true, composed: true });
    this.seatIndex = seatIndex;
    this.isLocked = isLocked;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'seat-select': SeatSelectEvent;
    'empty-seat-select': EmptySeatSelectEvent;
  }
}
