/** The user asks to switch cameras. Cancelable: `preventDefault()` and nothing happens. */
export class CameraSwitchEvent extends Event {
  static readonly type = 'camera-switch';

  /** The camera asked for: `true` for the one facing the user, `false` for the one facing the world. */
  readonly isFront: boolean;

  constructor(isFront: boolean) {
    super(CameraSwitchEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.isFront = isFront;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'camera-switch': CameraSwitchEvent;
  }
}
