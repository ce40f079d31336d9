import { describe, expect, it } from "vitest";
import { KeyCache, type KeyRecord } from "../../src/auth/api-key/key-cache.js";
import { MemoryCache } from "../../src/cache/memory.js";
import { keyRecord } from "../support/key-record.js";

const record: KeyRecord = { ...keyRecord("k1", "t1"), keyHash: "h1" };

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
