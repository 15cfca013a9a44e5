/**
 * The hub's queue of incoming frames. Frames are handled one at a time, never re-entering the
 * hub: a peer that delivers synchronously and answers at once (an in-page transport, a test)
 * queues its answer while the hub is busy, and it is handled once the current work is done. A
 * connection whose command waits for a room that answers later has its next frames held, so that
 * its commands run and are answered in the order they were sent.
 */
import { ErrorCode } from '../protocol/errors.js';
import { fail, type Result } from '../protocol/result.js';
import type { Connection } from './records.js';

export class Inbox {
  readonly #handle: (connection: Connection, text: string) => void;
  readonly #reportError: (error: unknown) => void;
  #items: [Connection, string][] = [];
  #busy = false;
  #drainScheduled = false;

  /** `handle` is called for each frame of an open connection; it must not throw. */
  constructor(handle: (connection: Connection, text: string) => void, reportError: (error: unknown) => void) {
    this.#handle = handle;
    this.#reportError = reportError;
  }

  /** One frame from `connection`: handled now unless the hub is busy or the connection waits. */
  receive(connection: Connection, text: string): void {
    if (!connection.open) return;
    if (connection.held) {
      connection.held.push(text);
      return;
    }
    this.#items.push([connection, text]);
    if (!this.#busy) this.#drain();
  }

  /**
   * A command of `connection` answers later: its next frames are held until `reply` has been
   * called with the answer (a rejection is reported and answered `SERVER_ERROR`), then handled.
   */
  later(
    connection: Connection,
    answer: Promise<Result<unknown>>,
    reply: (result: Result<unknown>) => void,
  ): void {
    connection.held ??= [];
    void answer
      .then(undefined, (error: unknown) => {
        this.#reportError(error);
        return fail(ErrorCode.SERVER_ERROR, 'the server failed to process the command');
      })
      .then((result) => {
        this.whileBusy(() => {
          // Queued first: a frame the peer sends from inside the reply's `send` comes after them.
          this.#release(connection);
          reply(result);
        });
      });
  }

  /**
   * Runs `action` with incoming frames queued (a peer may deliver synchronously and answer at
   * once), then drains what arrived meanwhile. A failure is reported, never thrown.
   */
  whileBusy(action: () => void): void {
    const wasBusy = this.#busy;
    this.#busy = true;
    try {
      action();
    } catch (error) {
      this.#reportError(error);
    } finally {
      this.#busy = wasBusy;
    }
    if (!wasBusy && this.#items.length > 0) this.#scheduleDrain();
  }

  /** Forgets every queued frame (shutdown). */
  clear(): void {
    this.#items.length = 0;
  }

  #drain(): void {
    this.#busy = true;
    try {
      for (let item = this.#items.shift(); item; item = this.#items.shift()) {
        const [connection, text] = item;
        if (!connection.open) continue;
        if (connection.held) connection.held.push(text);
        else this.#handle(connection, text);
      }
    } finally {
      this.#busy = false;
    }
  }

  /** The held frames of `connection` are queued (and handled after the current `whileBusy`). */
  #release(connection: Connection): void {
    const held = connection.held ?? [];
    connection.held = null;
    if (!connection.open) return;
    for (const text of held) this.#items.push([connection, text]);
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    queueMicrotask(() => {
      this.#drainScheduled = false;
      if (!this.#busy && this.#items.length > 0) this.#drain();
    });
  }
}
