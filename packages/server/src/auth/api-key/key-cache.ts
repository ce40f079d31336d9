import { randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { SharedCache } from "../../cache/interface.js";
import type { PlatformRole, TenantStatus, UserRole } from "../../store/schema.js";

export interface KeyRecord {
  keyId: string;
  keyHash: string;
  prefix: string;
  /** The key's name and prefix as the audit trail shows it ("ci (…abcd)"); made once per look-up. */
  label: string;
  tenantId: string;
  userId: string | null;
  role: UserRole;
  rateLimitRpm: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
  /** Platform power the key was minted with (DESIGN.md §8). */
  platformRole: PlatformRole | null;
  tenant: { id: string; slug: string; name: string; status: TenantStatus };
  externalId: string | null;
}

const CHANNEL = "key-invalidation";
// Unknown hashes are remembered briefly so a flood of well-formed fake keys cannot hammer the
// database; short, because a hash that is unknown now is never going to become a known key.
const NEGATIVE_TTL_MS = 5_000;

// How often an instance whose broadcast failed checks that the channel carries messages again.
const RECOVERY_PROBE_MS = 1_000;

// `probe` is this instance's own round trip through the channel; older instances ignore it.
type Message = { kind: "key"; id: string } | { kind: "tenant"; id: string } | { kind: "probe"; id: string };

/** What a committed change made stale: its keys, or every key of its tenants. */
export interface Invalidation {
  keyIds?: readonly string[];
  tenantIds?: readonly string[];
}

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
  // Set while a failed broadcast keeps this instance from caching: the probe that must come back.
  private pendingProbe: string | null = null;
  private readonly loads = new Map<string, Promise<KeyRecord | null>>();
  private probeTimer?: NodeJS.Timeout;

  constructor(
    private readonly shared: SharedCache,
    ttlMs: number,
    private readonly log?: Logger,
  ) {
    this.entries = new LRUCache({ max: 100_000, ttl: ttlMs });
  }

  async start(): Promise<void> {
    await this.shared.subscribe(
      CHANNEL,
      (raw) => this.apply(JSON.parse(raw) as Message),
      (live) => {
        this.live = live && this.pendingProbe === null;
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

  /**
   * The one way to drop entries after a committed change (revocation, suspension, removal). It
   * never fails: the change is already the truth in the database, so a broadcast that cannot be
   * sent is logged and this instance stops caching until the channel is proven to carry messages
   * again — the same state as a dropped subscription (decisions.md #83).
   */
  async invalidate(what: Invalidation): Promise<void> {
    const messages: Message[] = [
      ...(what.keyIds ?? []).map((id) => ({ kind: "key" as const, id })),
      ...(what.tenantIds ?? []).map((id) => ({ kind: "tenant" as const, id })),
    ];
    // Applied here at once so the next request on this instance sees it, then sent to the others.
    for (const m of messages) this.apply(m);
    try {
      await Promise.all(messages.map((m) => this.shared.publish(CHANNEL, JSON.stringify(m))));
    } catch (err) {
      this.log?.error({ err, ...what }, "could not broadcast a key-cache invalidation; not caching keys until the channel works again");
      this.degrade();
    }
  }

  /**
   * The record of `hash` from `loader`, stored unless invalidated meanwhile. Concurrent misses of
   * one hash share a single load: when a busy key's entry expires, its next burst of requests
   * costs one database look-up, not one each.
   */
  load(hash: string, loader: () => Promise<KeyRecord | null>): Promise<KeyRecord | null> {
    const pending = this.loads.get(hash);
    if (pending) return pending;
    const generation = this.generation;
    const loaded = loader()
      .then((record) => {
        this.set(hash, record, generation);
        return record;
      })
      .finally(() => {
        if (this.loads.get(hash) === loaded) this.loads.delete(hash);
      });
    this.loads.set(hash, loaded);
    return loaded;
  }

  /** The look-up of `hash` already under way, if any. */
  loading(hash: string): Promise<KeyRecord | null> | undefined {
    return this.loads.get(hash);
  }

  invalidateKey(keyId: string): Promise<void> {
    return this.invalidate({ keyIds: [keyId] });
  }

  invalidateTenant(tenantId: string): Promise<void> {
    return this.invalidate({ tenantIds: [tenantId] });
  }

  /** False while look-ups are not cached (channel down, or a broadcast failed and not yet recovered). */
  isCaching(): boolean {
    return this.live;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loads.clear();
  }

  close(): void {
    clearTimeout(this.probeTimer);
  }

  private degrade(): void {
    this.live = false;
    this.clear();
    if (this.pendingProbe === null) this.sendProbe();
  }

  /** Publishes a probe until one comes back through the subscription; then caching resumes. */
  private sendProbe(): void {
    const id = randomUUID();
    this.pendingProbe = id;
    this.shared.publish(CHANNEL, JSON.stringify({ kind: "probe", id } satisfies Message)).catch(() => undefined);
    this.probeTimer = setTimeout(() => {
      if (this.pendingProbe === id) this.sendProbe();
    }, RECOVERY_PROBE_MS);
    this.probeTimer.unref();
  }

  private apply(message: Message): void {
    if (message.kind === "probe") {
      if (message.id !== this.pendingProbe) return;
      this.pendingProbe = null;
      clearTimeout(this.probeTimer);
      // Whatever was published while the channel was failing is lost: start from empty.
      this.clear();
      this.live = true;
      return;
    }
    this.generation++;
    // A load begun before this change read the old state: later misses must not join it.
    this.loads.clear();
    for (const [hash, { record }] of this.entries.entries()) {
      if (!record) continue;
      if (message.kind === "key" ? record.keyId === message.id : record.tenantId === message.id) {
        this.entries.delete(hash);
      }
    }
  }
}
