import { LRUCache } from "lru-cache";
import type { SharedCache } from "../../cache/interface.js";
import type { TenantStatus, UserRole } from "../../store/schema.js";

export interface KeyRecord {
  keyId: string;
  keyHash: string;
  prefix: string;
  tenantId: string;
  userId: string | null;
  role: UserRole;
  rateLimitRpm: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
  tenant: { id: string; slug: string; name: string; status: TenantStatus };
  externalId: string | null;
}

const CHANNEL = "key-invalidation";
// Unknown hashes are remembered briefly so a flood of well-formed fake keys cannot hammer the
// database; short, because a hash that is unknown now is never going to become a known key.
const NEGATIVE_TTL_MS = 5_000;

type Message = { kind: "key"; id: string } | { kind: "tenant"; id: string };

/**
 * Per-instance cache of API-key look-ups (hash → key, user and tenant status), so a warm request
 * costs no database query. Revocation and suspension invalidate it here and, through the shared
 * cache's broadcast (Redis pub/sub), on every other instance.
 */
export class KeyCache {
  private readonly entries: LRUCache<string, { record: KeyRecord | null }>;
  // Bumped by every invalidation; a look-up that started before one must not store its result,
  // or a suspension racing a cold look-up would be undone until the entry expires.
  private generation = 0;
  // False while the invalidation channel is down: look-ups are then not cached at all, since an
  // invalidation sent meanwhile would never arrive and the entry would outlive a suspension.
  private live = true;

  constructor(
    private readonly shared: SharedCache,
    ttlMs: number,
  ) {
    this.entries = new LRUCache({ max: 100_000, ttl: ttlMs });
  }

  async start(): Promise<void> {
    await this.shared.subscribe(
      CHANNEL,
      (raw) => this.apply(JSON.parse(raw) as Message),
      (live) => {
        this.live = live;
        this.clear();
      },
    );
  }

  /** undefined: not cached; null: known not to exist. */
  get(hash: string): KeyRecord | null | undefined {
    return this.entries.get(hash)?.record;
  }

  currentGeneration(): number {
    return this.generation;
  }

  /** Stores the result of a look-up begun at `generation`, unless something was invalidated since. */
  set(hash: string, record: KeyRecord | null, generation: number): void {
    if (!this.live || generation !== this.generation) return;
    this.entries.set(hash, { record }, record ? undefined : { ttl: NEGATIVE_TTL_MS });
  }

  invalidateKey(keyId: string): Promise<void> {
    return this.broadcast({ kind: "key", id: keyId });
  }

  invalidateTenant(tenantId: string): Promise<void> {
    return this.broadcast({ kind: "tenant", id: tenantId });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  private async broadcast(message: Message): Promise<void> {
    // Applied here at once so the next request on this instance sees it, then sent to the others.
    this.apply(message);
    await this.shared.publish(CHANNEL, JSON.stringify(message));
  }

  private apply(message: Message): void {
    this.generation++;
    for (const [hash, { record }] of this.entries.entries()) {
      if (!record) continue;
      if (message.kind === "key" ? record.keyId === message.id : record.tenantId === message.id) {
        this.entries.delete(hash);
      }
    }
  }
}
