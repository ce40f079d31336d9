import { describe, expect, it } from "vitest";
import { KeyCache, type KeyRecord } from "../../src/auth/api-key/key-cache.js";
import { MemoryCache } from "../../src/cache/memory.js";

const record: KeyRecord = {
  keyId: "k1",
  keyHash: "h1",
  prefix: "br_live_abcd",
  tenantId: "t1",
  userId: null,
  role: "admin",
  rateLimitRpm: null,
  expiresAt: null,
  revokedAt: null,
  tenant: { id: "t1", slug: "t", name: "T", status: "active" },
  externalId: null,
};

/** A shared cache whose link to the other instances the test drops and restores by hand. */
class SeveredCache extends MemoryCache {
  resync: (live: boolean) => void = () => undefined;
  override async subscribe(channel: string, onMessage: (m: string) => void, onResync?: (live: boolean) => void) {
    if (onResync) this.resync = onResync;
    await super.subscribe(channel, onMessage);
  }
}

describe("KeyCache while its invalidation channel is down", () => {
  it("caches nothing between the link dropping and the subscription being confirmed again", async () => {
    const shared = new SeveredCache();
    const cache = new KeyCache(shared, 30_000);
    await cache.start();
    cache.set("h1", record, cache.currentGeneration());
    expect(cache.get("h1")).toBe(record);

    shared.resync(false);
    expect(cache.get("h1")).toBeUndefined();
    // A look-up made now would never hear of a suspension published meanwhile: not stored.
    cache.set("h1", record, cache.currentGeneration());
    expect(cache.get("h1")).toBeUndefined();

    shared.resync(true);
    cache.set("h1", record, cache.currentGeneration());
    expect(cache.get("h1")).toBe(record);
  });
});
