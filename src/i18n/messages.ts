/**
 * The message catalog: every user-facing string of the kit, in English. This object is the
 * source of the keys (`MessageKey`) and of each message's placeholders (`MessageParams<K>`): a
 * translation must provide every key (`Messages`), an override any subset.
 *
 * Messages are plain text, never HTML. `{name}` is a placeholder filled by `translate()`; there are
 * no plural rules, so a message with a count is written to read well for any number ("{count}
 * requests"), or the caller picks between two keys.
 *
 * Conventions: keys are `<area>.<what>`; placeholders that carry user data (`{name}`) are filled
 * with the raw text (elements bind the result as text, so it cannot inject markup); `{index}` in
 * seat messages is the human seat number, starting at 1.
 *
 * What a failed action shows is looked up here too: `errorMessage(code, area)` reads one table from
 * error codes to message keys (`ERROR_TEXTS`, below the catalog).
 */
import { ErrorCode } from '../protocol/errors.js';

export const en = {
  // <guest-seat-tile>
  'tile.cameraOff': 'Camera off',
  'tile.cameraOn': 'Camera on',
  'tile.micOff': 'Microphone off',
  'tile.micOn': 'Microphone on',
  'tile.speaking': 'Speaking',
  'tile.emptySeat': 'Empty seat',
  'tile.seat': 'Seat {index}',
  'tile.locked': 'Locked',
  'tile.you': 'You',
  /** The seat's user lost the connection; the seat waits for them (the grace period). */
  'tile.reconnecting': 'Reconnecting…',
  'tile.viewerLimit': 'Viewer limit reached',
  /** Joins the parts of a tile's accessible name ("Seat 2, Ada, Microphone off"). */
  'tile.separator': ', ',

  // <live-core-view>
  /** The stage's accessible name (a list of seats). */
  'stage.label': 'Seats',
  /** The seat number on an empty seat (`index` starts at 1). */
  'stage.seat': 'Seat {index}',
  /** On an empty seat, for an audience member: activating it applies for that seat. */
  'stage.requestToJoin': 'Request to join',
  /** On an empty seat, for a host: activating it asks the page to pick someone to invite. */
  'stage.invite': 'Invite',
  /** Shown while no seat is shown (dynamic layouts, nobody seated). */
  'stage.noSeats': 'No one is on a seat yet',
  'stage.ended': 'The live has ended',
  'stage.unmute': 'Tap to unmute',
  /** A tile's pin control (a toggle: pressed while pinned); `{name}` is the seat's user. */
  'stage.pin': 'Pin {name}',
  /** A tile's full-screen control; `{name}` is the seat's user. */
  'stage.fullscreen': 'Show {name} full screen',
  /** The same control while its tile is full screen. */
  'stage.exitFullscreen': 'Exit full screen',

  // <apply-button>
  'apply.request': 'Request to join',
  'apply.cancel': 'Cancel request',
  'apply.leave': 'Leave seat',
  'apply.waiting': 'Waiting for the host… {seconds}s',
  'apply.waitingNoDeadline': 'Waiting for the host…',
  'apply.accepted': 'Request accepted: you are on a seat',
  'apply.rejected': 'Request rejected',
  'apply.timedOut': 'Request timed out',
  'apply.cancelled': 'Request cancelled',
  'apply.left': 'You left the seat',
  'apply.kicked': 'The host took you off the seat',
  'apply.seatTaken': 'That seat is taken',
  'apply.allSeatsTaken': 'Every seat is taken',
  'apply.seatLocked': 'That seat is locked',
  'apply.liveEnded': 'The live has ended',
  'apply.alreadyInvited': "Answer the host's invitation first",
  'apply.tooManyRequests': 'Too many requests: try again later',
  'apply.connectionError': 'No connection to the server: try again',
  'apply.failed': 'Something went wrong: try again',

  // <invitation-prompt>
  'invitation.message': '{name} invites you to join',
  'invitation.messageSeat': '{name} invites you to join on seat {index}',
  'invitation.accept': 'Accept',
  'invitation.decline': 'Decline',
  'invitation.acceptFrom': 'Accept the invitation from {name}',
  'invitation.declineFrom': 'Decline the invitation from {name}',
  'invitation.expires': '{seconds}s left',
  'invitation.cancelled': '{name} withdrew the invitation',
  'invitation.timedOut': 'The invitation expired',
  'invitation.seatUnavailable': 'The seat is no longer free',
  'invitation.gone': 'The invitation is no longer valid',
  'invitation.connectionError': 'No connection to the server: try again',
  'invitation.failed': 'Something went wrong: try again',

  // <applicant-list>
  'applicants.accept': 'Accept',
  'applicants.reject': 'Reject',
  'applicants.acceptUser': 'Accept {name}',
  'applicants.rejectUser': 'Reject {name}',
  'applicants.acceptAll': 'Accept all',
  'applicants.rejectAll': 'Reject all',
  'applicants.empty': 'No requests',
  'applicants.count': '{count} requests',
  'applicants.waiting': 'waiting {time}',
  /** The list's accessible name. */
  'applicants.label': 'Requests to join',
  /** `applicants.count` for exactly one request. */
  'applicants.countOne': '{count} request',
  /** "Accept all" when it accepts `count` applicants (as many as there are free seats). */
  'applicants.acceptCount': 'Accept {count}',
  'applicants.acceptAllHint': 'Accepts the earliest requests, as many as there are free seats',
  'applicants.noFreeSeat': 'No free seat',
  /** The seat an applicant asked for (`index` starts at 1). */
  'applicants.seat': 'Seat {index}',

  // audience list
  'audience.invite': 'Invite',
  'audience.inviteUser': 'Invite {name}',
  'audience.filter': 'Filter audience',
  /** The list's accessible name. */
  'audience.label': 'Audience',
  'audience.count': '{count} viewers',
  /** `audience.count` for exactly one member. */
  'audience.countOne': '{count} viewer',
  /** How many members the filter leaves. */
  'audience.matches': '{count} shown',
  'audience.empty': 'No viewers',
  'audience.noMatch': 'No viewer matches the filter',
  'audience.roleOwner': 'Host',
  'audience.roleAdmin': 'Admin',
  'audience.you': 'You',
  'audience.onSeat': 'On seat',
  'audience.invited': 'Invited',
  'audience.applying': 'Applying',
  'audience.cancelInvitation': 'Cancel invitation',
  'audience.cancelInvitationUser': 'Cancel invitation for {name}',

  // <seat-menu>
  'seatMenu.label': 'Actions for {name}',
  'seatMenu.labelSeat': 'Actions for seat {index}',
  'seatMenu.kick': 'Kick off seat',
  'seatMenu.closeMicrophone': 'Close microphone',
  'seatMenu.forbidMicrophone': 'Forbid microphone',
  'seatMenu.allowMicrophone': 'Allow microphone',
  'seatMenu.closeCamera': 'Close camera',
  'seatMenu.forbidCamera': 'Forbid camera',
  'seatMenu.allowCamera': 'Allow camera',
  'seatMenu.lock': 'Lock seat',
  'seatMenu.unlock': 'Unlock seat',
  'seatMenu.moveGroup': 'Move to another seat',
  'seatMenu.move': 'Move to seat {index}',

  // <live-notifications>
  'notify.region': 'Notifications',
  'notify.applicationReceived': '{name} requests to join',
  'notify.applicationCancelled': '{name} withdrew the request to join',
  'notify.applicationTimedOut': 'The request from {name} timed out',
  'notify.invitationReceived': '{name} invites you to join',
  'notify.invitationCancelled': '{name} withdrew the invitation',
  'notify.invitationAccepted': '{name} accepted the invitation',
  'notify.invitationRejected': '{name} declined the invitation',
  'notify.invitationTimedOut': 'The invitation to {name} expired',
  'notify.joinedSeat': '{name} joined seat {index}',
  /** For hosts: a seated guest's connection dropped; the seat waits for them (the grace period). */
  'notify.guestReconnecting': '{name} lost the connection',
  'notify.guestBack': '{name} is back',
  /** For hosts: the grace period is over and the guest's seat was freed. */
  'notify.guestGone': '{name} did not come back: the seat is free',
  'notify.requestAccepted': 'Your request was accepted',
  'notify.requestRejected': 'Your request was rejected',
  'notify.requestTimedOut': 'Your request timed out',
  'notify.kicked': 'You were removed from the seat',
  'notify.microphoneClosed': 'The host turned off your microphone',
  'notify.microphoneForbidden': 'The host blocked your microphone',
  'notify.microphoneAllowed': 'The host allows your microphone again',
  'notify.cameraClosed': 'The host turned off your camera',
  'notify.cameraForbidden': 'The host blocked your camera',
  'notify.cameraAllowed': 'The host allows your camera again',
  'notify.liveEnded': 'The live has ended',
  'notify.dismiss': 'Dismiss',

  // <connection-status>
  'connection.idle': 'Not connected',
  'connection.connecting': 'Connecting…',
  'connection.connected': 'Connected',
  'connection.reconnecting': 'Reconnecting…',
  'connection.offline': 'Offline',
  'connection.lost': 'The connection was lost',
  'connection.serverClosed': 'The server closed the connection',
  'connection.replaced': 'You signed in somewhere else',
  'connection.expired': 'Your sign-in has expired',
  'connection.refused': 'The server refused the sign-in',

  // <connection-quality>
  /** The indicator's accessible name starts with the level: "Connection: good, 40 ms, 0% loss". */
  'quality.label': 'Connection: {level}',
  'quality.excellent': 'excellent',
  'quality.good': 'good',
  'quality.poor': 'poor',
  /** The link is down, or most packets are lost. */
  'quality.lost': 'lost',
  /** Nothing measured yet. */
  'quality.unknown': 'unknown',
  /** The round-trip time, in milliseconds. */
  'quality.roundTrip': '{ms} ms',
  /** The share of packets lost over the last few seconds, in percent. */
  'quality.loss': '{percent}% loss',
  /** Joins the parts of the label. */
  'quality.separator': ', ',

  // <device-toggle>, <camera-switch>
  /** The toggle's label states what pressing it does. */
  'device.cameraOn': 'Turn camera on',
  'device.cameraOff': 'Turn camera off',
  'device.microphoneOn': 'Unmute',
  'device.microphoneOff': 'Mute',
  'device.screenOn': 'Share screen',
  'device.screenOff': 'Stop sharing',
  /** Why the toggle is disabled: the host forbids the device on the user's seat. */
  'device.cameraLocked': 'The host has blocked your camera on this seat',
  'device.microphoneLocked': 'The host has blocked your microphone on this seat',
  /** Why the toggle is disabled: the browser cannot capture here (no camera API, not https). */
  'device.cameraUnsupported': 'This browser cannot use a camera on this page',
  'device.microphoneUnsupported': 'This browser cannot use a microphone on this page',
  'device.screenUnsupported': 'This browser cannot share the screen',
  'device.cameraDenied': 'Camera access is blocked: allow it in the browser, then try again',
  'device.cameraNotFound': 'No camera was found',
  'device.cameraBusy': 'The camera is in use by another app',
  'device.cameraFailed': 'The camera could not start',
  'device.microphoneDenied': 'Microphone access is blocked: allow it in the browser, then try again',
  'device.microphoneNotFound': 'No microphone was found',
  'device.microphoneBusy': 'The microphone is in use by another app',
  'device.microphoneFailed': 'The microphone could not start',
  'device.screenFailed': 'Screen sharing could not start',
  'device.connectionError': 'No connection to the server: try again',
  'device.failed': 'Something went wrong: try again',
  'device.switchToBack': 'Switch to the back camera',
  'device.switchToFront': 'Switch to the front camera',

  // <pre-join-check>
  /** The check's accessible name. */
  'prejoin.label': 'Check your camera and microphone',
  /** The confirm button, unless the page sets its own (`confirm-label`). */
  'prejoin.join': 'Join',
  'prejoin.cancel': 'Cancel',
  'prejoin.preview': 'Your camera preview',
  'prejoin.starting': 'Starting your camera and microphone…',
  'prejoin.cameraOff': 'Your camera is off',
  'prejoin.level': 'Microphone level',
  'prejoin.retry': 'Try again',
  'prejoin.camera': 'Camera',
  'prejoin.microphone': 'Microphone',
  'prejoin.speaker': 'Speaker',
  /** The speaker picker's first choice: the system's output. */
  'prejoin.default': 'System default',
  /** A device without a name (before access is allowed); `{index}` starts at 1. */
  'prejoin.cameraN': 'Camera {index}',
  'prejoin.microphoneN': 'Microphone {index}',
  'prejoin.speakerN': 'Speaker {index}',

  // <live-session>
  /** While it logs in and enters the live. */
  'session.connecting': 'Joining the live…',
  /** An audience member's live has not started (or has ended): the element asks again now and then. */
  'session.waiting': 'This live has not started yet: waiting for it…',
  /** Signs in and enters the live again, after a failure. */
  'session.retry': 'Retry',
  /** Its attributes are missing or invalid (a bad `server-url`, no token…). */
  'session.invalidSettings': 'Cannot join the live: the page gives invalid settings',
  /** The live server refused the token (`NOT_LOGGED_IN`). */
  'session.signInFailed': 'The live server refused the sign-in: the token is invalid or has expired',
  /** `token-url` answered an HTTP error, or no token (`TOKEN_URL_FAILED`). */
  'session.tokenUrlFailed': 'Could not get a sign-in token: the token URL answered with an error',
  'session.unreachable': 'Could not reach the live server',
  'session.liveNotFound': 'This live does not exist or has ended',
  'session.liveIdTaken': 'Another live already uses this id',
  'session.liveFull': 'This live is full',
  'session.failed': 'Could not join the live',
} as const;

