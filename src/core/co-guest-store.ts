import { computed, type ReadableAtom } from 'nanostores';
import { ErrorCode } from '../protocol/errors.js';
import { fail, type Result } from '../protocol/result.js';
import { isManager } from '../protocol/roles.js';
import type {
  LiveEvent,
  LiveMember,
  SeatApplication,
  SeatInvitation,
  SeatUserInfo,
  UserInfo,
} from '../protocol/types.js';
import type { SessionContext } from './context.js';
import { ListenerSet } from './listeners.js';
import type { LiveReplica } from './replica.js';
import { getDefaultSession } from './default-session.js';

/** A pending application (Tencent `LiveUserInfo` plus the request's details). */
export interface ApplicantInfo extends UserInfo {
  readonly requestId: string;
  /** `-1` for any free seat. */
  readonly seatIndex: number;
  readonly extraInfo: string;
  /** Epoch ms (server clock). */
  readonly createdAt: number;
  /** Epoch ms (server clock) when it times out; `null` for never. Compare with `session.serverNow()`. */
  readonly deadline: number | null;
}

/** A pending invitation: the invitee, the inviter and the request's details. */
export interface InviteeInfo extends ApplicantInfo {
  readonly inviter: UserInfo;
}

/** The viewer's own guest state. `connected` wins over `applying`, which wins over `invited`. */
export type SelfStatus = 'idle' | 'applying' | 'invited' | 'connected';

/** The readable state of guest connection in one live (Tencent `CoGuestState`). */
export interface CoGuestState {
  /** Pending applications in arrival order: all for the owner and administrators, the viewer's own otherwise. */
  readonly applicants: ReadableAtom<readonly ApplicantInfo[]>;
  /** Pending invitations: all for managers, those addressed to the viewer otherwise. */
  readonly invitees: ReadableAtom<readonly InviteeInfo[]>;
  /** The users on seats, in seat order. */
  readonly connected: ReadableAtom<readonly SeatUserInfo[]>;
  /** Members a manager may invite: not seated, not invited, not the owner, not the viewer. */
  readonly candidates: ReadableAtom<readonly LiveMember[]>;
  /** The viewer's own status. */
  readonly selfStatus: ReadableAtom<SelfStatus>;
  /** The viewer's pending application (its `deadline` drives a countdown), or `null`. */
  readonly selfApplication: ReadableAtom<ApplicantInfo | null>;
  /** The invitation addressed to the viewer, or `null`. */
  readonly selfInvitation: ReadableAtom<InviteeInfo | null>;
}

/** Events for the audience side (Flutter `GuestListener`). Implement any subset. */
export interface GuestListener {
  /** A host accepted the viewer's application; the viewer is seated. */
  onApplicationAccepted?(hostUser: UserInfo): void;
  /** A host rejected the viewer's application. */
  onApplicationRejected?(hostUser: UserInfo): void;
  /** The viewer's application timed out. */
  onApplicationTimeout?(): void;
  /** The viewer's application could not complete (the seat was taken or locked, all seats full...). */
  onApplicationFailed?(errorCode: ErrorCode, errorMessage: string): void;
  /** A host invited the viewer to a seat. */
  onInvitationReceived?(hostUser: UserInfo): void;
  /** The host withdrew the invitation. */
  onInvitationCancelled?(hostUser: UserInfo): void;
  /** A host took the viewer off their seat. */
  onKickedOffSeat?(seatIndex: number, hostUser: UserInfo): void;
}

/** Events for the owner and administrators (Flutter `HostListener`). Implement any subset. */
export interface HostListener {
  /** An audience member applied for a seat. */
  onApplicationReceived?(guestUser: UserInfo): void;
  /** An applicant withdrew (or left the live). */
  onApplicationCancelled?(guestUser: UserInfo): void;
  /** An application timed out. */
  onApplicationTimeout?(guestUser: UserInfo): void;
  /** Another host accepted or rejected an application. */
  onApplicationProcessedByOtherHost?(guestUser: UserInfo, hostUser: UserInfo): void;
  /** An invitee accepted (and was seated). */
  onInvitationAccepted?(guestUser: UserInfo): void;
  /** An invitee rejected. */
  onInvitationRejected?(guestUser: UserInfo): void;
  /** An invitation timed out. */
  onInvitationTimeout?(guestUser: UserInfo): void;
}

