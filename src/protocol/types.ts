/**
 * The domain of a live room as every layer sees it: users, seats, requests, and the events the room
 * engine emits. Plain data only: everything here crosses the wire as JSON.
 */

/** A user as the seed knows them. */
export interface UserInfo {
  readonly userId: string;
  readonly userName: string;
  /** `''` when the user has no avatar. */
  readonly avatarUrl: string;
}

/** `owner` created the live; `admin` was promoted by the owner; everyone else is `audience`. */
export type Role = 'owner' | 'admin' | 'audience';

export type DeviceStatus = 'on' | 'off';

export type Device = 'microphone' | 'camera';

export type SeatMode = 'apply' | 'free';

/** How `moveUserToSeat` treats an occupied target (Tencent `MoveSeatPolicy`). */
export type MoveSeatPolicy = 'abortWhenOccupied' | 'forceReplace' | 'swap';

/** A member of a live. */
export interface LiveMember extends UserInfo {
  readonly role: Role;
  /** Epoch ms when the user joined. */
  readonly joinedAt: number;
}

/** The user on a seat, with their devices (Tencent `SeatUserInfo`). */
export interface SeatUserInfo extends UserInfo {
  readonly liveId: string;
  readonly role: Role;
  readonly microphoneStatus: DeviceStatus;
  readonly cameraStatus: DeviceStatus;
  /** `false` while the host forbids opening the mic (the seat's audio is locked). */
  readonly allowOpenMicrophone: boolean;
  /** `false` while the host forbids opening the camera (the seat's video is locked). */
  readonly allowOpenCamera: boolean;
  /** `'lost'` while the user is disconnected and the seat is held for them during the grace period. */
  readonly connection: 'online' | 'lost';
  /** Epoch ms when the user took the seat. */
  readonly onSeatTimestamp: number;
}

/** One seat (Tencent `SeatInfo`). `userInfo` is `null` for an empty seat. */
export interface SeatInfo {
  readonly index: number;
  readonly isLocked: boolean;
  readonly isAudioLocked: boolean;
  readonly isVideoLocked: boolean;
  readonly userInfo: SeatUserInfo | null;
}

