/**
 * The hub's side of its media server in SFU mode (`HubOptions.media`, docs/media.md "SFU mode"):
 * what it pushes to a client, what it reads of a room, and how a `media.sfu.*` command is relayed
 * to the media server and its reply sent later.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { CommandMessage, ServerMessage, SfuPush, SignalMessage } from '../protocol/messages.js';
import { fail, ok, type Result } from '../protocol/result.js';
import type { SeatInfo } from '../protocol/types.js';
import type { Connection } from './records.js';
import type { Answer, RoomHandle } from './room-handle.js';
import type { HubMedia, MediaCommand, RelayedSignal } from './types.js';

/** Sends `data` to `connection` if it is open and subscribed to `liveId`; whether it was sent. */
export function pushMedia(
  connection: Connection | null | undefined,
  liveId: string,
  text: (message: ServerMessage) => string,
  data: SfuPush,
): boolean {
  if (!connection?.open || !connection.subscribed.includes(liveId)) return false;
  connection.send(text({ type: 'media', liveId, data }));
  return true;
}

/** The seats of an open room, or `null`. */
export function seatsOf(room: RoomHandle | null | undefined): readonly SeatInfo[] | null {
  return room && !room.ended ? room.snapshotFor('').seats : null;
}

/** The reply to a `media.sfu.*` command on a hub whose media is a mesh. */
export function refuseOnMesh(name: string): Result<never> {
  return fail(
    ErrorCode.MEDIA_NOT_ALLOWED,
    `this server moves media as a mesh (media.watch, media.signal): ${name} needs its SFU mode`,
  );
}

/**
 * Hands a member's `media.sfu.*` command to the media server and calls `reply` with its result
 * once it settles (a media server that throws is reported and answered `SERVER_ERROR`).
 */
export function relayMediaCommand(
  media: HubMedia,
  userId: string,
  message: CommandMessage<MediaCommand['name']>,
  hub: { reportError(error: unknown): void },
  reply: (result: Result<unknown>) => void,
): void {
  const { name, args } = message;
  media.command({ userId, liveId: args.liveId, name, args }).then(reply, (error: unknown) => {
    hub.reportError(error);
    reply(fail(ErrorCode.SERVER_ERROR, 'the media server failed to process the command'));
  });
}

/**
 * Relays a WebRTC signal inside a watch pair, outside the room's sequence, to `target` (the
 * recipient's connection, if any). The sender is the connection's user; nothing in the arguments
 * can change it.
 */
export function relaySignal(
  connection: Connection,
  room: RoomHandle,
  message: CommandMessage<'media.signal'>,
  target: Connection | null | undefined,
  text: (message: ServerMessage) => string,
  elsewhere?: (signal: RelayedSignal) => Answer<{ delivered: boolean }>,
): Answer<{ delivered: boolean }> {
  const { liveId, to, data } = message.args;
  const from = connection.user.userId;
  if (!room.canSignal(from, to)) {
    return fail(
      ErrorCode.MEDIA_NOT_ALLOWED,
      `no watch pair joins you and "${to}" in live "${liveId}": signal only a publisher you watch or a viewer of yours`,
    );
  }
  // A member of another process: relayed there. One in its grace period has no connection: the
  // signal is dropped, the sender told so.
  if (!target && elsewhere) return elsewhere({ liveId, from, to, data });
  return ok({ delivered: sendSignal(target, { liveId, from, to, data }, text) });
}

/** Sends a signal to `target` if it is open and subscribed to the live; whether it was sent. */
export function sendSignal(
  target: Connection | null | undefined,
  { liveId, from, data }: RelayedSignal,
  text: (message: ServerMessage) => string,
): boolean {
  if (!target?.open || !target.subscribed.includes(liveId)) return false;
  const signal: SignalMessage = { type: 'signal', liveId, from, data };
  target.send(text(signal));
  return true;
}
