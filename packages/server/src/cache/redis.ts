import { Redis } from "ioredis";
import type { SharedCache } from "./interface.js";

export class RedisCache implements SharedCache {
  readonly kind = "redis" as const;
  readonly client: Redis;
  private subscriber?: Redis;
  private readonly handlers = new Map<string, (message: string) => void>();
  private readonly resyncs = new Set<(live: boolean) => void>();

  constructor(
    url: string,
    private readonly prefix = "br:",
  ) {
    // Named so operators (and tests) can tell this instance's connections apart in CLIENT LIST.
    this.client = new Redis(url, { maxRetriesPerRequest: 3, enableOfflineQueue: true, connectionName: `brainstormrouter-${prefix}` });
  }

  async get(key: string) {
    return this.client.get(this.prefix + key);
  }
  async set(key: string, value: string, ttlMs: number) {
    await this.client.set(this.prefix + key, value, "PX", ttlMs);
  }
  async add(key: string, value: string, ttlMs: number) {
    return (await this.client.set(this.prefix + key, value, "PX", ttlMs, "NX")) === "OK";
  }
  async delete(key: string) {
    await this.client.del(this.prefix + key);
  }
  async publish(channel: string, message: string) {
    await this.client.publish(this.prefix + channel, message);
  }

  async subscribe(channel: string, onMessage: (message: string) => void, onResync: (live: boolean) => void) {
    this.handlers.set(this.prefix + channel, onMessage);
    this.resyncs.add(onResync);
    if (!this.subscriber) {
      const sub = this.client.duplicate();
      this.subscriber = sub;
      sub.on("message", (ch: string, message: string) => this.handlers.get(ch)?.(message));
      // While disconnected, invalidations published by other instances are lost: drop derived
      // state both when the link goes and when it comes back (after ioredis re-subscribes).
      let connectedOnce = false;
      sub.on("close", () => this.resync(false));
      sub.on("ready", () => {
        if (!connectedOnce) {
          connectedOnce = true;
          return;
        }
        // 'ready' fires before ioredis re-sends SUBSCRIBE; a message published in between would be
        // lost. Our own SUBSCRIBE is answered after ioredis's, so its reply means "receiving again".
        sub.subscribe(...this.handlers.keys()).then(
          () => this.resync(true),
          () => undefined,
        );
      });
    }
    await this.subscriber.subscribe(this.prefix + channel);
  }

  private resync(live: boolean) {
    for (const fn of this.resyncs) fn(live);
  }

  async close() {
    this.subscriber?.disconnect();
    await this.client.quit().catch(() => undefined);
  }
}
