import type { ErrorCode } from '../../protocol/errors.js';
import type { Result } from '../../protocol/result.js';

/**
 * An action of an element failed (the server refused it, the connection was down...). Every element
 * of the kit fires it for the actions it performs; it bubbles and is composed, so one listener on the
 * page (or on `<live-core-view>`) hears them all.
 */
export class ActionErrorEvent extends Event {
  static readonly type = 'action-error';

  /** The store action that failed: `applyForSeat`, `acceptApplication`, `kickUserOutOfSeat`... */
  readonly action: string;
  /** The kit's error code (`ErrorCode`), as in the action's `Result`. */
  readonly errorCode: ErrorCode;
  /** A readable message in English (for logs; the elements show a localized text). */
  readonly errorMessage: string;

  constructor(action: string, errorCode: ErrorCode, errorMessage: string) {
    super(ActionErrorEvent.type, { bubbles: true, composed: true });
    this.action = action;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'action-error': ActionErrorEvent;
  }
}

/**
 * Runs a store action for `host` and fires `action-error` from it when the action fails. Resolves
 * to the action's `Result` either way.
 */
export async function perform<T>(
  host: HTMLElement,
  action: string,
  run: () => Promise<Result<T>>,
): Promise<Result<T>> {
  const result = await run();
  if (!result.isSuccess) {
    host.dispatchEvent(new ActionErrorEvent(action, result.errorCode, result.errorMessage));
  }
  return result;
}