/** Options of `applyForSeat`. */
export interface ApplyForSeatParams {
  /** `-1` (default) for any free seat, else `0..maxSeatCount-1`. */
  readonly seatIndex?: number;
  /** Seconds before the application times out; `0` for never. Default 30. */
  readonly timeout?: number;
  /** Free text shown to the hosts. Default `''`. */
  readonly extraInfo?: string | null;
}

/** Options of `inviteToSeat`: the invitee as `inviteeId`, or as the seed spells it, `inviteeID`. */
export type InviteToSeatParams = InviteToSeatOptions &
  (
    | { /** The audience member to invite. */ readonly inviteeId: string; readonly inviteeID?: undefined }
    | {
        /** The seed's spelling of `inviteeId`. */ readonly inviteeID: string;
        readonly inviteeId?: undefined;
      }
  );

/** What `inviteToSeat` takes beside the invitee. */
export interface InviteToSeatOptions {
  /** `-1` (default) for any free seat, else `0..maxSeatCount-1`. */
  readonly seatIndex?: number;
  /** Seconds before the invitation times out; `0` for never. Default 30. */
  readonly timeout?: number;
  /** Free text shown to the invitee. Default `''`. */
  readonly extraInfo?: string | null;
}

const DEFAULT_TIMEOUT_SECONDS = 30;

const FAILURE_TEXT: Partial<Record<number, string>> = {
  [ErrorCode.SEAT_OCCUPIED]: 'the seat was taken',
  [ErrorCode.ALL_SEATS_OCCUPIED]: 'every seat is taken',
  [ErrorCode.SEAT_LOCKED]: 'the seat is locked',
  [ErrorCode.LIVE_ENDED]: 'the live ended',
  [ErrorCode.ALREADY_ON_SEAT]: 'already on a seat',
};

/** The details every request shares, in the order `ApplicantInfo` lists them. */
function details(request: SeatApplication | SeatInvitation) {
  const { requestId, seatIndex, extraInfo, createdAt, deadline } = request;
  return { requestId, seatIndex, extraInfo, createdAt, deadline };
}

function toApplicant(application: SeatApplication): ApplicantInfo {
  return { ...application.user, ...details(application) };
}

function toInvitee(invitation: SeatInvitation): InviteeInfo {
  return { ...invitation.invitee, inviter: invitation.inviter, ...details(invitation) };
}

/**
 * Guest connection in one live (Tencent `CoGuestStore`): apply, invite, accept, reject, cancel,
 * disconnect, with the state and events of both sides. Get it from `session.coGuestStore(liveId)` or
 * `CoGuestStore.create(liveId)`.
 */
export class CoGuestStore {
  /** The store of `liveId` on the page's default session (the same instance on every call). */
  static create(liveId: string): CoGuestStore {
    return getDefaultSession().coGuestStore(liveId);
  }

  /** The live this store is about. */
  readonly liveId: string;
  /** The readable state. */
  readonly coGuestState: CoGuestState;

  readonly #context: SessionContext;
  readonly #replica: LiveReplica;
  readonly #guestListeners: ListenerSet<GuestListener>;
  readonly #hostListeners: ListenerSet<HostListener>;

