import { sql, type Updateable } from "kysely";
import type { Tx } from "./db.js";
import { afterCursor, cursorColumn, type Page } from "./pagination.js";
import type { NewTenant, TenantStatus, TenantsTable } from "./schema.js";

export const TENANT_SUMMARY = ["id", "slug", "name", "status"] as const;

export function insertTenant(tx: Tx, tenant: NewTenant) {
  return tx.insertInto("tenants").values(tenant).returning(TENANT_SUMMARY).executeTakeFirstOrThrow();
}

export function findTenant(tx: Tx, id: string) {
  return tx.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findTenantSummary(tx: Tx, id: string) {
  return tx.selectFrom("tenants").select(TENANT_SUMMARY).where("id", "=", id).executeTakeFirst();
}

export function recordStatusChange(
  tx: Tx,
  change: { tenantId: string; from: TenantStatus | null; to: TenantStatus; reason?: string | null; actor?: string | null },
) {
  return tx
    .insertInto("tenant_status_history")
    .values({
      tenant_id: change.tenantId,
      from_status: change.from,
      to_status: change.to,
      reason: change.reason ?? null,
      actor: change.actor ?? null,
    })
    .execute();
}

/** Oldest first (the head of the pending queue is the signup that has waited longest), keyset-paginated. */
export function listTenants(tx: Tx, page: Page & { status?: TenantStatus | undefined }) {
  let q = tx
    .selectFrom("tenants as t")
    .selectAll()
    .select(cursorColumn("t").as("cursor_at"))
    .where(afterCursor("t", page.cursor))
    .orderBy("created_at")
    .orderBy("id")
    .limit(page.limit + 1);
  if (page.status) q = q.where("status", "=", page.status);
  return q.execute();
}

/**
 * Moves a tenant from exactly `from` to `to`. The status condition makes concurrent transitions
 * safe: the loser's UPDATE waits on the row lock, re-checks, matches nothing and returns undefined.
 */
export function transitionTenant(tx: Tx, change: { id: string; from: TenantStatus; to: TenantStatus; reason: string | null }) {
  return tx
    .updateTable("tenants")
    .set({
      status: change.to,
      status_reason: change.reason,
      ...(change.to === "active" ? { activated_at: sql<Date>`now()` } : {}),
    })
    .where("id", "=", change.id)
    .where("status", "=", change.from)
    .returningAll()
    .executeTakeFirst();
}

export function statusHistory(tx: Tx, tenantId: string) {
  return tx
    .selectFrom("tenant_status_history")
    .select(["from_status", "to_status", "reason", "actor", "created_at"])
    .where("tenant_id", "=", tenantId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** The decision that ended a tenant's pending state (approve or reject), if one was taken. */
export function pendingDecision(tx: Tx, tenantId: string) {
  return tx
    .selectFrom("tenant_status_history")
    .select(["to_status", "actor"])
    .where("tenant_id", "=", tenantId)
    .where("from_status", "=", "pending")
    .orderBy("created_at")
    .orderBy("id")
    .executeTakeFirst();
}

export function tenantMembers(tx: Tx, tenantId: string) {
  return tx
    .selectFrom("tenant_memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["m.user_id", "m.external_id", "u.email", "m.role", "m.created_at"])
    .where("m.tenant_id", "=", tenantId)
    .orderBy("m.created_at")
    .execute();
}

export async function apiKeyCounts(tx: Tx, tenantId: string) {
  const row = await tx
    .selectFrom("api_keys")
    .select([
      sql<number>`count(*)::int`.as("total"),
      sql<number>`(count(*) FILTER (WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())))::int`.as("active"),
    ])
    .where("tenant_id", "=", tenantId)
    .executeTakeFirstOrThrow();
  return row;
}

const SETTINGS = ["rate_limit_rpm", "budget_usd", "budget_period", "allowed_models", "max_key_lifetime_days"] as const;

/** The tenant's governance settings (migrations/0009), of the transaction's tenant. */
export function findTenantSettings(tx: Tx, id: string) {
  return tx.selectFrom("tenants").select(SETTINGS).where("id", "=", id).executeTakeFirst();
}

/** Locked for a change: concurrent updates apply one after the other, each seeing the last. */
export function lockTenantSettings(tx: Tx, id: string) {
  return tx.selectFrom("tenants").select(SETTINGS).where("id", "=", id).forUpdate().executeTakeFirst();
}

export function updateTenantSettings(tx: Tx, id: string, changes: Pick<Updateable<TenantsTable>, (typeof SETTINGS)[number]>) {
  return tx.updateTable("tenants").set(changes).where("id", "=", id).returning(SETTINGS).executeTakeFirstOrThrow();
}
