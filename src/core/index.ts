/**
 * `co-guest-kit/core`: the headless client. Sessions own the connection; stores (nanostores) hold
 * the state; listener objects receive the events; every action resolves to a `Result`.
 */
export { backoffDelay, DEFAULT_RECONNECT, type ReconnectOptions } from './backoff.js';
export {
  CoGuestStore,
  type ApplicantInfo,
  type ApplyForSeatParams,
  type CoGuestState,
  type GuestListener,
  type HostListener,
  type InviteeInfo,
  type InviteToSeatParams,
  type SelfStatus,
} from './co-guest-store.js';
export { LiveAudienceStore } from './live-audience-store.js';
export { LiveCoreController, type LiveCoreControllerOptions } from './live-core-controller.js';
export {
  LiveListStore,
  type CreateLiveParams,
  type FetchLiveListParams,
  type LiveListListener,
} from './live-list-store.js';
export { LiveSeatStore, type CloseRemoteDeviceOptions, type LiveSeatListener } from './live-seat-store.js';
export { LoginStore, type LoginListener, type LoginParams, type LoginStatus } from './login-store.js';
export {
  createSession,
  getDefaultSession,
  setDefaultSession,
  Session,
  type ConnectionError,
  type ConnectionStatus,
  type IceServer,
  type ServerMessageError,
  type SessionOptions,
  type SessionScheduler,
  type SignalListener,
} from './session.js';
export {
  type HubConnectionLike,
  type HubLike,
  type HubPeerLike,
  type WebSocketConstructor,
  type WebSocketLike,
} from './transport.js';
export { ErrorCode, CloseCode, errorName } from '../protocol/errors.js';
export { fail, ok, type Failure, type Result, type Success } from '../protocol/result.js';
export { PROTOCOL_VERSION } from '../protocol/version.js';
export type * from '../protocol/types.js';
export type { DataOf, LiveListPage, LiveSummary, SignalMessage } from '../protocol/messages.js';
