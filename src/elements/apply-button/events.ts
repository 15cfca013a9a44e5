import type { ErrorCode } from '../../protocol/errors.js';
import type { Device, UserInfo } from '../../protocol/types.js';

/** The user asks to apply for a seat. Cancelable: `preventDefault()` and nothing is sent. */
export class ApplyRequestEvent extends Event {
  static readonly type = 'apply-request';

  /** The seat asked for; `-1` for any free seat. */
  readonly seatIndex: number;
  /** Seconds before the request times out; `0` for never. */
  readonly timeout: number;
  /** The text sent to the hosts with the request. */
  readonly extraInfo: string;

  constructor(seatIndex: number, timeout: number, extraInfo: string) {
    super(ApplyRequestEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.seatIndex = seatIndex;
    this.timeout = timeout;
    this.extraInfo = extraInfo;
  }
}

/** The user asks to withdraw their pending request. Cancelable. */
export class ApplyCancelEvent extends Event {
  static readonly type = 'apply-cancel';

  constructor() {
    super(ApplyCancelEvent.type, { bubbles: true, composed: true, cancelable: true });
  }
}

/** The seated user asks to leave their seat. Cancelable. */
export class SeatLeaveEvent extends Event {
  static readonly type = 'seat-leave';

  constructor() {
    super(SeatLeaveEvent.type, { bubbles: true, composed: true, cancelable: true });
  }
}

/** A host accepted the user's request: the user is on a seat. */
export class ApplicationAcceptedEvent extends Event {
  static readonly type = 'application-accepted';

  /** The host who accepted (the owner when the live seats people without a host, `free` mode). */
  readonly hostUser: UserInfo;
  /**
   * The devices this element opens (from its `devices` attribute); empty when the
   * request was not sent by this element.
   */
  readonly devices: readonly Device[];

  constructor(hostUser: UserInfo, devices: readonly Device[]) {
    super(ApplicationAcceptedEvent.type, { bubbles: true, composed: true });
    this.hostUser = hostUser;
    this.devices = devices;
  }
}

/** A host rejected the user's request. */
export class ApplicationRejectedEvent extends Event {
  static readonly type = 'application-rejected';

  /** The host who rejected. */
  readonly hostUser: UserInfo;

  constructor(hostUser: UserInfo) {
    super(ApplicationRejectedEvent.type, { bubbles: true, composed: true });
    this.hostUser = hostUser;
  }
}

/** Nobody answered the user's request before its deadline. */
export class ApplicationTimeoutEvent extends Event {
  static readonly type = 'application-timeout';

  constructor() {
    super(ApplicationTimeoutEvent.type, { bubbles: true, composed: true });
  }
}

/** The user's request could not complete (the seat was taken or locked, every seat is taken...). */
export class ApplicationFailedEvent extends Event {
  static readonly type = 'application-failed';

  /** Why (`ErrorCode`: `SEAT_OCCUPIED`, `ALL_SEATS_OCCUPIED`, `SEAT_LOCKED`, `LIVE_ENDED`...). */
  readonly errorCode: ErrorCode;
  /** A readable message in English (for logs; the element shows a localized text). */
  readonly errorMessage: string;

  constructor(errorCode: ErrorCode, errorMessage: string) {
    super(ApplicationFailedEvent.type, { bubbles: true, composed: true });
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
  }
}

/** A host took the user off their seat. */
export class KickedOffSeatEvent extends Event {
  static readonly type = 'kicked-off-seat';

  /** The seat the user was on (0-based). */
  readonly seatIndex: number;
  /** The host who did it. */
  readonly hostUser: UserInfo;

  constructor(seatIndex: number, hostUser: UserInfo) {
    super(KickedOffSeatEvent.type, { bubbles: true, composed: true });
    this.seatIndex = seatIndex;
    this.hostUser = hostUser;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'apply-request': ApplyRequestEvent;
    'apply-cancel': ApplyCancelEvent;
    'seat-leave': SeatLeaveEvent;
    'application-accepted': ApplicationAcceptedEvent;
    'application-rejected': ApplicationRejectedEvent;
    'application-timeout': ApplicationTimeoutEvent;
    'application-failed': ApplicationFailedEvent;
    'kicked-off-seat': KickedOffSeatEvent;
  }
}
