import { randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Logger } from "pino";
import type { SharedCache } from "../../cache/interface.js";
import type { KeyPolicy } from "../../governance/policy.js";
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
  /** Budgets, model access and requests per minute, the key's and its tenant's together. */
  policy: KeyPolicy;
  expiresAt: number | null;
  revokedAt: number | null;
  /**
   * When this secret stops working: the grace end of a secret a rotation replaced (it then answers
   * api_key_rotated); null for the key's current secret. Checked per request, from the cache.
   */
  secretExpiresAt: number | null;
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

export interface KeyCacheStats {
  /** Look-ups answered from the cache (a remembered "unknown" included) since start. */
  hits: number;
  misses: number;
  entries: number;
}

type Entry = { record: KeyRecord | null };

/** hash sets by key id or tenant id: what one invalidation must drop, without a scan. */
class HashIndex {
  private readonly byId = new Map<string, Set<string>>();

  add(id: string, hash: string): void {
    const hashes = this.byId.get(id);
    if (hashes) hashes.add(hash);
    else this.byId.set(id, new Set([hash]));
  }

  remove(id: string, hash: string): void {
    const hashes = this.byId.get(id);
    if (!hashes?.delete(hash)) return;
    if (hashes.size === 0) this.byId.delete(id);
  }

  /** A copy: the caller deletes entries, whose dispose callback edits the set. */
  hashes(id: string): string[] {
    return [...(this.byId.get(id) ?? [])];
  }

  /** Ids indexed; the tests check that evicted entries leave no trace. */
  size(): number {
    return this.byId.size;
  }

  clear(): void {
    this.byId.clear();
  }
}

/**
 * Per-instance cache of API-key look-ups (hash → key, user and tenant status), so a warm request
 * costs no database query. Revocation and suspension invalidate it here and, through the shared
 * cache's broadcast (Redis pub/sub), on every other instance.
 */
export class KeyCache {
  private readonly entries: LRUCache<string, Entry>;
  // Kept in step with `entries` by its dispose callback (eviction, expiry, delete, replacement),
  // so invalidation costs the entries it removes, not the cache's size (100k keys: a full scan
  // took ~170 ms per suspension, on the event loop).
  private readonly byKey = new HashIndex();
  private readonly byTenant = new HashIndex();
  private hits = 0;
  private misses = 0;
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
    max = 100_000,
  ) {
    this.entries = new LRUCache<string, Entry>({
      max,
      ttl: ttlMs,
      // Synchronous, inside set/delete/get: the index never lists a hash the cache no longer holds.
      dispose: ({ record }, hash) => {
        if (!record) return;
        this.byKey.remove(record.keyId, hash);
        this.byTenant.remove(record.tenantId, hash);
      },
    });
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
    const entry = this.entries.get(hash);
    if (entry) this.hits++;
    else this.misses++;
    return entry?.record;
  }

  /** Counted on `get`; entries include remembered unknown hashes. */
  stats(): KeyCacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size };
  }

  /** How many key ids and tenant ids the invalidation index holds (for tests). */
  indexSize(): { keys: number; tenants: number } {
    return { keys: this.byKey.size(), tenants: this.byTenant.size() };
  }

  currentGeneration(): number {
    return this.generation;
  }

  /** Stores the result of a look-up begun at `generation`, unless something was invalidated since. */
  set(hash: string, record: KeyRecord | null, generation: number): void {
    if (!this.live || generation !== this.generation) return;
    // A replaced entry's dispose runs inside set, before the new one is indexed.
    this.entries.set(hash, { record }, record ? undefined : { ttl: NEGATIVE_TTL_MS });
    if (record && this.entries.has(hash)) {
      this.byKey.add(record.keyId, hash);
      this.byTenant.add(record.tenantId, hash);
    }
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
    this.byKey.clear();
    this.byTenant.clear();
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
    // Each delete's dispose takes the hash out of both indexes.
    for (const hash of (message.kind === "key" ? this.byKey : this.byTenant).hashes(message.id)) this.entries.delete(hash);
  }
}
