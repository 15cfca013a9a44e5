/** What a session hands to its stores. Internal: not exported from `co-guest-kit/core`. */
import type { ReadableAtom } from 'nanostores';
import type { CommandInput, CommandName, DataOf } from '../protocol/messages.js';
import type { Result } from '../protocol/result.js';
import type { Role, UserInfo } from '../protocol/types.js';
import type { LiveReplica } from './replica.js';

/** Arguments of a command on one live, without the `liveId` the store adds. */
export type LiveArgs<N extends CommandName> = Omit<CommandInput<N>, 'liveId'>;

export interface SessionContext {
  readonly $user: ReadableAtom<UserInfo | null>;
  /** The replica of `liveId` (created on first use, kept for the session's life). */
  replica(liveId: string): LiveReplica;
  /**
   * Sends a command about `liveId`: NOT_LOGGED_IN before login, DISCONNECTED while not connected,
   * NOT_IN_LIVE when the session has not joined the live, all at once.
   */
  liveCommand<N extends CommandName>(liveId: string, name: N, args: LiveArgs<N>): Promise<Result<DataOf<N>>>;
  /** The viewer's role in `liveId`, as far as the replica knows. */
  roleIn(liveId: string): Role;
  /** Reports an exception of a listener or a subscriber (the session's `onError`). */
  readonly report: (error: unknown) => void;
}
