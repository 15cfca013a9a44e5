export {
  createServer,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_HOST,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MESSAGES_PER_SECOND,
  DEFAULT_PORT,
  DEFAULT_SIGNALS_PER_SECOND,
  type ServerHandle,
  type ServerLogger,
  type ServerOptions,
} from './server.js';
export {
  createToken,
  DEFAULT_TOKEN_EXPIRES_IN,
  MAX_AVATAR_URL_LENGTH,
  MAX_USER_NAME_LENGTH,
  verifyToken,
  type CreateTokenOptions,
  type TokenFailure,
  type TokenFailureReason,
  type TokenResult,
  type VerifiedToken,
} from './token.js';
export { createHub, type Hub, type HubConnection, type HubOptions, type HubPeer } from '../hub/index.js';
