export interface LimitSpec {
  /** Name of the limit; also namespaces its counters. */
  name: string;
  points: number;
  durationSeconds: number;
}

export interface RateLimiter {
  /** Spends `points`; throws RateLimitError (429, Retry-After) when the budget is spent. */
  consume(key: string, points?: number): Promise<void>;
  /** Throws RateLimitError if `key` has no budget left, without spending any. */
  assertNotBlocked(key: string): Promise<void>;
  /** Gives back `points` spent in the current window (a consume that turned out not to count). */
  refund(key: string, points?: number): Promise<void>;
  reset(key: string): Promise<void>;
}

export interface Limits {
  readonly kind: "memory" | "redis";
  limiter(spec: LimitSpec): RateLimiter;
}
