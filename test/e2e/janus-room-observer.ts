/**
 * A participant of a live's VideoRoom that publishes nothing, for the SFU checks: what Janus
 * itself says of the room's publishers (their streams, whether a stream is simulcast or moderated),
 * independent of what the kit server believes it asked for. It joins with the test's own Janus token,
 * as a publisher that never publishes; the room's members are told nothing of it (the kit's rooms
 * do not notify joins).
 */
import { randomBytes } from 'node:crypto';
import type { JanusProcess } from '../../scripts/janus-process.mjs';
import { JanusClient } from '../../src/server/janus/janus-client.js';
import { createJanusToken, VIDEOROOM_PLUGIN } from '../../src/server/janus/janus-token.js';
import * as videoroom from '../../src/server/janus/videoroom.js';

/** One moderation event: `id`'s stream `mid` muted or unmuted by the room's moderator. */
export interface Moderation {
  readonly id: string;
  readonly mid: string;
  readonly muted: boolean;
}

/** The observer of one live's room. */
export interface RoomObserver {
  /** The room's publishers, as Janus listed them when the observer joined. */
  readonly publishers: readonly videoroom.Publisher[];
  /** Resolves with the first moderation (seen since joining) that `matches`. */
  moderation(matches: (event: Moderation) => boolean): Promise<Moderation>;
  close(): Promise<void>;
}

/** The room of `liveId` on `instance`, if that instance holds it. */
async function roomOf(client: JanusClient, liveId: string): Promise<string | null> {
  const session = await client.createSession();
  const handle = await session.attach(VIDEOROOM_PLUGIN);
  const { data } = await handle.message<{ list?: { room: string }[] }>({ request: 'list' });
  await handle.detach();
  return data.list?.find((room) => room.room.startsWith(`${liveId}~`))?.room ?? null;
}

/** Joins the room of `liveId` on whichever running instance of `janus` holds it; rejects when none does. */
export async function observeRoom(janus: readonly JanusProcess[], liveId: string): Promise<RoomObserver> {
  for (const instance of janus) {
    const client = await JanusClient.connect(instance.url, {
      token: createJanusToken({ secret: instance.secrets.tokenSecret }),
    }).catch(() => null); // an instance the checks killed
    if (client === null) continue;
    const room = await roomOf(client, liveId).catch(() => null);
    if (room === null) {
      await client.close();
      continue;
    }
    const session = await client.createSession();
    const handle = await session.attach(VIDEOROOM_PLUGIN);
    const seen: Moderation[] = [];
    const waiting = new Set<() => void>();
    handle.on('event', ({ data }) => {
      if (typeof data.moderation !== 'string') return;
      seen.push({ id: String(data.id), mid: String(data.mid), muted: data.moderation === 'muted' });
      for (const wake of waiting) wake();
    });
    const joined = await videoroom.joinPublisher(handle, {
      room,
      id: `observer-${randomBytes(4).toString('hex')}`,
    });
    return {
      publishers: joined.publishers,
      moderation: (matches) =>
        new Promise((resolve) => {
          const check = (): void => {
            const found = seen.find(matches);
            if (!found) return;
            waiting.delete(check);
            resolve(found);
          };
          waiting.add(check);
          check();
        }),
      close: () => client.close(),
    };
  }
  throw new Error(`no Janus instance holds a room of ${liveId}`);
}