/** A key of the message catalog. */
export type MessageKey = keyof typeof en;

/** A complete translation: every key, any text. */
export type Messages = Readonly<Record<MessageKey, string>>;

/** The placeholder names in a message text, e.g. `'name' | 'index'` for `'{name} joined seat {index}'`. */
export type Placeholders<Text extends string> = Text extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The values a message needs, e.g. `{ name: string | number }` for `'invitation.message'`. */
export type MessageParams<K extends MessageKey> = Readonly<
  Record<Placeholders<(typeof en)[K]>, string | number>
>;

/**
 * The rest parameters of `translate(key, …)`: nothing for a message without placeholders, the
 * values object for one with placeholders.
 */
export type MessageArgs<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never]
  ? []
  : [params: MessageParams<K>];

/** The keys of the messages without placeholders (what `t(key)` takes with no second argument). */
export type PlainMessage = { [K in MessageKey]: MessageArgs<K> extends [] ? K : never }[MessageKey];

/**
 * Where a failure is shown: the same error code reads differently on `<apply-button>` (`apply`),
 * `<invitation-prompt>` (`invitation`), `<live-session>` (`session`) and on a device's controls
 * (`camera`, `microphone`, `screen`).
 */
export type ErrorArea = 'apply' | 'invitation' | 'session' | 'camera' | 'microphone' | 'screen';

