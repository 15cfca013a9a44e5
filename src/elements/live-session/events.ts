import type { Session } from '../../core/session.js';
import type { ErrorCode } from '../../protocol/errors.js';
import type { LiveSessionError } from './session-controller.js';

/** The session logged in and entered its live (or, with no `live-id`, only logged in). */
export class SessionReadyEvent extends Event {
  static readonly type = 'session-ready';

  /** The session the element provides. */
  readonly session: Session;
  /** The live it entered, or `null` when it has no `live-id` and the session is in no live. */
  readonly liveId: string | null;

  constructor(session: Session, liveId: string | null) {
    super(SessionReadyEvent.type, { bubbles: true, composed: true });
    this.session = session;
    this.liveId = liveId;
  }
}

/** The element could not log in or enter its live; it is in its `error` state. */
export class SessionErrorEvent extends Event implements LiveSessionError {
  static readonly type = 'session-error';

  readonly errorCode: ErrorCode;
  readonly errorMessage: string;

  constructor(errorCode: ErrorCode, errorMessage: string) {
    super(SessionErrorEvent.type, { bubbles: true, composed: true });
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'session-ready': SessionReadyEvent;
    'session-error': SessionErrorEvent;
  }
}
