/**
 * The kit server's side of Janus: a client of the Janus API over WebSocket, the VideoRoom
 * requests, signed tokens and a pool of instances. Node only; browsers never speak to Janus
 * (docs/decisions/0038-janus-owned-by-the-kit-server.md).
 */
export {
  DEFAULT_JANUS_KEEPALIVE_MS,
  DEFAULT_JANUS_TIMEOUT_MS,
  isJanusError,
  JANUS_SUBPROTOCOL,
  JanusClient,
  JanusError,
  JanusErrorCode,
  JanusHandle,
  JanusSession,
  type JanusClientOptions,
  type JanusCloseInfo,
  type JanusErrorKind,
  type JanusHandleEventMap,
  type JanusPluginAnswer,
  type JanusSessionEventMap,
  type Jsep,
} from './janus-client.js';
export {
  createJanusPool,
  DEFAULT_MAX_RECONNECT_MS,
  DEFAULT_RECONNECT_MS,
  JanusPool,
  type JanusInstance,
  type JanusPoolOptions,
} from './janus-pool.js';
export {
  createJanusToken,
  DEFAULT_JANUS_TOKEN_TTL_S,
  janusTokenSource,
  VIDEOROOM_PLUGIN,
  type JanusTokenOptions,
} from './janus-token.js';
export * as videoroom from './videoroom.js';
export {
  VideoRoomErrorCode,
  type CreateRoomRequest,
  type Participant,
  type Publisher,
  type PublisherJoined,
  type PublisherStream,
  type PublishRequest,
  type SubscribeStream,
  type SubscriberStream,
  type SubscriberStreamSettings,
  type Subscription,
  type SubscriptionUpdate,
  type UnsubscribeStream,
} from './videoroom.js';
