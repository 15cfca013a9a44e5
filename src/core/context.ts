/** What a session hands to its stores. Internal: not exported from `co-guest-kit/core`. */
import type { ReadableAtom } from 'nanostores';
import type { ByeMessage, CommandInput, CommandName, DataOf } from '../protocol/messages.js';
import type { Result } from '../protocol/result.js';
import type { LiveEndReason, UserInfo } from '../protocol/types.js';
import type { Connection } from './connection.js';
import type { LiveReplica } from './replica.js';
import type { WebSocketConstructor } from './transport.js';

/** Arguments of a command on one live, without the `liveId` the store adds. */
export type LiveArgs<N extends CommandName> = Omit<CommandInput<N>, 'liveId'>;

/**
 * How the parts of one session tell each other what happened. Each store sets the hooks it handles
 * in its constructor (one store per hook), while the session is being made; the connection and the
 * session call them, in the same batch as their own change, so that every store updates at once.
 */
export interface SessionHooks {
  /**
   * Every welcome and every return to `loggedOut` (logout, dispose, a failed login): `keep` when
   * the welcome resumes the user's lives (they are joined again), else the lives are forgotten.
   * Set by `LiveListStore`.
   */
  lives(keep: boolean): void;
  /** The connection went `offline` after the close `code` (and the server's `bye`, if any). Set by `LoginStore`. */
  offline(code: number, bye: ByeMessage['reason'] | null): void;
  /** A live the session was in ended, by an event from the server. Set by `LiveListStore`. */
  liveEnded(liveId: string, reason: LiveEndReason): void;
}

/**
 * Everything a store gets from its session: the stores are written against this, never against
 * `Session` (which imports them).
 */
export interface SessionContext {
  /** The logged-in user, or `null`. */
  readonly $user: ReadableAtom<UserInfo | null>;
  /** The session's connection: login state, requests, reconnect. */
  readonly connection: Connection;
  /** The `WebSocket` class of `createSession({ WebSocket })`, if one was given. */
  readonly WebSocket: WebSocketConstructor | undefined;
  /** Every replica the session made, by live. */
  readonly replicas: ReadonlyMap<string, LiveReplica>;
  /** The replica of `liveId` (created on first use, kept for the session's life). */
  replica(liveId: string): LiveReplica;
  /**
   * Sends a command about `liveId`: NOT_LOGGED_IN before login, DISCONNECTED while not connected,
   * NOT_IN_LIVE when the session has not joined the live, all at once.
   */
  liveCommand<N extends CommandName>(liveId: string, name: N, args: LiveArgs<N>): Promise<Result<DataOf<N>>>;
  /** The session's hooks: a store sets those it handles in its constructor. */
  readonly hooks: SessionHooks;
  /** Reports an exception of a listener or a subscriber (the session's `onError`). */
  readonly report: (error: unknown) => void;
}
