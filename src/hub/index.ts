export { createHub } from './hub.js';
export {
  DEFAULT_FAN_OUT,
  DEFAULT_MAX_LIVES_PER_USER,
  DEFAULT_REPLAY_BUFFER_SIZE,
  DEFAULT_REPLY_CACHE_SIZE,
  type FanOutOptions,
  type Hub,
  type HubConnection,
  type HubOptions,
  type HubPeer,
} from './types.js';
