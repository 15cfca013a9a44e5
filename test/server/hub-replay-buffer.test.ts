import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayBuffer } from '../../src/hub/replay-buffer.js';
import type { EventEnvelope } from '../../src/protocol/types.js';

function envelope(seq: number): EventEnvelope {
  return { liveId: 'live-1', seq, to: { kind: 'all' }, event: { type: 'member.count', memberCount: seq } };
}

/** A buffer of `capacity` that was given the events `1..lastSeq`. */
function filled(capacity: number, lastSeq: number): ReplayBuffer {
  const buffer = new ReplayBuffer(capacity);
  for (let seq = 1; seq <= lastSeq; seq++) buffer.push(envelope(seq));
  return buffer;
}

const seqs = (envelopes: readonly EventEnvelope[] | null): number[] | null =>
  envelopes?.map((item) => item.seq) ?? null;

describe('hub replay buffer', () => {
  const cases: {
    name: string;
    capacity: number;
    lastSeq: number;
    sinceSeq: number;
    expected: number[] | null;
  }[] = [
    {
      name: 'everything after sinceSeq, in order',
      capacity: 8,
      lastSeq: 5,
      sinceSeq: 2,
      expected: [3, 4, 5],
    },
    { name: 'nothing missed', capacity: 8, lastSeq: 5, sinceSeq: 5, expected: [] },
    { name: 'from the first event', capacity: 8, lastSeq: 5, sinceSeq: 0, expected: [1, 2, 3, 4, 5] },
    {
      name: 'the newest events once the ring wrapped',
      capacity: 3,
      lastSeq: 7,
      sinceSeq: 4,
      expected: [5, 6, 7],
    },
    { name: 'null once a missed event was dropped', capacity: 3, lastSeq: 7, sinceSeq: 3, expected: null },
    { name: 'null for a sinceSeq ahead of the room', capacity: 8, lastSeq: 5, sinceSeq: 6, expected: null },
    {
      name: 'capacity 0 keeps nothing: null when anything was missed',
      capacity: 0,
      lastSeq: 5,
      sinceSeq: 4,
      expected: null,
    },
    { name: 'capacity 0, nothing missed', capacity: 0, lastSeq: 5, sinceSeq: 5, expected: [] },
    { name: 'a negative capacity counts as 0', capacity: -1, lastSeq: 2, sinceSeq: 1, expected: null },
  ];
  for (const { name, capacity, lastSeq, sinceSeq, expected } of cases) {
    it(name, () => {
      assert.deepEqual(seqs(filled(capacity, lastSeq).since(sinceSeq, lastSeq)), expected);
    });
  }

  it('hands back the envelopes it was given, not copies', () => {
    const buffer = new ReplayBuffer(4);
    const first = envelope(1);
    buffer.push(first);
    assert.equal(buffer.since(0, 1)?.[0], first);
  });
});
