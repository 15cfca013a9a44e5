import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ok } from '../../src/protocol/result.js';
import {
  KEEP_TEXT_UP_TO,
  recallReply,
  rememberReply,
  toRemembered,
  type ReplySlots,
} from '../../src/hub/reply-cache.js';

const empty = (): ReplySlots => ({ replyId: null, reply: null, replies: null });

describe('hub reply cache', () => {
  it('keeps the first reply inline, with no Map', () => {
    const slots = empty();
    rememberReply(slots, 'a', 'A', 256);
    assert.equal(slots.replies, null);
    assert.equal(recallReply(slots, 'a'), 'A');
    assert.equal(recallReply(slots, 'b'), undefined);
  });

  it('moves to a Map on the second reply, oldest first, and empties the inline slot', () => {
    const slots = empty();
    rememberReply(slots, 'a', 'A', 256);
    rememberReply(slots, 'b', 'B', 256);
    assert.deepEqual(
      [...(slots.replies ?? [])],
      [
        ['a', 'A'],
        ['b', 'B'],
      ],
    );
    assert.equal(slots.replyId, null);
    assert.equal(slots.reply, null);
    assert.equal(recallReply(slots, 'a'), 'A');
    assert.equal(recallReply(slots, 'b'), 'B');
  });

  it('drops the oldest beyond its capacity', () => {
    const slots = empty();
    for (const id of ['a', 'b', 'c', 'd']) rememberReply(slots, id, id.toUpperCase(), 3);
    assert.equal(recallReply(slots, 'a'), undefined);
    assert.deepEqual(
      ['b', 'c', 'd'].map((id) => recallReply(slots, id)),
      ['B', 'C', 'D'],
    );
  });

  it('with capacity 1 keeps the newest reply inline only', () => {
    const slots = empty();
    rememberReply(slots, 'a', 'A', 1);
    rememberReply(slots, 'b', 'B', 1);
    assert.equal(slots.replies, null);
    assert.equal(recallReply(slots, 'a'), undefined);
    assert.equal(recallReply(slots, 'b'), 'B');
  });

  it('keeps a short reply as its text and a long one as its result', () => {
    const result = ok({ big: true });
    const short = 'x'.repeat(KEEP_TEXT_UP_TO);
    const long = 'x'.repeat(KEEP_TEXT_UP_TO + 1);
    assert.equal(toRemembered(short, result), short);
    assert.equal(toRemembered(long, result), result);
  });
});
