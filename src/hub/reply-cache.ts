/**
 * The reply cache: the replies remembered per user, so that a command sent again with the same id
 * (a client that resends after a reconnect) gets the same reply and is not run twice.
 *
 * Kept lean on purpose, since every member of a live has one: the cache is three fields of the
 * user's record (`ReplySlots`), not an object of its own. The first reply sits inline in
 * `replyId` / `reply`, and a `Map` is made only for a second one: most members of a large live
 * send a command or two (the join) and stay idle. A short reply is kept as its text; a long one (a
 * snapshot) as its result, whose parts the room shares among many replies, and is serialised again
 * if its id comes back.
 */
import type { Result } from '../protocol/result.js';

/**
 * A remembered reply: the text of a short one; a long one (a snapshot) as its result, whose parts
 * the room shares among many replies and never changes, serialised again (as `{type, id, result}`,
 * the same text) if the id comes back.
 */
export type Remembered = string | Result<unknown>;

/** Remembered replies up to this length are kept as text; longer ones as their result. */
export const KEEP_TEXT_UP_TO = 256;

/**
 * The fields of a user's record that hold its remembered replies, by command id, oldest first:
 * the first one inline in `replyId` / `reply`, and from the second one on all of them in
 * `replies` (then `replyId` and `reply` are `null`).
 */
export interface ReplySlots {
  replyId: string | null;
  reply: Remembered | null;
  replies: Map<string, Remembered> | null;
}

/** What to remember of a reply whose text is `text`: the text when short, else the result. */
export function toRemembered(text: string, result: Result<unknown>): Remembered {
  return text.length > KEEP_TEXT_UP_TO ? result : text;
}

/** The reply remembered for command `id`, if any. */
export function recallReply(slots: ReplySlots, id: string): Remembered | undefined {
  if (slots.replies !== null) return slots.replies.get(id);
  return slots.replyId === id && slots.reply !== null ? slots.reply : undefined;
}

/** Remembers the reply to `id` (not remembered yet), dropping the oldest beyond `capacity`. */
export function rememberReply(slots: ReplySlots, id: string, reply: Remembered, capacity: number): void {
  let replies = slots.replies;
  if (replies === null) {
    if (slots.replyId === null || slots.reply === null || capacity <= 1) {
      slots.replyId = id;
      slots.reply = reply;
      return;
    }
    replies = new Map([[slots.replyId, slots.reply]]);
    slots.replies = replies;
    slots.replyId = null;
    slots.reply = null;
  }
  replies.set(id, reply);
  while (replies.size > capacity) {
    const oldest = replies.keys().next();
    if (oldest.done) break;
    replies.delete(oldest.value);
  }
}
