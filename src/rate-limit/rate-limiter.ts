/** The outcome of counting one event against a limit. */
export interface RateLimitResult {
  allowed: boolean;
  /** Events counted in the current window, including this one. */
  count: number;
  /** Seconds until the window resets. */
  retryAfter: number;
}

/**
 * Fixed-window counters shared by every instance (in the database, or in Redis when
 * REDIS_URL is set). Keys are namespaced by the caller, e.g. `signin:user:<id>`.
 */
export interface RateLimiter {
  /** Counts one event for `key` and says whether it is within `limit` per `windowSeconds`. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  /** The current state without counting (e.g. to refuse before checking a password). */
  peek(key: string, limit: number): Promise<RateLimitResult>;
  /**
   * Takes back one event counted by `hit` in the current window (an attempt reserved before the
   * work, which turned out not to count, e.g. a successful sign-in). Never goes below zero.
   */
  undo(key: string): Promise<void>;
  /** Forgets a key (e.g. after a successful sign-in). */
  reset(key: string): Promise<void>;
}
