/**
 * Shared state between instances: plain values with a time to live, and a broadcast channel.
 * In-process when there is one instance, Redis when `REDIS_URL` is set.
 */
export interface SharedCache {
  readonly kind: "memory" | "redis";
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Stores only if absent (SET NX); true when this call stored it. */
  add(key: string, value: string, ttlMs: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  /**
   * Integer counters (spend in micro-dollars): kept until their time to live, never dropped to
   * make room as plain values may be. A missing counter reads 0.
   */
  counters(keys: readonly string[]): Promise<number[]>;
  /** Adds `by` and returns the new value; the counter lives `ttlMs` from this call. */
  incrBy(key: string, by: number, ttlMs: number): Promise<number>;
  /** Raises a counter to at least `value` (a missing one counts 0): never lowers it. */
  raiseCounter(key: string, value: number, ttlMs: number): Promise<void>;
  publish(channel: string, message: string): Promise<void>;
  /**
   * `onResync` is called whenever messages may have been missed, so a subscriber holding derived
   * state can throw it away: with `live` false when the connection drops (messages are being lost
   * from now on), and with `live` true once the subscription is confirmed again.
   */
  subscribe(channel: string, onMessage: (message: string) => void, onResync: (live: boolean) => void): Promise<void>;
  close(): Promise<void>;
}