type ErrorTexts = Readonly<Partial<Record<ErrorArea, PlainMessage>>>;

/** A failure of a device, worded for each device (the screen has one text for all but one). */
function deviceTexts(
  camera: PlainMessage,
  microphone: PlainMessage,
  screen: PlainMessage = 'device.screenFailed',
) {
  return { camera, microphone, screen };
}

const CONNECTION_LOST = {
  apply: 'apply.connectionError',
  invitation: 'invitation.connectionError',
  session: 'session.unreachable',
  ...deviceTexts('device.connectionError', 'device.connectionError', 'device.connectionError'),
} as const;
const DENIED = deviceTexts('device.cameraDenied', 'device.microphoneDenied');
const NOT_FOUND = deviceTexts('device.cameraNotFound', 'device.microphoneNotFound');
const BUSY = deviceTexts('device.cameraBusy', 'device.microphoneBusy');
const START_FAILED = deviceTexts('device.cameraFailed', 'device.microphoneFailed');
const LOCKED = deviceTexts('device.cameraLocked', 'device.microphoneLocked');

/**
 * The one table from error codes to what each area shows: per code, the message key of every area
 * that words it; an area a code does not list shows its `FAILED` text.
 */
const ERROR_TEXTS: Readonly<Record<number, ErrorTexts>> = {
  [ErrorCode.INVALID_ARGUMENT]: { session: 'session.invalidSettings' },
  [ErrorCode.DISCONNECTED]: CONNECTION_LOST,
  [ErrorCode.SERVER_TIMEOUT]: CONNECTION_LOST,
  [ErrorCode.NOT_LOGGED_IN]: { ...CONNECTION_LOST, session: 'session.signInFailed' },
  [ErrorCode.TOKEN_URL_FAILED]: { session: 'session.tokenUrlFailed' },
  [ErrorCode.RATE_LIMITED]: { apply: 'apply.tooManyRequests' },
  [ErrorCode.LIMIT_EXCEEDED]: { apply: 'apply.tooManyRequests' },
  [ErrorCode.SEAT_OCCUPIED]: { apply: 'apply.seatTaken', invitation: 'invitation.seatUnavailable' },
  [ErrorCode.ALL_SEATS_OCCUPIED]: { apply: 'apply.allSeatsTaken', invitation: 'invitation.seatUnavailable' },
  [ErrorCode.SEAT_LOCKED]: { apply: 'apply.seatLocked', invitation: 'invitation.seatUnavailable' },
  [ErrorCode.ALREADY_INVITED]: { apply: 'apply.alreadyInvited' },
  [ErrorCode.REQUEST_NOT_FOUND]: { invitation: 'invitation.gone' },
  [ErrorCode.LIVE_NOT_FOUND]: { session: 'session.liveNotFound' },
  [ErrorCode.LIVE_ENDED]: {
    apply: 'apply.liveEnded',
    invitation: 'invitation.gone',
    session: 'session.liveNotFound',
  },
  [ErrorCode.LIVE_ID_OCCUPIED]: { session: 'session.liveIdTaken' },
  [ErrorCode.LIVE_FULL]: { session: 'session.liveFull' },
  [ErrorCode.CAMERA_NOT_AUTHORIZED]: DENIED,
  [ErrorCode.MICROPHONE_NOT_AUTHORIZED]: DENIED,
  [ErrorCode.CAMERA_NOT_FOUND]: NOT_FOUND,
  [ErrorCode.MICROPHONE_NOT_FOUND]: NOT_FOUND,
  [ErrorCode.CAMERA_OCCUPIED]: BUSY,
  [ErrorCode.MICROPHONE_OCCUPIED]: BUSY,
  [ErrorCode.CAMERA_START_FAILED]: START_FAILED,
  [ErrorCode.MICROPHONE_START_FAILED]: START_FAILED,
  [ErrorCode.SCREEN_SHARE_FAILED]: START_FAILED,
  [ErrorCode.CAMERA_LOCKED]: LOCKED,
  [ErrorCode.MICROPHONE_LOCKED]: LOCKED,
  [ErrorCode.NOT_SUPPORTED]: deviceTexts(
    'device.cameraUnsupported',
    'device.microphoneUnsupported',
    'device.screenUnsupported',
  ),
};

/** What each area shows for a code that `ERROR_TEXTS` does not word for it. */
const FAILED: Readonly<Record<ErrorArea, PlainMessage>> = {
  apply: 'apply.failed',
  invitation: 'invitation.failed',
  session: 'session.failed',
  camera: 'device.failed',
  microphone: 'device.failed',
  screen: 'device.failed',
};

/** The message key that `area` shows for a failure with error `code` (an `ErrorCode`). */
export function errorMessage(code: number, area: ErrorArea): PlainMessage {
  return ERROR_TEXTS[code]?.[area] ?? FAILED[area];
}
