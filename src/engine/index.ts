/** The pure room engine: one `LiveRoom` per live, driven by commands, reporting through events. */
export { LiveRoom, type LiveRoomCreateOptions } from './room.js';
export {
  chooseSeat,
  DEFAULT_SEAT_COUNT,
  describeSeatRefusal,
  isSeatIndex,
  MAX_SEAT_COUNT,
  type SeatAvailability,
  type SeatChoice,
  type SeatRefusalCode,
} from './seats.js';
export { ManualScheduler, realScheduler, type Scheduler, type TimerHandle } from './scheduler.js';
export {
  DEFAULT_ROOM_LIMITS,
  type CreateLiveSettings,
  type JoinOptions,
  type LiveRoomApi,
  type LiveRoomOptions,
  type RoomCommand,
  type RoomCommandName,
  type RoomLimits,
} from './types.js';
