/**
 * The open lives of a hub, in the order they were created: the pages of `live.list`, and how many
 * lives each user owns (`HubOptions.maxLivesPerUser`).
 *
 * Each live gets a number when it is listed, one more than the last, so that a page's cursor (the
 * number of its last live) keeps its place however many lives end or start meanwhile: the next
 * page starts after it, with no live twice and none skipped among those open throughout. The
 * numbers sit in one array in order (a page is a binary search away); an ended live leaves a hole
 * that is swept once holes are half of the array. The cursor is only meaningful to the hub that
 * gave it: another process (a restart) numbers its lives afresh.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { LiveListPage, LiveSummary } from '../protocol/messages.js';
import { fail, ok, type Result } from '../protocol/result.js';
import type { RoomRecord } from './records.js';

/** What the directory needs of a room record: its room and where it is listed. */
type Listed = Pick<RoomRecord, 'room' | 'listedAs' | 'ownerId'>;

const CURSOR = /^[0-9a-z]{1,10}$/;

export class LiveDirectory {
  /** The numbers of the listed lives, ascending; the hole of an ended live stays until a sweep. */
  #numbers: number[] = [];
  /** The records, at the same index as their number; `null` for a hole. */
  #records: (Listed | null)[] = [];
  #holes = 0;
  #last = 0;
  readonly #owned = new Map<string, number>();

  /** Lives `userId` owns that are open. */
  ownedBy(userId: string): number {
    return this.#owned.get(userId) ?? 0;
  }

  /** Lists a live that was just opened by `record.ownerId`, after every live listed before it. */
  add(record: Listed): void {
    record.listedAs = ++this.#last;
    this.#numbers.push(record.listedAs);
    this.#records.push(record);
    this.#owned.set(record.ownerId, this.ownedBy(record.ownerId) + 1);
  }

  /** Takes an ended live off the list (nothing if it was not listed). */
  remove(record: Listed): void {
    if (record.listedAs === 0) return;
    const index = this.#indexAfter(record.listedAs - 1);
    record.listedAs = 0;
    if (this.#records[index] !== record) return;
    this.#records[index] = null;
    this.#holes++;
    const owned = this.ownedBy(record.ownerId) - 1;
    if (owned > 0) this.#owned.set(record.ownerId, owned);
    else this.#owned.delete(record.ownerId);
    if (this.#holes > 32 && this.#holes * 2 > this.#records.length) this.#sweep();
  }

  /**
   * The page after `cursor` (`''`: the first page), of at most `count` lives that have not ended,
   * with the cursor of the next page (`''` when none is left), or INVALID_ARGUMENT for a cursor
   * this directory cannot have given.
   */
  page(cursor: string, count: number): Result<LiveListPage> {
    let after = 0;
    if (cursor !== '') {
      after = CURSOR.test(cursor) ? Number.parseInt(cursor, 36) : Number.NaN;
      if (!Number.isSafeInteger(after) || after > this.#last) {
        return fail(
          ErrorCode.INVALID_ARGUMENT,
          'live.list: cursor: not a cursor of this server; start again with ""',
        );
      }
    }
    const lives: LiveSummary[] = [];
    let index = this.#indexAfter(after);
    let last = after;
    for (; index < this.#records.length && lives.length < count; index++) {
      const room = this.#records[index]?.room;
      if (!room || room.ended) continue;
      lives.push(room.summary());
      last = this.#numbers[index] ?? last;
    }
    for (; index < this.#records.length; index++) {
      const room = this.#records[index]?.room;
      if (room && !room.ended) return ok({ lives, nextCursor: last.toString(36) });
    }
    return ok({ lives, nextCursor: '' });
  }

  /** The index of the first listed number greater than `number`. */
  #indexAfter(number: number): number {
    const numbers = this.#numbers;
    let low = 0;
    let high = numbers.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((numbers[middle] ?? 0) <= number) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  #sweep(): void {
    const numbers: number[] = [];
    const records: Listed[] = [];
    for (const [index, record] of this.#records.entries()) {
      if (record === null) continue;
      records.push(record);
      numbers.push(this.#numbers[index] ?? 0);
    }
    this.#numbers = numbers;
    this.#records = records;
    this.#holes = 0;
  }
}
