import { atom, type ReadableAtom } from 'nanostores';
import { getDefaultSession } from './default-session.js';
import type { Session } from './session.js';

/** Options of `LiveCoreController.create`. */
export interface LiveCoreControllerOptions {
  /** The session to show. Default: the page's default session. */
  readonly session?: Session;
}

/**
 * Says which live a `<live-core-view>` shows, on which session (Tencent `LiveCoreController`).
 * Call `setLiveID` first; `dispose()` when the view goes away.
 */
export class LiveCoreController {
  /** Creates a controller on `options.session` or the default session. */
  static create(options: LiveCoreControllerOptions = {}): LiveCoreController {
    return new LiveCoreController(options.session ?? getDefaultSession());
  }

  /** The session whose stores the view reads. */
  readonly session: Session;
  /** The live to show, or `null` before `setLiveID`. */
  readonly liveId: ReadableAtom<string | null>;

  readonly #$liveId = atom<string | null>(null);
  #disposed = false;

  /** Use `LiveCoreController.create()`. */
  constructor(session: Session) {
    this.session = session;
    this.liveId = this.#$liveId;
  }

  /** Sets the live to show. Ignored after `dispose()`. */
  setLiveID(liveId: string): void {
    if (!this.#disposed) this.#$liveId.set(liveId);
  }

  /** Releases the controller: `liveId` goes back to `null` and stays there. The session is not touched. */
  dispose(): void {
    this.#disposed = true;
    this.#$liveId.set(null);
  }
}
