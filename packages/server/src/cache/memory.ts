import { LRUCache } from "lru-cache";
import type { SharedCache } from "./interface.js";

const COUNTER_SWEEP_WRITES = 10_000;

export class MemoryCache implements SharedCache {
  readonly kind = "memory" as const;
  private readonly values = new LRUCache<string, string>({ max: 100_000, ttlAutopurge: false });
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  // Not in the LRU: evicting a spend counter would silently reset a budget.
  private readonly counterValues = new Map<string, { value: number; expiresAt: number }>();
  // Expired counters are dropped when read; those never read again, at every sweep.
  private writesSinceSweep = 0;

  async get(key: string) {
    return this.values.get(key) ?? null;
  }
  async set(key: string, value: string, ttlMs: number) {
    this.values.set(key, value, { ttl: ttlMs });
  }
  async add(key: string, value: string, ttlMs: number) {
    if (this.values.has(key)) return false;
    this.values.set(key, value, { ttl: ttlMs });
    return true;
  }
  async delete(key: string) {
    this.values.delete(key);
  }
  async counters(keys: readonly string[]) {
    return keys.map((key) => this.liveCounter(key)?.value ?? 0);
  }
  async incrBy(key: string, by: number, ttlMs: number) {
    const value = (this.liveCounter(key)?.value ?? 0) + by;
    this.writeCounter(key, value, ttlMs);
    return value;
  }
  async raiseCounter(key: string, value: number, ttlMs: number) {
    if ((this.liveCounter(key)?.value ?? 0) >= value) return;
    this.writeCounter(key, value, ttlMs);
  }
  private writeCounter(key: string, value: number, ttlMs: number) {
    const now = Date.now();
    this.counterValues.set(key, { value, expiresAt: now + ttlMs });
    if (++this.writesSinceSweep < COUNTER_SWEEP_WRITES) return;
    this.writesSinceSweep = 0;
    for (const [k, counter] of this.counterValues) if (counter.expiresAt <= now) this.counterValues.delete(k);
  }
  private liveCounter(key: string) {
    const counter = this.counterValues.get(key);
    if (counter && counter.expiresAt <= Date.now()) {
      this.counterValues.delete(key);
      return undefined;
    }
    return counter;
  }
  async publish(channel: string, message: string) {
    for (const handler of this.handlers.get(channel) ?? []) handler(message);
  }
  async subscribe(channel: string, onMessage: (message: string) => void) {
    const set = this.handlers.get(channel) ?? new Set();
    set.add(onMessage);
    this.handlers.set(channel, set);
  }
  async close() {
    this.handlers.clear();
  }
}
