/**
 * The end of `live.create` and `live.join` in the hub, once the room has answered (at once for a
 * room of this process, later for one of another process): the member subscribes to the live's
 * events and is told its snapshot, or what it missed since `sinceSeq`. Both run in the same tick
 * as the room's answer, so no event of the live comes between the answer and the subscription.
 */
import { ErrorCode } from '../protocol/errors.js';
import { toServerEvent, type JoinData, type ServerEvent } from '../protocol/messages.js';
import { fail, ok, type Result } from '../protocol/result.js';
import type { LiveSnapshot } from '../protocol/types.js';
import { inAudience } from './fan-out.js';
import { subscribe, type Connection, type RoomRecord } from './records.js';
import type { RoomHandle } from './room-handle.js';

/** The owner of a new live is its member: subscribed, and told its snapshot. */
export function ownerJoined(
  connection: Connection,
  record: RoomRecord,
  room: RoomHandle,
): Result<LiveSnapshot> {
  if (room.ended || record.dropped) return fail(ErrorCode.LIVE_ENDED, `live "${record.liveId}" has ended`);
  const snapshot = room.snapshotFor(connection.user.userId);
  subscribe(connection, record);
  return ok(snapshot);
}

/**
 * A join answered: the member subscribes, and is told what it missed since `sinceSeq` (from the
 * replay buffer) or its snapshot.
 */
export function memberJoined(
  connection: Connection,
  record: RoomRecord,
  room: RoomHandle,
  sinceSeq: number | undefined,
  joined: Result<LiveSnapshot>,
): Result<JoinData> {
  if (!joined.isSuccess) return joined;
  const { liveId } = record;
  if (room.ended || record.dropped) return fail(ErrorCode.LIVE_ENDED, `live "${liveId}" has ended`);
  const user = connection.user;
  subscribe(connection, record);
  const seq = room.seq;
  if (sinceSeq !== undefined) {
    const missed = record.buffer.since(sinceSeq, seq);
    if (missed) {
      const events: ServerEvent[] = [];
      for (const envelope of missed) {
        if (inAudience(envelope.to, user.userId, room)) events.push(toServerEvent(envelope));
      }
      return ok({ kind: 'replay', events, seq });
    }
  }
  const snapshot = joined.data.seq === seq ? joined.data : room.snapshotFor(user.userId);
  return ok({ kind: 'snapshot', snapshot });
}
