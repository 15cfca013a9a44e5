/**
 * Error codes returned in every failed `Result`, modelled on Tencent TRTC's list (see
 * `docs/rules.md`, "Error codes"). Where Tencent has a code for the same refusal we reuse its number; codes that
 * Tencent lacks are ours and sit next to the closest Tencent family.
 */
export const ErrorCode = {
  SUCCESS: 0,
  /** Too many messages or requests; try later (Tencent `freqLimit`). */
  RATE_LIMITED: -2,
  /** The same operation is already in progress (Tencent `repeatOperation`). */
  REPEAT_OPERATION: -3,
  /** A parameter is missing, of the wrong type, or out of range. */
  INVALID_ARGUMENT: -1001,
  /** No reply from the server in time (Tencent `ERR_LIVE_REQUEST_SERVER_TIMEOUT`). */
  SERVER_TIMEOUT: -1300,
  /** The server failed to process the request (Tencent `ERR_LIVE_SERVER_PROCESS_FAILED`). */
  SERVER_ERROR: -1301,
  /** The camera could not start (Tencent `cameraStartFail`). */
  CAMERA_START_FAILED: -1100,
  /** The user or the browser refused camera access (Tencent `cameraNotAuthorized`). */
  CAMERA_NOT_AUTHORIZED: -1101,
  /** The camera is in use by another application (Tencent `cameraOccupied`). */
  CAMERA_OCCUPIED: -1102,
  /** No camera was found (Tencent `cameraDeviceEmpty`). */
  CAMERA_NOT_FOUND: -1103,
  /** The microphone could not start (Tencent `microphoneStartFail`). */
  MICROPHONE_START_FAILED: -1104,
  /** The user or the browser refused microphone access (Tencent `microphoneNotAuthorized`). */
  MICROPHONE_NOT_AUTHORIZED: -1105,
  /** The microphone is in use by another application (Tencent `microphoneOccupied`). */
  MICROPHONE_OCCUPIED: -1106,
  /** No microphone was found (Tencent `microphoneDeviceEmpty`). */
  MICROPHONE_NOT_FOUND: -1107,
  /** Screen sharing could not start or was refused (Tencent `startScreenSharingFailed`). */
  SCREEN_SHARE_FAILED: -1109,
  /** The browser lacks what the action needs (`mediaDevices`, WebRTC). */
  NOT_SUPPORTED: -1110,
  /** Not connected to the server (Tencent `LIVE_DISCONNECTED`). */
  DISCONNECTED: -1302,
  /** No user is logged in on this session. */
  NOT_LOGGED_IN: -1303,
  /** A token URL gave no token: it answered an HTTP error, or something that holds none. */
  TOKEN_URL_FAILED: -1304,
  /** The user must join the live first (Tencent `operationInvalidBeforeEnterRoom`). */
  NOT_IN_LIVE: -2101,
  /** No live with this id exists. */
  LIVE_NOT_FOUND: -2102,
  /** A live with this id already exists. */
  LIVE_ID_OCCUPIED: -2103,
  /** The live has ended. */
  LIVE_ENDED: -2104,
  /** Only the owner may do this (Tencent `userNeedOwnerPermission`). */
  NEED_OWNER_PERMISSION: -2300,
  /** Only the owner or an administrator may do this (Tencent `userNeedAdminPermission`). */
  NEED_ADMIN_PERMISSION: -2301,
  /** The request belongs to someone else (Tencent `requestNoPermission`). */
  REQUEST_NO_PERMISSION: -2310,
  /** No pending request matches (Tencent `requestIdInvalid`). */
  REQUEST_NOT_FOUND: -2311,
  /** The request was already handled by another host. */
  REQUEST_ALREADY_HANDLED: -2316,
  /** Maximum seat count out of range (Tencent `maxSeatCountLimit`). */
  MAX_SEAT_COUNT_LIMIT: -2340,
  /** The seat index does not exist (Tencent `seatIndexNotExist`). */
  SEAT_INDEX_NOT_EXIST: -2344,
  /** The seat's audio is locked by the host (Tencent `openMicrophoneNeedSeatUnlock`). */
  MICROPHONE_LOCKED: -2360,
  /** The seat's video is locked by the host (Tencent `openCameraNeedSeatUnlock`). */
  CAMERA_LOCKED: -2370,
  /** No permission (Tencent `insufficientOperationPermissions`). */
  NO_PERMISSION: 100006,
  /** The live has reached its member limit (Tencent `roomIsFull`). */
  LIVE_FULL: 100008,
  /** A limit of the server was reached (Tencent `exceedsTheUpperLimit`). */
  LIMIT_EXCEEDED: 100013,
  /** The seat is locked (Tencent `seatLocked`). */
  SEAT_LOCKED: 100200,
  /** The seat is occupied (Tencent `seatOccupied`). */
  SEAT_OCCUPIED: 100201,
  /** The user already has a pending application (Tencent `alreadyOnTheSeatQueue`). */
  ALREADY_APPLIED: 100202,
  /** The user is already on a seat (Tencent `alreadyInSeat`). */
  ALREADY_ON_SEAT: 100203,
  /** The user has no pending application (Tencent `notOnTheSeatQueue`). */
  NOT_APPLIED: 100204,
  /** Every seat is taken (Tencent `allSeatOccupied`). */
  ALL_SEATS_OCCUPIED: 100205,
  /** The user is not on a seat (Tencent `userNotInSeat`). */
  NOT_ON_SEAT: 100206,
  /** The user already has a pending invitation. */
  ALREADY_INVITED: 100207,
  /** The target user is not a member of this live. */
  USER_NOT_IN_LIVE: 100208,
  /** The publisher already sends to as many viewers as the room allows (`maxViewersPerPublisher`). */
  VIEWER_LIMIT: 100300,
  /** Media signaling between two users with no watch pair (neither publishes to the other). */
  MEDIA_NOT_ALLOWED: 100301,
  /** The media server (SFU) cannot serve the live now: none is reachable; try again shortly. */
  MEDIA_UNAVAILABLE: 100302,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const names = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

/** The symbolic name of a code (`SEAT_OCCUPIED`), or `UNKNOWN_<code>`. */
export function errorName(code: number): string {
  return names.get(code) ?? `UNKNOWN_${code}`;
}

/** WebSocket close codes used by the server. Documented in `docs/protocol.md`. */
export const CloseCode = {
  /** Normal close requested by the client. */
  NORMAL: 1000,
  /** Server shutting down; reconnect later. */
  GOING_AWAY: 1001,
  /** Binary frame received; the protocol is text JSON. */
  UNSUPPORTED_DATA: 1003,
  /** Generic policy violation (flood of invalid messages). */
  POLICY: 1008,
  /** Message larger than `maxMessageBytes`. */
  TOO_BIG: 1009,
  /** Unexpected server failure. */
  INTERNAL: 1011,
  /** The first message was not a valid `hello`. */
  BAD_HANDSHAKE: 4000,
  /** Token missing, malformed, or with a bad signature. */
  UNAUTHORIZED: 4001,
  /** Token expired. */
  TOKEN_EXPIRED: 4002,
  /** No `hello` within the handshake timeout. */
  HANDSHAKE_TIMEOUT: 4003,
  /** Unsupported protocol version. */
  UNSUPPORTED_PROTOCOL: 4004,
  /** The same user connected again elsewhere; this connection is replaced. */
  REPLACED: 4005,
  /** Message rate far above the limit. */
  RATE_LIMITED: 4008,
  /** The client missed heartbeats. */
  HEARTBEAT_TIMEOUT: 4009,
  /** The client reads too slowly: more than `maxBufferedBytes` waited to be sent to it. */
  SLOW_CONSUMER: 4010,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
