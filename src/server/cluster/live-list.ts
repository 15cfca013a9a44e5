/**
 * The list of the cluster's lives, for `live.list` on any process: each owner lists its lives in
 * Redis (`lives`: a sorted set by listing number, `live-summaries`: each live's `LiveSummary` as
 * JSON), refreshes the summaries that changed (seats, member count) once per `refreshMs`, and
 * takes a live off the list when it ends. Pages follow the listing numbers, as one process's
 * `LiveDirectory` does: a cursor is the last number of the previous page, in base 36.
 */
import { ErrorCode } from '../../protocol/errors.js';
import type { LiveListPage, LiveSummary } from '../../protocol/messages.js';
import { fail, ok, type Result } from '../../protocol/result.js';
import type { RedisConnection } from './redis.js';
import { attempt } from './result.js';

/** How often the summaries that changed are written by default, in ms. */
export const DEFAULT_LIST_REFRESH_MS = 1_000;

const CURSOR = /^[0-9a-z]{1,11}$/;

/** The owner's side of the list and the reader's side, for one process. */
export class LiveList {
  readonly #redis: RedisConnection;
  readonly #lives: string;
  readonly #summaries: string;
  readonly #counter: string;
  /** Lives owned here whose summary changed since it was written: how to read it now. */
  readonly #dirty = new Map<string, () => LiveSummary>();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(redis: RedisConnection, refreshMs = DEFAULT_LIST_REFRESH_MS) {
    this.#redis = redis;
    this.#lives = `${redis.prefix}lives`;
    this.#summaries = `${redis.prefix}live-summaries`;
    this.#counter = `${redis.prefix}lives:counter`;
    this.#timer = setInterval(() => void this.#flush(), refreshMs);
    this.#timer.unref();
  }

  /** Lists a live that was just opened here. */
  async add(summary: LiveSummary): Promise<void> {
    const number = await attempt('live list number', () => this.#redis.command.incr(this.#counter));
    if (!number.isSuccess) return;
    await attempt('live list add', () =>
      this.#redis.command
        .multi()
        .hset(this.#summaries, summary.liveId, JSON.stringify(summary))
        .zadd(this.#lives, number.data, summary.liveId)
        .exec(),
    );
  }

  /** A live owned here changed: its summary is written with the next refresh. */
  changed(liveId: string, summary: () => LiveSummary): void {
    this.#dirty.set(liveId, summary);
  }

  /** Takes a live off the list (it ended). */
  async remove(liveId: string): Promise<void> {
    this.#dirty.delete(liveId);
    await attempt('live list remove', () =>
      this.#redis.command.multi().zrem(this.#lives, liveId).hdel(this.#summaries, liveId).exec(),
    );
  }

  /** The page after `cursor` (`''`: the first) of at most `count` lives, across the cluster. */
  async page(cursor: string, count: number): Promise<Result<LiveListPage>> {
    if (cursor !== '' && !CURSOR.test(cursor)) {
      return fail(
        ErrorCode.INVALID_ARGUMENT,
        'live.list: cursor: not a cursor of this server; start again with ""',
      );
    }
    const after = cursor === '' ? 0 : Number.parseInt(cursor, 36);
    const listed = await attempt('live list page', () =>
      this.#redis.command.zrangebyscore(
        this.#lives,
        `(${after}`,
        '+inf',
        'WITHSCORES',
        'LIMIT',
        0,
        count + 1,
      ),
    );
    if (!listed.isSuccess) return fail(ErrorCode.SERVER_ERROR, 'the list of lives is unreachable; try again');
    const ids: string[] = [];
    const numbers: number[] = [];
    for (let index = 0; index + 1 < listed.data.length; index += 2) {
      ids.push(listed.data[index] ?? '');
      numbers.push(Number(listed.data[index + 1]));
    }
    const shown = ids.slice(0, count);
    const texts =
      shown.length === 0
        ? ok<(string | null)[]>([])
        : await attempt('live list summaries', () => this.#redis.command.hmget(this.#summaries, ...shown));
    if (!texts.isSuccess) return fail(ErrorCode.SERVER_ERROR, 'the list of lives is unreachable; try again');
    const lives = texts.data.flatMap((text) => (text === null ? [] : [JSON.parse(text) as LiveSummary]));
    const more = ids.length > count;
    const last = numbers[shown.length - 1] ?? after;
    return ok({ lives, nextCursor: more ? last.toString(36) : '' });
  }

  /** Stops the refresh (what is still dirty is written once more). */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#dirty.size === 0) return;
    const entries = [...this.#dirty].map(([liveId, summary]) => [liveId, JSON.stringify(summary())] as const);
    this.#dirty.clear();
    await attempt('live list refresh', () =>
      this.#redis.command.hset(this.#summaries, Object.fromEntries(entries)),
    );
  }
}