/** The live's settings (a subset of Tencent `LiveInfo`). */
export interface LiveInfo {
  readonly liveId: string;
  readonly liveName: string;
  readonly owner: UserInfo;
  readonly seatMode: SeatMode;
  readonly maxSeatCount: number;
  /** Whether the owner was seated on seat 0 at creation. */
  readonly keepOwnerOnSeat: boolean;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** A pending application from an audience member to take a seat. */
export interface SeatApplication {
  readonly requestId: string;
  readonly user: UserInfo;
  /** `-1` for any free seat. */
  readonly seatIndex: number;
  readonly extraInfo: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms after which the application times out; `null` when it never does. */
  readonly deadline: number | null;
}

/** A pending invitation from a host to an audience member. */
export interface SeatInvitation {
  readonly requestId: string;
  readonly inviter: UserInfo;
  readonly invitee: UserInfo;
  /** `-1` for any free seat. */
  readonly seatIndex: number;
  readonly extraInfo: string;
  readonly createdAt: number;
  readonly deadline: number | null;
}

/**
 * The one outcome every request ends with.
 * - `accepted`: the user was seated (application) or accepted and was seated (invitation);
 * - `rejected`, `cancelled`, `timeout`: as named;
 * - `failed`: it could not complete (seat taken, locked, all full, live ended); `code` says why;
 * - `left`: the requester (or invitee) left the live or lost its connection past the grace period.
 */
export type RequestOutcome = 'accepted' | 'rejected' | 'cancelled' | 'timeout' | 'failed' | 'left';

/** Why a live ended (Tencent `onLiveEnded` reasons, plus the host-lost case). */
export type LiveEndReason = 'endedByHost' | 'hostLost' | 'endedByServer';

/** Why a member left. */
export type LeaveReason = 'left' | 'connectionLost';

/** Why a user lost a seat without asking. */
export type SeatLossReason = 'kicked' | 'replaced' | 'connectionLost';

/** What a client knows about a live when it joins or resumes. */
export interface LiveSnapshot {
  readonly live: LiveInfo;
  readonly seats: readonly SeatInfo[];
  /** All members, for the owner and administrators; only the viewer themself for everyone else. */
  readonly members: readonly LiveMember[];
  readonly memberCount: number;
  /** All pending applications for managers; only the viewer's own otherwise. */
  readonly applications: readonly SeatApplication[];
  /** All pending invitations for managers; only those addressed to the viewer otherwise. */
  readonly invitations: readonly SeatInvitation[];
  /** The sequence number of the last event included in this snapshot. */
  readonly seq: number;
}

/**
 * Events the room engine emits. Each is delivered, with the room's sequence number, to the audience
 * chosen by the engine (see `Audience`).
 */
export type LiveEvent =
  | { readonly type: 'seats'; readonly seats: readonly SeatInfo[] }
  | { readonly type: 'member.joined'; readonly member: LiveMember; readonly memberCount: number }
  | {
      readonly type: 'member.left';
      readonly userId: string;
      readonly reason: LeaveReason;
      readonly memberCount: number;
    }
  | { readonly type: 'member.count'; readonly memberCount: number }
  | { readonly type: 'member.role'; readonly userId: string; readonly role: Role }
  | { readonly type: 'application.received'; readonly application: SeatApplication }
  | {
      readonly type: 'application.resolved';
      readonly requestId: string;
      readonly user: UserInfo;
      readonly outcome: RequestOutcome;
      /** The host who accepted or rejected; `null` for cancel, timeout and failures. */
      readonly by: UserInfo | null;
      /** For `failed`: why. */
      readonly code: number;
      readonly seatIndex: number;
    }
  | { readonly type: 'invitation.received'; readonly invitation: SeatInvitation }
  | {
      readonly type: 'invitation.resolved';
      readonly requestId: string;
      readonly inviter: UserInfo;
      readonly invitee: UserInfo;
      readonly outcome: RequestOutcome;
      readonly code: number;
      readonly seatIndex: number;
    }
  | {
      readonly type: 'seat.lost';
      readonly userId: string;
      readonly seatIndex: number;
      readonly reason: SeatLossReason;
      readonly by: UserInfo | null;
    }
  | {
      readonly type: 'device.admin';
      readonly userId: string;
      readonly device: Device;
      /** `closed`: forced off; `forbidden` / `allowed`: the permission to open changed. */
      readonly action: 'closed' | 'forbidden' | 'allowed';
      readonly by: UserInfo;
    }
  | MediaViewerEvent
  | { readonly type: 'snapshot'; readonly snapshot: LiveSnapshot }
  | { readonly type: 'live.ended'; readonly reason: LiveEndReason };

export type LiveEventType = LiveEvent['type'];

// ── media ────────────────────────────────────────────────────────────────────────────────────

/**
 * A watch pair began or ended: sent (sequenced, to the publisher only) so the publisher creates or
 * closes its peer connection for that viewer. See `docs/media.md`.
 */
export interface MediaViewerEvent {
  readonly type: 'media.viewer';
  /** The seat holder who sends media to the viewer. */
  readonly publisherId: string;
  /** The member who watches. */
  readonly viewerId: string;
  readonly action: 'joined' | 'left';
}

/** One ICE candidate, as `RTCIceCandidate.toJSON()` gives it. */
export interface IceCandidateData {
  /** The `candidate:` line; `''` marks the end of candidates. */
  readonly candidate: string;
  readonly sdpMLineIndex?: number | null;
  readonly sdpMid?: string | null;
  readonly usernameFragment?: string | null;
}

/** The part of `RTCRtpEncodingParameters` a transceiver request may carry. */
export interface EncodingData {
  readonly rid?: string;
  readonly active?: boolean;
  readonly maxBitrate?: number;
  readonly maxFramerate?: number;
  readonly scaleResolutionDownBy?: number;
}

/** The part of `RTCRtpTransceiverInit` a transceiver request may carry (streams do not cross the wire). */
export interface TransceiverInitData {
  readonly direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  readonly sendEncodings?: readonly EncodingData[];
}

/**
 * A WebRTC signaling message between the two sides of a watch pair: simple-peer's `signal` data,
 * validated by shape by the server (unknown fields are dropped) and relayed as is.
 */
export type SignalData =
  | { readonly type: 'offer' | 'answer'; readonly sdp: string }
  | { readonly type: 'candidate'; readonly candidate: IceCandidateData }
  | { readonly type: 'renegotiate'; readonly renegotiate: true }
  | {
      readonly type: 'transceiverRequest';
      readonly transceiverRequest: {
        readonly kind: 'audio' | 'video';
        readonly init?: TransceiverInitData;
      };
    };

/**
 * Who receives an event. `managers` = owner and administrators. `users` lists user ids.
 * `managersAnd` = managers plus the listed users. `others` = everyone who is not a manager.
 */
export type Audience =
  | { readonly kind: 'all' }
  | { readonly kind: 'managers' }
  | { readonly kind: 'others' }
  | { readonly kind: 'users'; readonly userIds: readonly string[] }
  | { readonly kind: 'managersAnd'; readonly userIds: readonly string[] };

/** An event with its room sequence number and its audience, as the engine hands it to the hub. */
export interface EventEnvelope {
  readonly liveId: string;
  readonly seq: number;
  readonly to: Audience;
  readonly event: LiveEvent;
}
