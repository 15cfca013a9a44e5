/**
 * The replay buffer of one room: its most recent event envelopes, so that a client that dropped
 * and rejoins with `live.join {sinceSeq}` gets the events it missed instead of a fresh snapshot.
 */
import type { EventEnvelope } from '../protocol/types.js';

/**
 * A fixed-size ring of the most recent envelopes of one room. Its array is made once, at the
 * room's `replayBufferSize`; pushing never allocates.
 */
export class ReplayBuffer {
  readonly #items: (EventEnvelope | undefined)[];
  #start = 0;
  #size = 0;

  /** `capacity` below 1 keeps nothing: every resume then gets a snapshot. */
  constructor(capacity: number) {
    this.#items = new Array<EventEnvelope | undefined>(Math.max(0, capacity));
  }

  /** Keeps `envelope`, dropping the oldest once the ring is full. Envelopes come in `seq` order. */
  push(envelope: EventEnvelope): void {
    const capacity = this.#items.length;
    if (capacity === 0) return;
    if (this.#size < capacity) {
      this.#items[(this.#start + this.#size) % capacity] = envelope;
      this.#size++;
    } else {
      this.#items[this.#start] = envelope;
      this.#start = (this.#start + 1) % capacity;
    }
  }

  /**
   * Every kept envelope with `seq > sinceSeq`, in order, when they are all still kept (`[]` when
   * `sinceSeq` is the room's `lastSeq`); `null` when some of them were already dropped, or when
   * `sinceSeq` lies ahead of the room.
   */
  since(sinceSeq: number, lastSeq: number): EventEnvelope[] | null {
    if (sinceSeq > lastSeq) return null;
    if (sinceSeq === lastSeq) return [];
    const capacity = this.#items.length;
    const out: EventEnvelope[] = [];
    for (let i = 0; i < this.#size; i++) {
      const envelope = this.#items[(this.#start + i) % capacity];
      if (envelope !== undefined && envelope.seq > sinceSeq) out.push(envelope);
    }
    const first = out[0];
    if (first?.seq !== sinceSeq + 1) return null;
    return out;
  }
}
