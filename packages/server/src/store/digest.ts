import { sql } from "kysely";
import type { Tx } from "./db.js";
import { eventField } from "./events.js";
import type { TenantStatus } from "./schema.js";

/**
 * The read model behind the admin digest: platform-wide counts, run as br_platform. One file
 * because each figure crosses tables (tenants, history, keys, usage, outbox, deliveries).
 */
export async function tenantsByStatus(tx: Tx): Promise<Record<TenantStatus, number>> {
  const rows = await tx
    .selectFrom("tenants")
    .select(["status", sql<number>`count(*)::int`.as("n")])
    .groupBy("status")
    .execute();
  const counts: Record<TenantStatus, number> = { pending: 0, active: 0, rejected: 0, suspended: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

export async function signupsSince(tx: Tx, since: Date): Promise<number> {
  const row = await tx
    .selectFrom("tenants")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("created_at", ">=", since)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Admin decisions (history rows with a from status) in the window, by the status they led to. */
export async function decisionsSince(tx: Tx, since: Date): Promise<Partial<Record<TenantStatus, number>>> {
  const rows = await tx
    .selectFrom("tenant_status_history")
    .select(["to_status", sql<number>`count(*)::int`.as("n")])
    .where("created_at", ">=", since)
    .where("from_status", "is not", null)
    .groupBy("to_status")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.to_status, r.n]));
}

export function oldestPending(tx: Tx) {
  return tx
    .selectFrom("tenants")
    .select(["id", "slug", "name", "created_at"])
    .where("status", "=", "pending")
    .orderBy("created_at")
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
}

/** Keys that would authenticate right now: live, unexpired, of an active tenant. */
export async function activeKeyCount(tx: Tx): Promise<number> {
  const row = await tx
    .selectFrom("api_keys as k")
    .innerJoin("tenants as t", "t.id", "k.tenant_id")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("t.status", "=", "active")
    .where("k.revoked_at", "is", null)
    .where((eb) => eb.or([eb("k.expires_at", "is", null), eb("k.expires_at", ">", sql<Date>`now()`)]))
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function usageSince(tx: Tx, since: Date) {
  const totals = await tx
    .selectFrom("usage_events")
    .select([
      sql<number>`count(*)::int`.as("requests"),
      sql<number>`(count(*) FILTER (WHERE status >= 400))::int`.as("errors"),
      sql<number>`coalesce(sum(prompt_tokens), 0)::float8`.as("prompt_tokens"),
      sql<number>`coalesce(sum(completion_tokens), 0)::float8`.as("completion_tokens"),
    ])
    .where("created_at", ">=", since)
    .executeTakeFirstOrThrow();
  const top = await tx
    .selectFrom("usage_events as u")
    .innerJoin("tenants as t", "t.id", "u.tenant_id")
    .select([
      "t.id",
      "t.slug",
      "t.name",
      sql<number>`count(*)::int`.as("requests"),
      sql<number>`coalesce(sum(u.prompt_tokens + u.completion_tokens), 0)::float8`.as("tokens"),
    ])
    .where("u.created_at", ">=", since)
    .groupBy(["t.id", "t.slug", "t.name"])
    .orderBy("requests", "desc")
    .orderBy("t.id")
    .limit(5)
    .execute();
  return { totals, top };
}

/** Signups that spent an invite code (registration and provision mark their tenant.signup event `viaInvite`). */
export async function inviteRedemptionsSince(tx: Tx, since: Date): Promise<number> {
  const row = await tx
    .selectFrom("platform_events")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("type", "=", "tenant.signup")
    .where("created_at", ">=", since)
    .where(eventField("tenant.signup", "viaInvite"), "=", "true")
    .executeTakeFirstOrThrow();
  return row.n;
}

export function deliveriesSince(tx: Tx, since: Date) {
  return tx
    .selectFrom("event_deliveries")
    .select(["subscriber", "status", sql<number>`count(*)::int`.as("n")])
    .where("created_at", ">=", since)
    .groupBy(["subscriber", "status"])
    .execute();
}
