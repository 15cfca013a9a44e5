import type { Device, SeatUserInfo } from '../../protocol/types.js';

/**
 * What every `<seat-menu>` event carries. Each event type has its own subclass; all are fired
 * before the action, bubble, are composed and cancelable: `preventDefault()` vetoes the action.
 */
export abstract class SeatMenuEvent extends Event {
  /** The seat's index (0-based, as in `SeatInfo`). */
  readonly seatIndex: number;

  constructor(type: string, seatIndex: number) {
    super(type, { bubbles: true, composed: true, cancelable: true });
    this.seatIndex = seatIndex;
  }
}

/** The host chose "Kick off seat": the user is about to be taken off the seat. */
export class SeatKickEvent extends SeatMenuEvent {
  static readonly type = 'seat-kick';

  /** The user on the seat. */
  readonly userInfo: SeatUserInfo;

  constructor(seatIndex: number, userInfo: SeatUserInfo) {
    super(SeatKickEvent.type, seatIndex);
    this.userInfo = userInfo;
  }
}

/** The host chose "Close microphone" or "Close camera": the device is about to be turned off. */
export class SeatDeviceCloseEvent extends SeatMenuEvent {
  static readonly type = 'seat-device-close';

  /** The user on the seat. */
  readonly userInfo: SeatUserInfo;
  /** The device to turn off. */
  readonly device: Device;

  constructor(seatIndex: number, userInfo: SeatUserInfo, device: Device) {
    super(SeatDeviceCloseEvent.type, seatIndex);
    this.userInfo = userInfo;
    this.device = device;
  }
}

/**
 * The host chose "Allow microphone" or "Allow camera": the user is about to be allowed to open the
 * device again. It stays off until the user opens it.
 */
export class SeatDeviceAllowEvent extends SeatMenuEvent {
  static readonly type = 'seat-device-allow';

  /** The user on the seat. */
  readonly userInfo: SeatUserInfo;
  /** The device to allow. */
  readonly device: Device;

  constructor(seatIndex: number, userInfo: SeatUserInfo, device: Device) {
    super(SeatDeviceAllowEvent.type, seatIndex);
    this.userInfo = userInfo;
    this.device = device;
  }
}

/** The host chose "Forbid microphone" or "Forbid camera": the device is about to be turned off and locked. */
export class SeatDeviceForbidEvent extends SeatMenuEvent {
  static readonly type = 'seat-device-forbid';

  /** The user on the seat. */
  readonly userInfo: SeatUserInfo;
  /** The device to forbid. */
  readonly device: Device;

  constructor(seatIndex: number, userInfo: SeatUserInfo, device: Device) {
    super(SeatDeviceForbidEvent.type, seatIndex);
    this.userInfo = userInfo;
    this.device = device;
  }
}

/** The host chose "Lock seat". */
export class SeatLockEvent extends SeatMenuEvent {
  static readonly type = 'seat-lock';

  /** The user on the seat (who keeps it: the lock applies to the next user), or `null` for an empty seat. */
  readonly userInfo: SeatUserInfo | null;

  constructor(seatIndex: number, userInfo: SeatUserInfo | null) {
    super(SeatLockEvent.type, seatIndex);
    this.userInfo = userInfo;
  }
}

/** The host chose "Unlock seat". */
export class SeatUnlockEvent extends SeatMenuEvent {
  static readonly type = 'seat-unlock';

  /** The user on the seat, or `null` for an empty seat. */
  readonly userInfo: SeatUserInfo | null;

  constructor(seatIndex: number, userInfo: SeatUserInfo | null) {
    super(SeatUnlockEvent.type, seatIndex);
    this.userInfo = userInfo;
  }
}

/** The host chose "Move to seat N": the user is about to move to a free seat. */
export class SeatMoveEvent extends SeatMenuEvent {
  static readonly type = 'seat-move';

  /** The user on the seat. */
  readonly userInfo: SeatUserInfo;
  /** The free seat the user moves to (0-based). */
  readonly targetIndex: number;

  constructor(seatIndex: number, userInfo: SeatUserInfo, targetIndex: number) {
    super(SeatMoveEvent.type, seatIndex);
    this.userInfo = userInfo;
    this.targetIndex = targetIndex;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'seat-kick': SeatKickEvent;
    'seat-device-close': SeatDeviceCloseEvent;
    'seat-device-allow': SeatDeviceAllowEvent;
    'seat-device-forbid': SeatDeviceForbidEvent;
    'seat-lock': SeatLockEvent;
    'seat-unlock': SeatUnlockEvent;
    'seat-move': SeatMoveEvent;
  }
}
