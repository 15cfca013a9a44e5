/**
 * `co-guest-kit`: everything for a page. Importing it registers the kit's custom elements and
 * re-exports the headless client, the i18n layer and the controllers. The local (in-page) mode is
 * not in this graph: `createLocalHub` lives at `co-guest-kit/local`, and `getLocalHub()` (or
 * `<live-session local>`) loads it on first use.
 *
 * `<live-session>` and `<live-core-view>` are registered first: elements inside them that upgrade
 * with them then find their context at once.
 */
export * from './core/index.js';
export type { Hub, HubOptions, LocalHub, LocalHubOptions } from './local/index.js';
export * from './i18n/index.js';
export { StoreController } from './controllers/store-controller.js';
export {
  liveContext,
  LiveController,
  type Bound,
  type LiveHost,
  type LiveStores,
  type LiveTarget,
} from './controllers/live-controller.js';
export { ClockController, formatDuration, secondsLeft } from './controllers/clock-controller.js';
export { ActionErrorEvent } from './elements/shared/events.js';
export {
  getLocalHub,
  LiveSession,
  SessionErrorEvent,
  SessionReadyEvent,
  type LiveSessionError,
  type LiveSessionRole,
  type LiveSessionState,
} from './elements/live-session/live-session.js';
export {
  LiveCoreView,
  SeatApplyRequestEvent,
  SeatInviteRequestEvent,
  SeatPinEvent,
  SeatUnpinEvent,
  SPEAKER_HOLD_MS,
  STAGE_LAYOUTS,
  type SeatFullInfo,
  type SeatLayerView,
  type SeatTemplateData,
  type StageLayout,
  type StageLayoutOption,
  type VideoWidgetBuilder,
  type ViewLayer,
} from './elements/live-core-view/live-core-view.js';
export {
  EmptySeatSelectEvent,
  GuestSeatTile,
  SeatSelectEvent,
} from './elements/guest-seat-tile/guest-seat-tile.js';
export {
  ApplicationAcceptedEvent,
  ApplicationFailedEvent,
  ApplicationRejectedEvent,
  ApplicationTimeoutEvent,
  ApplyButton,
  ApplyCancelEvent,
  ApplyRequestEvent,
  KickedOffSeatEvent,
  SeatLeaveEvent,
} from './elements/apply-button/apply-button.js';
export {
  InvitationAcceptEvent,
  InvitationCancelledEvent,
  InvitationDeclineEvent,
  InvitationPrompt,
  InvitationReceivedEvent,
  InvitationTimeoutEvent,
} from './elements/invitation-prompt/invitation-prompt.js';
export {
  ApplicantAcceptEvent,
  ApplicantList,
  ApplicantRejectEvent,
  ApplicantsAcceptAllEvent,
  ApplicantsRejectAllEvent,
} from './elements/applicant-list/applicant-list.js';
export {
  AudienceList,
  InvitationCancelEvent,
  MemberInviteEvent,
} from './elements/audience-list/audience-list.js';
export {
  SeatDeviceAllowEvent,
  SeatDeviceCloseEvent,
  SeatDeviceForbidEvent,
  SeatKickEvent,
  SeatLockEvent,
  SeatMenu,
  SeatMenuEvent,
  SeatMoveEvent,
  SeatUnlockEvent,
} from './elements/seat-menu/seat-menu.js';
export {
  LiveNotificationEvent,
  LiveNotifications,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from './elements/live-notifications/live-notifications.js';
export { ConnectionStatus } from './elements/connection-status/connection-status.js';
export {
  DeviceStore,
  type DeviceErrors,
  type DeviceStoreOptions,
  type OpenCameraOptions,
} from './media/device-store.js';
export type { CaptureDevice, DeviceError, MediaDevicesLike } from './media/devices.js';
export { LiveMedia, mediaFor, type LiveMediaView, type ViewerStatus } from './media/live-media.js';
export { DeviceToggle, DeviceToggleEvent } from './elements/device-toggle/device-toggle.js';
export { CameraSwitch, CameraSwitchEvent } from './elements/camera-switch/camera-switch.js';
export {
  PreJoinCancelEvent,
  PreJoinCheck,
  PreJoinConfirmEvent,
  type PreJoinChoice,
} from './elements/pre-join-check/pre-join-check.js';
export { ConnectionQuality } from './elements/connection-quality/connection-quality.js';
export type { ConnectionQualityInfo, QualityLevel } from './media/quality.js';