  /** @internal Created by its session. */
  constructor(context: SessionContext, liveId: string) {
    this.#context = context;
    this.liveId = liveId;
    const replica = context.replica(liveId);
    this.#replica = replica;
    this.#guestListeners = new ListenerSet(context.report);
    this.#hostListeners = new ListenerSet(context.report);
    const { $user } = context;
    const applicantCache = new WeakMap<SeatApplication, ApplicantInfo>();
    const applicantOf = (application: SeatApplication): ApplicantInfo => {
      let applicant = applicantCache.get(application);
      if (applicant === undefined) {
        applicant = toApplicant(application);
        applicantCache.set(application, applicant);
      }
      return applicant;
    };
    const selfApplication = computed([replica.$applications, $user], (applications, user) => {
      const own = applications.find((item) => item.user.userId === user?.userId);
      return own ? toApplicant(own) : null;
    });
    const selfInvitation = computed([replica.$invitations, $user], (invitations, user) => {
      const own = invitations.find((item) => item.invitee.userId === user?.userId);
      return own ? toInvitee(own) : null;
    });
    const connected = computed(replica.$seats, (seats) =>
      seats.flatMap((seat) => (seat.userInfo ? [seat.userInfo] : [])),
    );
    this.coGuestState = {
      // One ApplicantInfo per application, made once: an arrival costs one new object, not a new
      // object for every applicant in the list.
      applicants: computed(replica.$applications, (applications) => applications.map(applicantOf)),
      invitees: computed(replica.$invitations, (invitations) => invitations.map(toInvitee)),
      connected,
      candidates: computed(
        [replica.$members, replica.$seats, replica.$invitations, $user],
        (members, seats, invitations, user) => {
          const excluded = new Set<string>(user ? [user.userId] : []);
          for (const seat of seats) if (seat.userInfo) excluded.add(seat.userInfo.userId);
          for (const invitation of invitations) excluded.add(invitation.invitee.userId);
          return members.filter((member) => member.role !== 'owner' && !excluded.has(member.userId));
        },
      ),
      selfStatus: computed(
        [connected, selfApplication, selfInvitation, $user],
        (seated, application, invitation, user): SelfStatus => {
          if (user && seated.some((item) => item.userId === user.userId)) return 'connected';
          if (application) return 'applying';
          return invitation ? 'invited' : 'idle';
        },
      ),
      selfApplication,
      selfInvitation,
    };
    replica.onEvent((event) => this.#dispatch(event));
  }

  // ── audience side ───────────────────────────────────────────────────────────────────────────

  /** Applies for a seat; the hosts see it in `applicants`. Resolves once the server registered it. */
  applyForSeat(params: ApplyForSeatParams = {}): Promise<Result<{ readonly requestId: string }>> {
    return this.#context.liveCommand(this.liveId, 'guest.apply', {
      seatIndex: params.seatIndex ?? -1,
      timeout: params.timeout ?? DEFAULT_TIMEOUT_SECONDS,
      extraInfo: params.extraInfo ?? '',
    });
  }

  /** Withdraws the viewer's pending application. */
  cancelApplication(): Promise<Result> {
    return this.#context.liveCommand(this.liveId, 'guest.cancelApplication', {});
  }

  /** Leaves the viewer's seat and goes back to the audience (Tencent `disconnect`). */
  disconnect(): Promise<Result> {
    return this.#context.liveCommand(this.liveId, 'seat.leave', {});
  }

  /** Accepts the invitation of `inviterId`: the viewer is seated. */
  acceptInvitation(inviterId: string): Promise<Result> {
    return this.#context.liveCommand(this.liveId, 'guest.acceptInvitation', { inviterId });
  }

  /** Rejects the invitation of `inviterId`. */
  rejectInvitation(inviterId: string): Promise<Result> {
    return this.#context.liveCommand(this.liveId, 'guest.rejectInvitation', { inviterId });
  }

  // ── host side ───────────────────────────────────────────────────────────────────────────────

  /** Seats the applicant `userId` (owner or administrator). */
  acceptApplication(userId: string): Promise<Result> {
    return this.#context.liveCommand(this.liveId, 'guest.acceptApplication', { userId });
  }

  /** Rejects the application of `userId` (owner or administrator). */
  rejectApplication(userId: string): Promise<Result> {
    return this.#context.liveCommand(this.liveId, 'guest.rejectApplication', { userId });
  }

  /** Invites an audience member to a seat; they must accept before they are seated. */
  inviteToSeat(params: InviteToSeatParams): Promise<Result<{ readonly requestId: string }>> {
    const { inviteeId, inviteeID } = params;
    if (inviteeId !== undefined && inviteeID !== undefined) {
      return Promise.resolve(
        fail(ErrorCode.INVALID_ARGUMENT, "inviteToSeat: pass inviteeId or the seed's inviteeID, not both"),
      );
    }
    return this.#context.liveCommand(this.liveId, 'guest.invite', {
      inviteeId: inviteeId ?? inviteeID,
      seatIndex: params.seatIndex ?? -1,
      timeout: params.timeout ?? DEFAULT_TIMEOUT_SECONDS,
      extraInfo: params.extraInfo ?? '',
    });
  }

  /** Withdraws the invitation of `inviteeId`. */
  cancelInvitation(inviteeId: string): Promise<Result> {
    return this.#context.liveCommand(this.liveId, 'guest.cancelInvitation', { inviteeId });
  }

  // ── listeners ───────────────────────────────────────────────────────────────────────────────

  /** Adds an audience-side listener. */
  addGuestListener(listener: GuestListener): void {
    this.#guestListeners.add(listener);
  }

  /** Removes an audience-side listener. */
  removeGuestListener(listener: GuestListener): void {
    this.#guestListeners.remove(listener);
  }

  /** Adds a host-side listener. */
  addHostListener(listener: HostListener): void {
    this.#hostListeners.add(listener);
  }

  /** Removes a host-side listener. */
  removeHostListener(listener: HostListener): void {
    this.#hostListeners.remove(listener);
  }

  // ── private helpers ─────────────────────────────────────────────────────────────────────────

  #owner(): UserInfo {
    return this.#replica.$live.get()?.owner ?? { userId: '', userName: '', avatarUrl: '' };
  }

  #dispatch(event: LiveEvent): void {
    const self = this.#context.$user.get()?.userId;
    const manager = isManager(this.#replica.roleOf(self));
    const guest = this.#guestListeners;
    const host = this.#hostListeners;
    switch (event.type) {
      case 'application.received':
        if (manager && event.application.user.userId !== self)
          host.emit('onApplicationReceived', event.application.user);
        return;
      case 'application.resolved':
        if (event.user.userId === self) {
          if (event.outcome === 'accepted') guest.emit('onApplicationAccepted', event.by ?? this.#owner());
          else if (event.outcome === 'rejected')
            guest.emit('onApplicationRejected', event.by ?? this.#owner());
          else if (event.outcome === 'timeout') guest.emit('onApplicationTimeout');
          else if (event.outcome === 'failed') {
            const code = event.code as ErrorCode;
            guest.emit(
              'onApplicationFailed',
              code,
              `the application failed: ${FAILURE_TEXT[code] ?? `error ${code}`}`,
            );
          }
        } else if (manager) {
          if (event.outcome === 'cancelled' || event.outcome === 'left')
            host.emit('onApplicationCancelled', event.user);
          else if (event.outcome === 'timeout') host.emit('onApplicationTimeout', event.user);
          else if (
            (event.outcome === 'accepted' || event.outcome === 'rejected') &&
            event.by &&
            event.by.userId !== self
          ) {
            host.emit('onApplicationProcessedByOtherHost', event.user, event.by);
          }
        }
        return;
      case 'invitation.received':
        if (event.invitation.invitee.userId === self)
          guest.emit('onInvitationReceived', event.invitation.inviter);
        return;
      case 'invitation.resolved':
        if (event.invitee.userId === self) {
          if (event.outcome === 'cancelled') guest.emit('onInvitationCancelled', event.inviter);
        } else if (manager) {
          if (event.outcome === 'accepted') host.emit('onInvitationAccepted', event.invitee);
          else if (event.outcome === 'rejected') host.emit('onInvitationRejected', event.invitee);
          else if (event.outcome === 'timeout') host.emit('onInvitationTimeout', event.invitee);
        }
        return;
      case 'seat.lost':
        if (event.userId === self && (event.reason === 'kicked' || event.reason === 'replaced')) {
          guest.emit('onKickedOffSeat', event.seatIndex, event.by ?? this.#owner());
        }
        return;
      default:
        return;
    }
  }
}
