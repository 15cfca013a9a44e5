/**
 * The client's copy of one live, as the viewer may see it: the join snapshot, then the events in
 * sequence order. Shared by every store of one session and live.
 */
import { atom, batch } from 'nanostores';
import type { ServerEvent } from '../protocol/messages.js';
import type {
  LiveEvent,
  LiveInfo,
  LiveMember,
  LiveSnapshot,
  Role,
  SeatApplication,
  SeatInfo,
  SeatInvitation,
} from '../protocol/types.js';

/** One live as this session sees it. Internal: stores expose views on it. */
export class LiveReplica {
  /** The live this replica copies. */
  readonly liveId: string;
  /** The live's settings, or `null` before a join. */
  readonly $live = atom<LiveInfo | null>(null);
  /** Every seat in index order. */
  readonly $seats = atom<readonly SeatInfo[]>([]);
  /** All members for managers; only the viewer otherwise (the server decides). */
  readonly $members = atom<readonly LiveMember[]>([]);
  /** How many members the live has (everyone sees it). */
  readonly $memberCount = atom(0);
  /** Pending applications in arrival order. */
  readonly $applications = atom<readonly SeatApplication[]>([]);
  /** Pending invitations: all for managers, those addressed to the viewer otherwise. */
  readonly $invitations = atom<readonly SeatInvitation[]>([]);
  /** Sequence number of the last event applied. */
  readonly $seq = atom(0);
  /** Whether the live ended while the session was in it. */
  readonly $ended = atom(false);
  /** Whether the session is a member of this live (joined and not left or ended). */
  readonly $joined = atom(false);

  /** Events received while a join is in flight, applied after its reply. */
  #buffer: (readonly [number, LiveEvent])[] | null = null;
  readonly #subscribers = new Set<(event: LiveEvent) => void>();
  readonly #report: (error: unknown) => void;

  /** `report` receives exceptions of subscribers (store subscribers included): they never stop an update. */
  constructor(
    liveId: string,
    report: (error: unknown) => void = () => {
      // Not reported anywhere by default.
    },
  ) {
    this.liveId = liveId;
    this.#report = report;
  }

  /** Calls `callback` after each event is applied. Returns the unsubscribe function. */
  onEvent(callback: (event: LiveEvent) => void): () => void {
    this.#subscribers.add(callback);
    return () => this.#subscribers.delete(callback);
  }

  /** The role of `userId` as far as this copy knows: their member's role, else `owner` or `audience`. */
  roleOf(userId: string | undefined): Role {
    const member = this.$members.get().find((item) => item.userId === userId);
    if (member) return member.role;
    return this.$live.get()?.owner.userId === userId ? 'owner' : 'audience';
  }

  /** A join (or re-join) was sent: hold events until its reply. */
  beginJoin(): void {
    this.#buffer = [];
  }

  /** The join failed: drop what was held. A live that was joined stays joined (a later resume retries). */
  abortJoin(): void {
    this.#buffer = null;
  }

