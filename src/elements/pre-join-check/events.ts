/** The devices the user chose in `<pre-join-check>`. */
export interface PreJoinChoice {
  /** Whether the camera is on. */
  readonly camera: boolean;
  /** Whether the microphone is on. */
  readonly microphone: boolean;
  /** The `deviceId` of the chosen camera, `null` for the browser's default. */
  readonly cameraId: string | null;
  /** The `deviceId` of the chosen microphone, `null` for the browser's default. */
  readonly microphoneId: string | null;
  /** The `deviceId` of the chosen speaker, `null` for the default output. */
  readonly speakerId: string | null;
}

/**
 * The user confirmed the check ("Join", "Go live"). Cancelable: `preventDefault()` and the check
 * stays open, its devices untouched. Otherwise the devices stay open for the live.
 */
export class PreJoinConfirmEvent extends Event {
  static readonly type = 'pre-join-confirm';

  /** The devices chosen. */
  readonly choice: PreJoinChoice;

  constructor(choice: PreJoinChoice) {
    super(PreJoinConfirmEvent.type, { bubbles: true, composed: true, cancelable: true });
    this.choice = choice;
  }
}

/** The user left the check without joining: the devices it opened are closed. */
export class PreJoinCancelEvent extends Event {
  static readonly type = 'pre-join-cancel';

  constructor() {
    super(PreJoinCancelEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'pre-join-confirm': PreJoinConfirmEvent;
    'pre-join-cancel': PreJoinCancelEvent;
  }
}
