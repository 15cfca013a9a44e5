/** The pure room engine: one `LiveRoom` per live, driven by commands, reporting through events. */
export { LiveRoom, type LiveRoomCreateOptions, type LiveRoomRestoreOptions } from './room.js';
export {
  parseCheckpoint,
  type CheckpointFailure,
  type CheckpointRefusal,
  type CheckpointResult,
} from './checkpoint.js';
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
  ROOM_CHECKPOINT_VERSION,
  type CheckpointMember,
  type CheckpointOptions,
  type CheckpointSeat,
  type CheckpointTimer,
  type CreateLiveSettings,
  type JoinOptions,
  type LiveRoomApi,
  type LiveRoomOptions,
  type RoomCheckpoint,
  type RoomCommand,
  type RoomCommandName,
  type RoomLimits,
} from './types.js';