  /** Replaces everything with `snapshot`, then applies the events held since the join was sent. */
  applySnapshot(snapshot: LiveSnapshot): void {
    const held = this.#takeBuffer();
    this.#batch(() => {
      this.#replace(snapshot);
      this.$seq.set(snapshot.seq);
      this.$ended.set(false);
      this.$joined.set(true);
    });
    for (const [seq, event] of held) this.receive(seq, event);
  }

  /** Applies the events missed since the last seq (a resume), then those held since the join was sent. */
  applyReplay(events: readonly Pick<ServerEvent, 'seq' | 'event'>[], seq: number): void {
    const held = this.#takeBuffer();
    this.#batch(() => this.$joined.set(true));
    for (const item of events) this.receive(item.seq, item.event);
    if (seq > this.$seq.get() && this.$joined.get()) this.#batch(() => this.$seq.set(seq));
    for (const [itemSeq, event] of held) this.receive(itemSeq, event);
  }

  /** One event from the hub: held during a join, applied when newer than the last, else ignored. */
  receive(seq: number, event: LiveEvent): void {
    if (this.#buffer) {
      this.#buffer.push([seq, event]);
      return;
    }
    if (!this.$joined.get() || seq <= this.$seq.get()) return;
    this.#batch(() => {
      this.#apply(event);
      this.$seq.set(seq);
    });
    for (const subscriber of [...this.#subscribers]) {
      try {
        subscriber(event);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  /**
   * The events of one batch (a large room's coalesced fan-out), in sequence order: each is applied
   * as `receive` would, and the stores notify their subscribers once for the whole batch.
   */
  receiveBatch(events: readonly Pick<ServerEvent, 'seq' | 'event'>[]): void {
    this.#batch(() => {
      for (const item of events) this.receive(item.seq, item.event);
    });
  }

  /** The live ended without an event (it was gone on resume, or `live.end` succeeded first). */
  markEnded(): void {
    this.#batch(() => this.#end());
  }

  /** Forgets everything (leave, logout). */
  reset(): void {
    this.#buffer = null;
    this.#batch(() => {
      this.#clear();
      this.$live.set(null);
      this.$seq.set(0);
      this.$ended.set(false);
      this.$joined.set(false);
    });
  }

  /** Runs `update` as one nanostores batch; a throwing store subscriber is reported, not propagated. */
  #batch(update: () => void): void {
    try {
      batch(update);
    } catch (error) {
      this.#report(error);
    }
  }

  #takeBuffer(): (readonly [number, LiveEvent])[] {
    const held = this.#buffer ?? [];
    this.#buffer = null;
    return held;
  }

  #replace(snapshot: LiveSnapshot): void {
    this.$live.set(snapshot.live);
    this.$seats.set(snapshot.seats);
    this.$members.set(snapshot.members);
    this.$memberCount.set(snapshot.memberCount);
    this.$applications.set(snapshot.applications);
    this.$invitations.set(snapshot.invitations);
  }

  #clear(): void {
    this.$seats.set([]);
    this.$members.set([]);
    this.$memberCount.set(0);
    this.$applications.set([]);
    this.$invitations.set([]);
  }

  #end(): void {
    this.#clear();
    this.$ended.set(true);
    this.$joined.set(false);
  }

  #apply(event: LiveEvent): void {
    switch (event.type) {
      case 'seats':
        this.$seats.set(event.seats);
        break;
      case 'member.joined': {
        this.$members.set(
          upsert(this.$members.get(), event.member, (member) => member.userId === event.member.userId),
        );
        this.$memberCount.set(event.memberCount);
        break;
      }
      case 'member.left':
        this.$members.set(this.$members.get().filter((member) => member.userId !== event.userId));
        this.$memberCount.set(event.memberCount);
        break;
      case 'member.count':
        this.$memberCount.set(event.memberCount);
        break;
      case 'member.role':
        this.$members.set(
          this.$members
            .get()
            .map((member) => (member.userId === event.userId ? { ...member, role: event.role } : member)),
        );
        break;
      case 'application.received': {
        const { requestId } = event.application;
        this.$applications.set(
          upsert(this.$applications.get(), event.application, (item) => item.requestId === requestId),
        );
        break;
      }
      case 'application.resolved':
        this.$applications.set(this.$applications.get().filter((item) => item.requestId !== event.requestId));
        break;
      case 'invitation.received': {
        const { requestId } = event.invitation;
        this.$invitations.set(
          upsert(this.$invitations.get(), event.invitation, (item) => item.requestId === requestId),
        );
        break;
      }
      case 'invitation.resolved':
        this.$invitations.set(this.$invitations.get().filter((item) => item.requestId !== event.requestId));
        break;
      case 'snapshot':
        this.#replace(event.snapshot);
        break;
      case 'live.ended':
        this.#end();
        break;
      case 'seat.lost':
      case 'device.admin':
        // Listener-only: the seats that changed arrive in a `seats` event.
        break;
      case 'media.viewer':
        // Listener-only: the publisher's media layer opens or closes a peer (`onEvent`).
        break;
    }
  }
}

/** `list` with the item matching `same` replaced by `item`, or `item` appended. */
function upsert<T>(list: readonly T[], item: T, same: (existing: T) => boolean): readonly T[] {
  const index = list.findIndex(same);
  return index < 0 ? [...list, item] : list.map((existing, i) => (i === index ? item : existing));
}
