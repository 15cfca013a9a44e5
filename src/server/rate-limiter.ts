/**
 * The message rate of each connection. Two budgets per connection, one for `media.signal` commands
 * and one for every other message, each a token bucket (refilled at the rate, up to a burst) and a
 * one-second window that catches a flood:
 *
 * | budget   | refill per second     | burst    | flood (close 4008) within one second |
 * | -------- | --------------------- | -------- | ------------------------------------ |
 * | messages | `messagesPerSecond`   | 2 × rate | more than 5 × rate                   |
 * | signals  | `signalsPerSecond`    | 6 × rate | more than 12 × rate                  |
 *
 * A budget exists only while it is in use: made by a connection's first message of its kind, and
 * dropped again by `rest` (which the heartbeat calls for every connection) once it is as good as
 * fresh, so an idle member holds none. The budgets live on the server's object of each connection
 * (`Budgets`); the limiter is one object per server, given the clock it reads.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { ServerMessage } from '../protocol/messages.js';

/** What to do with one message: handle it, refuse it with `RATE_LIMITED`, or close the socket. */
export type Admission = 'ok' | 'limited' | 'abuse';

/** A token bucket and the one-second window of the flood check. */
export interface Budget {
  tokens: number;
  refilledAt: number;
  windowStart: number;
  windowCount: number;
}

/** A connection's budgets; `null` while not in use. */
export interface Budgets {
  /** Every message but `media.signal`. */
  messages: Budget | null;
  /** `media.signal` commands. */
  signals: Budget | null;
}

export interface RateLimiterOptions {
  messagesPerSecond: number;
  signalsPerSecond: number;
  /** A monotonic clock in milliseconds. Default `performance.now()`. */
  clock?: () => number;
}

export interface RateLimiter {
  /** The limiter's clock, for a caller that visits many connections at one instant (`rest`). */
  now(): number;
  /** Counts `text` against its budget (made if missing) and says what to do with it. */
  admit(budgets: Budgets, text: string): Admission;
  /** Drops the budgets that are as good as fresh at `now`. */
  rest(budgets: Budgets, now: number): void;
  /** The answer to a refused message: a `reply` to its command id, else an `error`. */
  refusal(text: string): ServerMessage;
}

/** Burst and flood limit of one budget, as multiples of its rate. */
const MESSAGE_BURST = 2;
const MESSAGE_FLOOD = 5;
const SIGNAL_BURST = 6;
const SIGNAL_FLOOD = 12;
/** The longest command id that a refusal names (the protocol's limit on command ids). */
const MAX_ID_LENGTH = 64;

/** The limits of one budget. */
interface Lane {
  readonly rate: number;
  readonly burst: number;
  readonly abuseLimit: number;
}

function budget(burst: number, now: number): Budget {
  return { tokens: burst, refilledAt: now, windowStart: now, windowCount: 0 };
}

/**
 * Whether a budget is back to its fresh state at `now`: refilled to `burst` and out of its flood
 * window. Such a budget and `budget(burst, later)` answer every later message the same way (the
 * window restarts and the bucket is capped at `burst` either way), so it can be dropped.
 */
function rested(bucket: Budget, now: number, lane: Lane): boolean {
  return (
    now - bucket.windowStart >= 1000 &&
    bucket.tokens + ((now - bucket.refilledAt) / 1000) * lane.rate >= lane.burst
  );
}

/**
 * Whether `text` is a `media.signal` command, which has its own budget. Parsed for real, so that no
 * other message can borrow that budget by mentioning the name.
 */
export function isSignal(text: string): boolean {
  if (!text.includes('media.signal')) return false;
  try {
    const raw: unknown = JSON.parse(text);
    return (
      typeof raw === 'object' &&
      raw !== null &&
      (raw as { type?: unknown }).type === 'cmd' &&
      (raw as { name?: unknown }).name === 'media.signal'
    );
  } catch {
    return false;
  }
}

/** The command id of `text` that a reply may name, or `null`. */
function commandId(text: string): string | null {
  try {
    const raw: unknown = JSON.parse(text);
    const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
    if (typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH) return id;
  } catch {
    // No id to answer to.
  }
  return null;
}

function performanceNow(): number {
  return performance.now();
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const clock = options.clock ?? performanceNow;
  const messages: Lane = {
    rate: options.messagesPerSecond,
    burst: options.messagesPerSecond * MESSAGE_BURST,
    abuseLimit: options.messagesPerSecond * MESSAGE_FLOOD,
  };
  const signals: Lane = {
    rate: options.signalsPerSecond,
    burst: options.signalsPerSecond * SIGNAL_BURST,
    abuseLimit: options.signalsPerSecond * SIGNAL_FLOOD,
  };

  return {
    now: clock,

    admit(budgets, text) {
      const now = clock();
      const signal = isSignal(text);
      const lane = signal ? signals : messages;
      const bucket = signal
        ? (budgets.signals ??= budget(lane.burst, now))
        : (budgets.messages ??= budget(lane.burst, now));
      if (now - bucket.windowStart >= 1000) {
        bucket.windowStart = now;
        bucket.windowCount = 0;
      }
      bucket.windowCount++;
      if (bucket.windowCount > lane.abuseLimit) return 'abuse';
      bucket.tokens = Math.min(lane.burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * lane.rate);
      bucket.refilledAt = now;
      if (bucket.tokens < 1) return 'limited';
      bucket.tokens -= 1;
      return 'ok';
    },

    rest(budgets, now) {
      if (budgets.messages && rested(budgets.messages, now, messages)) budgets.messages = null;
      if (budgets.signals && rested(budgets.signals, now, signals)) budgets.signals = null;
    },

    refusal(text) {
      const id = commandId(text);
      const message = isSignal(text)
        ? `more than ${signals.rate} signals per second; slow down`
        : `more than ${messages.rate} messages per second; slow down`;
      return id === null
        ? { type: 'error', code: ErrorCode.RATE_LIMITED, message }
        : {
            type: 'reply',
            id,
            result: { isSuccess: false, errorCode: ErrorCode.RATE_LIMITED, errorMessage: message },
          };
    },
  };
}
