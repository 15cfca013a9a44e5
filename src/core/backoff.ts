/** How a session waits between reconnect attempts. */
export interface ReconnectOptions {
  /** Delay before the first attempt, in ms. Default 250. */
  readonly baseDelayMs: number;
  /** Upper bound of any delay, in ms. Default 10,000. */
  readonly maxDelayMs: number;
  /** Fraction 0..1 of each delay that is randomised away (0 = none). Default 0.5. */
  readonly jitter: number;
  /**
   * How long a connection must have held, in ms, for the next loss to start the backoff over from
   * `baseDelayMs`: a server that closes soon after each welcome gets ever longer delays, not one
   * attempt per `baseDelayMs`. Default 10,000.
   */
  readonly resetAfterMs?: number;
}

/** The defaults of `createSession({ reconnect })`, besides `resetAfterMs`. */
export const DEFAULT_RECONNECT: ReconnectOptions = { baseDelayMs: 250, maxDelayMs: 10_000, jitter: 0.5 };

/** How long a connection must hold before the reconnect backoff starts over (`resetAfterMs`). */
export const DEFAULT_RESET_AFTER_MS = 10_000;

/**
 * The delay before reconnect attempt `attempt` (0 for the first): exponential backoff
 * `min(maxDelayMs, baseDelayMs * 2^attempt)`, of which a random fraction up to `jitter` is taken
 * off, so the result lies in `[delay * (1 - jitter), delay]`. Pure; `random` is injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  options: ReconnectOptions = DEFAULT_RECONNECT,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.max(0, Math.round(delay * (1 - jitter * random())));
}
