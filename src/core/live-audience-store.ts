import { computed, type ReadableAtom } from 'nanostores';
import type { Result } from '../protocol/result.js';
import type { LiveMember, Role } from '../protocol/types.js';
import type { SessionContext } from './context.js';
import { getDefaultSession } from './default-session.js';

/**
 * The members of one live (a subset of Tencent `LiveAudienceStore`). Get it from
 * `session.liveAudienceStore(liveId)` or `LiveAudienceStore.create(liveId)`.
 */
export class LiveAudienceStore {
  /** The store of `liveId` on the page's default session (the same instance on every call). */
  static create(liveId: string): LiveAudienceStore {
    return getDefaultSession().liveAudienceStore(liveId);
  }

  /** The live this store is about. */
  readonly liveId: string;
  /** The members in join order: all of them for the owner and administrators, only the viewer otherwise. */
  readonly audienceList: ReadableAtom<readonly LiveMember[]>;
  /** How many members the live has (everyone sees it). */
  readonly audienceCount: ReadableAtom<number>;
  /**
   * The viewer's role in this live: `owner`, `admin` or `audience` while a member, `null` before
   * joining, after leaving and once the live ended. Elements use it to show host or audience controls;
   * the server checks every action on its own.
   */
  readonly selfRole: ReadableAtom<Role | null>;

  readonly #context: SessionContext;

  /** @internal Created by its session. */
  constructor(context: SessionContext, liveId: string) {
    this.#context = context;
    this.liveId = liveId;
    const replica = context.replica(liveId);
    this.audienceList = replica.$members;
    this.audienceCount = replica.$memberCount;
    this.selfRole = computed(
      [replica.$joined, replica.$members, replica.$live, context.$user],
      (joined, _members, _live, user): Role | null => (joined && user ? replica.roleOf(user.userId) : null),
    );
  }

  /** Makes `userId` an administrator (owner only). */
  setAdministrator(userId: string): Promise<Result> {
    return this.#context.liveCommand(this.liveId, 'member.setAdmin', { userId, admin: true });
  }

  /** Takes the administrator role back from `userId` (owner only). */
  revokeAdministrator(userId: string): Promise<Result> {
    return this.#context.liveCommand(this.liveId, 'member.setAdmin', { userId, admin: false });
  }
}
