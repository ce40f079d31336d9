import { LRUCache } from "lru-cache";
import type { SharedCache } from "./interface.js";

export class MemoryCache implements SharedCache {
  readonly kind = "memory" as const;
  private readonly values = new LRUCache<string, string>({ max: 100_000, ttlAutopurge: false });
  private readonly handlers = new Map<string, Set<(message: string) => void>>();

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
